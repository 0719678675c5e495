"""The loader keeps the valid rest and names the file, feature and field of every problem."""

import json

from layers.data.load import load_atlas
from tests.factories import event, layer, site_feature, source, write_dataset


def _messages(atlas, severity="error"):
    return [str(p) for p in atlas.problems if p.severity == severity]


def test_a_valid_folder_loads_without_problems(tmp_path):
    atlas = load_atlas(write_dataset(tmp_path))
    assert atlas.problems == ()
    assert list(atlas.sites) == ["S1"]
    assert [e.id for e in atlas.events] == ["E01"]


def test_a_file_that_is_not_json_is_skipped_and_the_rest_loads(tmp_path):
    root = write_dataset(
        tmp_path,
        layers={"good": layer("good", site_feature("S1")), "bad": layer("bad", site_feature("S2"))},
    )
    (root / "sites" / "bad.geojson").write_text(
        '{"type": "FeatureCollection", "features": [', encoding="utf-8"
    )
    atlas = load_atlas(root)
    assert list(atlas.sites) == ["S1"]
    [message] = _messages(atlas)
    assert "sites/bad.geojson" in message and "not valid JSON" in message and "line 1" in message


def test_json_that_is_not_geojson_is_named(tmp_path):
    root = write_dataset(tmp_path, layers={"list": layer("list")})
    (root / "sites" / "list.geojson").write_text("[1, 2, 3]", encoding="utf-8")
    [message] = _messages(load_atlas(root))
    assert "sites/list.geojson" in message and "not a GeoJSON FeatureCollection" in message


def test_a_feature_that_breaks_the_schema_names_index_id_and_field(tmp_path):
    bad = site_feature("S2", precision_m="about a km")
    root = write_dataset(tmp_path, layers={"mixed": layer("mixed", site_feature("S1"), bad)})
    atlas = load_atlas(root)
    assert list(atlas.sites) == ["S1"]
    [problem] = atlas.problems
    assert problem.file.endswith("sites/mixed.geojson")
    assert (problem.index, problem.record_id, problem.field) == (1, "S2", "properties.precision_m")
    assert "feature 1 (id 'S2')" in str(problem) and "integer" in str(problem)


def test_swapped_or_impossible_coordinates_are_refused(tmp_path):
    root = write_dataset(
        tmp_path, layers={"x": layer("x", site_feature("S1", lon=35.7, lat=139.8))}
    )
    atlas = load_atlas(root)
    [problem] = [p for p in atlas.problems if p.severity == "error"]
    assert "coordinates" in problem.field and "not [longitude, latitude]" in problem.message
    assert any("'S1' is not in any loaded layer" in m for m in _messages(atlas, "warning"))


def test_non_utf8_and_byte_order_mark(tmp_path):
    root = write_dataset(tmp_path, layers={"latin": layer("latin"), "bom": layer("bom")})
    (root / "sites" / "latin.geojson").write_bytes(b'{"type": "FeatureCollection", "x": "\xe9"}')
    bom = json.dumps(layer("bom", site_feature("S1"))).encode("utf-8")
    (root / "sites" / "bom.geojson").write_bytes(b"\xef\xbb\xbf" + bom)
    atlas = load_atlas(root)
    assert "S1" in atlas.sites
    assert any("latin.geojson" in m and "not UTF-8" in m for m in _messages(atlas))
    assert any("bom.geojson" in m and "byte-order mark" in m for m in _messages(atlas, "warning"))


def test_deep_nesting_does_not_crash(tmp_path):
    root = write_dataset(tmp_path, layers={"deep": layer("deep")})
    (root / "sites" / "deep.geojson").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    [message] = _messages(load_atlas(root))
    assert "deep.geojson" in message


def test_an_event_without_a_resolvable_source_is_not_shown(tmp_path):
    root = write_dataset(tmp_path, events=[event("E01"), event("E02", source_ids=["missing"])])
    atlas = load_atlas(root)
    assert [e.id for e in atlas.events] == ["E01"]
    assert any("E02" in m and "source_ids" in m and "'missing'" in m for m in _messages(atlas))


def test_an_event_with_a_bad_grade_names_the_field_and_the_allowed_values(tmp_path):
    root = write_dataset(tmp_path, events=[event("E01", grade="certain")])
    [problem] = load_atlas(root).problems
    assert problem.field == "grade" and problem.record_id == "E01"
    assert "alleged" in problem.message


def test_duplicate_ids_are_reported(tmp_path):
    root = write_dataset(
        tmp_path,
        layers={"a": layer("a", site_feature("S1")), "b": layer("b", site_feature("S1"))},
        events=[event("E01"), event("E01")],
    )
    messages = _messages(load_atlas(root))
    assert any("'S1'" in m and "2 times" in m for m in messages)
    assert any("'E01'" in m and "2 times" in m for m in messages)


def test_loading_never_writes(tmp_path):
    root = write_dataset(tmp_path, sources=[source(), source("src-b")])
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    load_atlas(root)
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


def test_problems_name_an_event_by_its_position_in_the_file_not_by_date(tmp_path):
    events = [event("E01", date="2020"), event("E02", date="1990", source_ids=["missing"])]
    atlas = load_atlas(write_dataset(tmp_path, events=events))
    [problem] = [p for p in atlas.problems if p.field == "source_ids" and "'missing'" in p.message]
    assert (problem.index, problem.record_id) == (1, "E02")


def test_the_file_position_counts_records_that_failed_validation(tmp_path):
    events = [event("E01", grade="bogus"), event("E02", source_ids=["missing"])]
    atlas = load_atlas(write_dataset(tmp_path, events=events))
    [problem] = [p for p in atlas.problems if p.field == "source_ids" and "'missing'" in p.message]
    assert problem.index == 1
