"""Bring-your-own layers (layers/extra/): full treatment for files that follow the site
schema, escaped plain layers for any other GeoJSON, problems naming file, feature and
field for the rest, the ATLAS_EXTRA_LAYERS folder, and the canvas layer in Chromium."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from browser_support import (
    REPO_ROOT,
    app_exceptions,
    folium_frame,
    goto_app,
    images_settled,
    popup_at,
)
from layers import extra
from layers.data.filters import Filters, filter_events, sites_shown
from layers.data.load import load_atlas
from layers.extra import read as extra_read
from layers.extra.model import script_json as extra_script_json
from layers.map import plain_layers
from layers.map.leaflet import PointCanvasLayer, script_json
from layers.render.escape import md_escape
from tests.factories import event, layer, site_feature, source, synthetic_points

PAYLOAD = '<img src=x onerror="window.__pwned=1">'
SCRIPT_PAYLOAD = "<script>window.__pwned=1</script>"
SVG_PAYLOAD = "<svg onload=window.__pwned=1>"


def _bytes(document: object) -> bytes:
    return json.dumps(document).encode("utf-8")


def _point(lon: float, lat: float, **props: object) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": props,
    }


def _fc(*features: dict, **members: object) -> dict:
    return {"type": "FeatureCollection", "features": list(features), **members}


def _messages(problems, severity=None) -> list[str]:
    return [str(p) for p in problems if severity is None or p.severity == severity]


# --------------------------------------------------------------------------- full treatment


def _schema_file(**overrides) -> dict:
    document = layer("extra-test", site_feature("S90", lon=37.0, lat=35.0), order=9)
    document["events"] = [
        event("E90", site_ids=["S90"], date="2012-03", source_ids=["src-x"]),
        event(
            "E91",
            site_ids=["S1"],  # a shipped site: new events about it are welcome
            date="2015",
            source_ids=["ft-2008-04-24-north-korea-helped-syria"],
        ),
    ]
    document["sources"] = [source("src-x")]
    document.update(overrides)
    return document


def test_a_schema_file_gets_the_full_treatment_and_joins_a_copy_of_the_atlas():
    shipped = load_atlas()
    extra_file = extra.read_extra(_bytes(_schema_file()), "my-sites.geojson")
    assert extra_file.kind == "schema" and extra_file.plain is None
    assert extra_file.problems == ()
    merged = extra.merge_into_atlas(shipped, [extra_file])

    assert merged.problems == shipped.problems
    assert [layer.id for layer in merged.layers][-1] == "extra-test"
    assert "S90" in merged.sites and merged.sites["S90"].located
    assert {"E90", "E91"} <= {e.id for e in merged.events}
    assert "src-x" in merged.sources
    keys = [(e.when.sort_key, e.id) for e in merged.events]
    assert keys == sorted(keys)  # still in date order
    # Filters and the chronology treat it like shipped data.
    shown = filter_events(merged, Filters(layer_ids=frozenset({"extra-test"}), syria_wide=False))
    assert [e.id for e in shown] == ["E90"]
    assert [s.id for s in sites_shown(merged, Filters(), filter_events(merged, Filters()))][
        -1
    ] == "S90"
    assert merged.entities == shipped.entities and merged.info == shipped.info
    # The shared atlas is untouched.
    assert "S90" not in shipped.sites and "E90" not in {e.id for e in shipped.events}


def test_a_schema_file_without_atlas_layer_gets_a_layer_id_from_its_name():
    document = _fc(site_feature("S91", lon=36.5, lat=34.0))
    extra_file = extra.read_extra(_bytes(document), "Field notes (2024).geojson")
    assert extra_file.kind == "schema"
    assert extra_file.schema.layer.id == "extra-field-notes-2024"


def test_ids_that_clash_with_the_shipped_data_are_skipped_with_problems():
    shipped = load_atlas()
    document = layer(
        "extra-clash",
        site_feature("S1", lon=39.8, lat=35.7),  # Al Kibar's id
        site_feature("S92", lon=38.0, lat=35.0),
    )
    document["events"] = [
        event("E01", site_ids=["S92"], source_ids=["src-y"]),  # shipped event id
        event("E92", site_ids=["S92"], source_ids=["nowhere"]),  # no source resolves
        event("E93", site_ids=["S999"], source_ids=["src-y"]),  # unknown site: warning
    ]
    document["sources"] = [source("src-y"), source("odni-2008-04-24-briefing")]
    merged = extra.merge_into_atlas(shipped, [extra.read_extra(_bytes(document), "clash.geojson")])

    assert merged.sites["S1"] == shipped.sites["S1"]  # the shipped site wins
    assert "S92" in merged.sites
    assert merged.sources["odni-2008-04-24-briefing"] == shipped.sources["odni-2008-04-24-briefing"]
    ids = [e.id for e in merged.events]
    assert ids.count("E01") == 1 and "E92" not in ids and "E93" in ids
    added = [p for p in merged.problems if p.file == "clash.geojson"]
    by_field = {(p.record_id, p.field): p for p in added}
    site = by_field[("S1", "properties.id")]
    assert site.index == 0 and "already used by geodata/sites/al-kibar.geojson" in site.message
    assert "already used" in by_field[("E01", "events.id")].message
    assert by_field[("E01", "events.id")].index == 0
    assert "no source resolves" in str(added) and by_field[("E92", "events.source_ids")]
    assert by_field[("E93", "events.site_ids")].severity == "warning"
    assert "already used" in by_field[("odni-2008-04-24-briefing", "sources.id")].message


def test_a_layer_id_clash_skips_the_layer_and_two_extra_files_cannot_share_ids():
    shipped = load_atlas()
    same_layer = layer("al-kibar", site_feature("S93", lon=38.0, lat=35.0))
    first = layer("extra-a", site_feature("S94", lon=38.0, lat=35.0))
    second = layer("extra-b", site_feature("S94", lon=38.1, lat=35.1))
    merged = extra.merge_into_atlas(
        shipped,
        [
            extra.read_extra(_bytes(same_layer), "same.geojson"),
            extra.read_extra(_bytes(first), "a.geojson"),
            extra.read_extra(_bytes(second), "b.geojson"),
        ],
    )
    assert "S93" not in merged.sites
    assert merged.layer_of_site["S94"] == "extra-a"
    text = _messages(merged.problems)
    assert any("same.geojson" in m and "layer id 'al-kibar' is already used" in m for m in text)
    assert any("b.geojson" in m and "already used by a.geojson" in m for m in text)


def test_a_broken_site_in_a_schema_file_names_file_feature_and_field():
    document = layer(
        "extra-broken",
        site_feature("S95", lon=38.0, lat=35.0),
        site_feature("S96", precision_m="about a km"),
    )
    extra_file = extra.read_extra(_bytes(document), "broken-sites.geojson")
    assert [s.id for s in extra_file.schema.layer.sites] == ["S95"]
    [problem] = extra_file.problems
    assert (problem.file, problem.index, problem.record_id, problem.field) == (
        "broken-sites.geojson",
        1,
        "S96",
        "properties.precision_m",
    )


def test_an_invalid_event_in_a_schema_file_is_named():
    document = _schema_file()
    document["events"].append(event("E97", grade="rumoured"))
    extra_file = extra.read_extra(_bytes(document), "events.geojson")
    [problem] = extra_file.problems
    assert (problem.index, problem.record_id, problem.field) == (2, "E97", "events.grade")


# --------------------------------------------------------------------------- plain layers


def _hostile_props() -> dict:
    return {
        PAYLOAD: SCRIPT_PAYLOAD,
        "name": PAYLOAD,
        "nested": {"a": [SVG_PAYLOAD, 1.5, None], "b": {"c": True}},
        "long": "x" * 5000,
        "quote": "\"'&</script>",
    }


def test_plain_geojson_becomes_a_plain_layer_with_escaped_popups():
    document = _fc(_point(36.29, 33.51, **_hostile_props()), _point(37.16, 36.2, n=1))
    extra_file = extra.read_extra(_bytes(document), "plain.geojson")
    assert extra_file.kind == "plain" and extra_file.problems == ()
    plain = extra_file.plain
    assert (plain.point_count, plain.shape_count, plain.features) == (2, 0, 2)

    html = extra.popup_html(plain, 0)
    assert "<img" not in html and "<script" not in html and "<svg" not in html
    assert "&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;" in html  # key and value
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    # Nested values are JSON, then escaped.
    assert "{&quot;a&quot;: [&quot;&lt;svg onload=window.__pwned=1&gt;&quot;, 1.5, null]" in html
    # Long values are cut to ~300 characters with an ellipsis.
    assert "x" * 299 + "…" in html and "x" * 300 not in html
    assert "&quot;&#x27;&amp;&lt;/script&gt;" in html

    # What the browser gets: the same escaped strings, inert inside a <script>.
    script = plain_layers.layer_spec_js(plain)
    for raw in (PAYLOAD, SCRIPT_PAYLOAD, SVG_PAYLOAD, "</script", "</"):
        assert raw not in script


def test_at_most_thirty_properties_are_listed_and_the_rest_counted():
    props = {f"p{i:02d}": i for i in range(45)}
    plain = extra.read_extra(_bytes(_fc(_point(38, 35, **props))), "many.geojson").plain
    html = extra.popup_html(plain, 0)
    assert html.count("<tr>") == extra.MAX_POPUP_PROPERTIES == 30
    assert "p29" in html and "p30" not in html
    assert "15 more properties not shown" in html


def test_lines_polygons_multipoints_and_collections_are_drawn():
    square = [[38, 35], [38.5, 35], [38.5, 35.5], [38, 35.5], [38, 35]]
    document = _fc(
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [[36, 33], [37, 34]]},
        },
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [square]}},
        {"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": [[square]]}},
        {
            "type": "Feature",
            "geometry": {
                "type": "MultiLineString",
                "coordinates": [[[36, 33], [37, 34]], [[38, 35], [39, 36]]],
            },
            "properties": {"kind": "road"},
        },
        {
            "type": "Feature",
            "geometry": {"type": "MultiPoint", "coordinates": [[36, 34], [37, 35]]},
        },
        {
            "type": "Feature",
            "geometry": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Point", "coordinates": [40, 35]},
                    {"type": "LineString", "coordinates": [[40, 35], [41, 36]]},
                ],
            },
        },
    )
    extra_file = extra.read_extra(_bytes(document), "shapes.geojson")
    assert extra_file.problems == ()
    plain = extra_file.plain
    assert plain.shape_count == 5 and plain.point_count == 2
    assert list(plain.point_rows) == [4, 4]  # both points of the MultiPoint share its row
    assert [s["properties"]["i"] for s in plain.shapes] == [0, 1, 2, 3, 5]
    assert plain.bounds == (36.0, 33.0, 41.0, 36.0)


def test_a_bare_geometry_or_a_single_feature_is_a_layer():
    geometry = extra.read_extra(_bytes({"type": "Point", "coordinates": [38, 35]}), "g.geojson")
    feature = extra.read_extra(_bytes(_point(38, 35, a=1)), "f.geojson")
    assert geometry.plain.point_count == 1 and feature.plain.point_count == 1
    assert "<th>a</th><td>1</td>" in extra.popup_html(feature.plain, 0)


def test_coordinates_are_rounded_to_five_decimals():
    plain = extra.read_extra(_bytes(_fc(_point(36.123456789, 33.987654321))), "r.geojson").plain
    assert list(plain.xy) == [36.12346, 33.98765]
    assert "[36.12346,33.98765]" in plain.points_json


def test_null_geometries_are_skipped_with_one_warning():
    document = _fc(
        _point(38, 35),
        {"type": "Feature", "geometry": None, "properties": {}},
        {"type": "Feature", "geometry": None, "properties": {}},
    )
    extra_file = extra.read_extra(_bytes(document), "nulls.geojson")
    assert extra_file.plain.point_count == 1
    [warning] = extra_file.problems
    assert warning.severity == "warning" and "2 feature(s) without geometry" in warning.message


def test_an_invalid_polygon_is_drawn_with_a_warning():
    bowtie = [[36, 33], [37, 34], [37, 33], [36, 34], [36, 33]]
    document = _fc(
        {"type": "Feature", "id": "b1", "geometry": {"type": "Polygon", "coordinates": [bowtie]}}
    )
    extra_file = extra.read_extra(_bytes(document), "bowtie.geojson")
    assert extra_file.plain.shape_count == 1
    [warning] = extra_file.problems
    assert warning.severity == "warning" and "Self-intersection" in warning.message
    assert (warning.index, warning.record_id, warning.field) == (0, "b1", "geometry.coordinates")


# --------------------------------------------------------------------------- invalid input


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b'{"type": "FeatureCollection", "features": [', "is not valid JSON"),
        (b"\xff\xfe not utf-8", "is not UTF-8"),
        (b"[1, 2, 3]", "is not GeoJSON: the top level is a JSON list"),
        (b'{"type": "Topology"}', "is not GeoJSON: unknown top-level type 'Topology'"),
        (b'{"type": "FeatureCollection", "features": {}}', "'features' must be a list"),
        (
            b'{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": NaN}]}',
            "NaN is not allowed",
        ),
        (b'{"type": "FeatureCollection", "features": []}', "has no feature that can be drawn"),
        (b"[" * 100_000 + b"]" * 100_000, "JSON"),
    ],
    ids=["truncated", "not-utf8", "list", "topology", "features-object", "nan", "empty", "deep"],
)
def test_files_that_cannot_be_used_are_named_and_never_raise(raw, expected):
    extra_file = extra.read_extra(raw, "bad.geojson")
    assert extra_file.kind == "invalid"
    assert any(
        expected in m and m.startswith("bad.geojson") for m in _messages(extra_file.problems)
    )


def test_bad_features_are_named_by_index_id_and_field_and_the_rest_is_kept():
    document = _fc(
        _point(38, 35, name="good"),
        {"type": "Feature", "id": "nest", "geometry": {"type": "Point", "coordinates": [[38, 35]]}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [238, 35]}},
        {
            "type": "Feature",
            "properties": {"id": "inf"},
            "geometry": {"type": "LineString", "coordinates": [[36, 33], [12345.5, 34]]},
        },
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[36, 33], [37, 34]]]}},
        {"type": "Feature", "geometry": {"type": "Circle", "coordinates": [38, 35]}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": ["38", 35]}},
        {"type": "Feature"},
        "not a feature",
        _point(39, 36, name="also good"),
    )
    raw = _bytes(document).replace(b"12345.5", b"1e999")  # valid JSON, infinite in Python
    extra_file = extra.read_extra(raw, "mixed.geojson")
    assert extra_file.plain.point_count == 2
    found = {p.index: p for p in extra_file.problems}
    assert found[1].record_id == "nest" and found[1].field == "geometry.coordinates"
    assert "[longitude, latitude]" in found[1].message
    assert "out of range" in found[2].message and found[2].field == "geometry.coordinates"
    assert found[3].record_id == "inf" and found[3].field == "geometry.coordinates.1.0"
    assert "finite" in found[3].message
    assert found[4].field == "geometry.coordinates.0" and "at least 4 positions" in found[4].message
    assert found[5].field == "geometry.type" and "'Circle'" in found[5].message
    assert found[6].field == "geometry.coordinates.0" and "numbers" in found[6].message
    assert found[7].field == "geometry" and "no 'geometry'" in found[7].message
    assert found[8].field == "type"
    assert all(p.severity == "error" and p.file == "mixed.geojson" for p in found.values())
    assert "mixed.geojson: feature 1 (id 'nest'): field 'geometry.coordinates'" in str(found[1])


def test_swapped_coordinates_are_warned_and_impossible_ones_hinted():
    damascus_as_lat_lon = _point(33.51, 36.29, name="Damascus")
    tokyo_like = _point(35.7, 139.8)
    extra_file = extra.read_extra(_bytes(_fc(damascus_as_lat_lon, tokyo_like)), "swap.geojson")
    assert extra_file.plain.point_count == 1  # the swapped one is drawn as given
    warning, error = extra_file.problems
    assert warning.severity == "warning" and "looks like [lat, lon]" in warning.message
    assert (warning.index, warning.field) == (0, "geometry.coordinates")
    assert (
        error.severity == "error" and error.index == 1 and "looks like [lat, lon]" in error.message
    )


def test_swapped_sites_in_a_schema_file_are_warned_too():
    document = layer("extra-swap", site_feature("S98", lon=33.51, lat=36.29))
    extra_file = extra.read_extra(_bytes(document), "swap-sites.geojson")
    [warning] = extra_file.problems
    assert warning.record_id == "S98" and "looks like [lat, lon]" in warning.message


def test_many_bad_features_are_summarised_not_listed_one_by_one():
    bad = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [500, 0]}}
    extra_file = extra.read_extra(_bytes(_fc(_point(38, 35), *[bad] * 250)), "many-bad.geojson")
    assert len(extra_file.problems) == extra.PROBLEMS_PER_KIND + 1
    assert "240 more feature(s) with the same problem" in str(extra_file.problems[-1])


def test_a_bom_and_a_legacy_crs_are_warnings_only():
    raw = b"\xef\xbb\xbf" + _bytes(_fc(_point(38, 35), crs={"type": "name"}))
    extra_file = extra.read_extra(raw, "bom.geojson")
    assert extra_file.kind == "plain"
    assert [p.severity for p in extra_file.problems] == ["warning", "warning"]


def test_uploads_over_the_limit_are_refused_before_parsing(monkeypatch):
    assert extra.UPLOAD_LIMIT_BYTES == 50 * 1024 * 1024 and extra.UPLOAD_LIMIT_MB == 50

    def no_parse(*args, **kwargs):
        raise AssertionError("parsed a file over the limit")

    monkeypatch.setattr(extra_read, "parse_json_bytes", no_parse)
    extra_file = extra.read_extra(b" " * 2001, "big.geojson", limit=2000)
    assert extra_file.kind == "invalid"
    [problem] = extra_file.problems
    assert problem.file == "big.geojson" and "the limit for extra layers is" in problem.message
    assert extra.too_large(extra.UPLOAD_LIMIT_BYTES) is None
    assert "50 MB" in extra.too_large(extra.UPLOAD_LIMIT_BYTES + 1)


def test_hostile_file_names_are_made_safe_for_messages():
    name = "../../etc/![x](http://evil.example/t.png)<img src=x onerror=alert(1)>.geojson"
    extra_file = extra.read_extra(b"{", name)
    assert extra_file.name == extra.safe_name(name)
    for bad in ("/", "<", ">", "[", "]", "!", "="):
        assert bad not in extra_file.name
    assert all(p.file == extra_file.name for p in extra_file.problems)


def test_md_escape_keeps_markdown_from_data_inert():
    text = md_escape("![x](http://e/x.png) :red[hi] $x$ <http://e>\n# title")
    assert text == (
        "\\!\\[x\\]\\(http\\://e/x\\.png\\) \\:red\\[hi\\] \\$x\\$ \\<http\\://e\\> \\# title"
    )


# --------------------------------------------------------------------------- the folder


def test_the_extra_layers_folder_loads_each_geojson_and_reports_the_broken_one(
    tmp_path, monkeypatch
):
    (tmp_path / "a-sites.geojson").write_bytes(_bytes(_schema_file()))
    (tmp_path / "b-points.geojson").write_bytes(_bytes(_fc(_point(38, 35), _point(39, 36))))
    (tmp_path / "c-broken.geojson").write_text('{"type": "FeatureCollection", "features": [')
    (tmp_path / "notes.txt").write_text("not a layer")
    monkeypatch.setenv(extra.EXTRA_LAYERS_ENV, str(tmp_path))

    loaded = extra.load_extra_folder()
    assert [f.name for f in loaded.files] == [
        "a-sites.geojson",
        "b-points.geojson",
        "c-broken.geojson",
    ]
    assert [f.kind for f in loaded.files] == ["schema", "plain", "invalid"]
    assert [p.point_count for p in loaded.plain_layers] == [2]
    [problem] = loaded.all_problems
    assert problem.file == "c-broken.geojson" and "not valid JSON" in problem.message

    merged = extra.merge_into_atlas(load_atlas(), loaded.files)
    assert "S90" in merged.sites
    assert any(p.file == "c-broken.geojson" for p in merged.problems)


def test_a_missing_folder_is_a_problem_not_a_crash(tmp_path, monkeypatch):
    monkeypatch.setenv(extra.EXTRA_LAYERS_ENV, str(tmp_path / "nope"))
    [problem] = extra.load_extra_folder().all_problems
    assert "does not exist" in problem.message and extra.EXTRA_LAYERS_ENV in problem.file

    a_file = tmp_path / "file.geojson"
    a_file.write_text("{}")
    [problem] = extra.load_extra_folder(a_file).all_problems
    assert "is not a folder" in problem.message

    monkeypatch.delenv(extra.EXTRA_LAYERS_ENV)
    assert extra.load_extra_folder() == extra.ExtraLayers()


def test_folder_entries_that_are_not_files_or_too_big_are_skipped(tmp_path):
    (tmp_path / "dir.geojson").mkdir()
    (tmp_path / "big.geojson").write_bytes(b" " * 3000)
    (tmp_path / "ok.geojson").write_bytes(_bytes(_point(38, 35)))
    loaded = extra.load_extra_folder(tmp_path, limit=2000)
    assert [f.kind for f in loaded.files] == ["invalid", "invalid", "plain"]
    assert "too big" not in str(loaded.all_problems)
    messages = _messages(loaded.all_problems)
    assert any("big.geojson" in m and "limit" in m for m in messages)
    assert any("dir.geojson" in m and "not a regular file" in m for m in messages)


# --------------------------------------------------------------------------- drawing


def test_the_script_draws_on_a_canvas_and_keeps_data_inert():
    plain = extra.read_extra(_bytes(_fc(_point(38, 35, **_hostile_props()))), "x.geojson").plain
    group = plain_layers.plain_layer_group([plain])
    [script_layer] = group._children.values()
    assert isinstance(script_layer, PointCanvasLayer)
    text = script_layer.script_text()
    assert "window.AtlasExtra.layer(" in text and "drawImage" in text
    assert "innerHTML" not in text  # popups go through Leaflet's setContent, escaped
    for raw in (PAYLOAD, SCRIPT_PAYLOAD, "</script"):
        assert raw not in text
    options = plain_layers.layer_options(plain)
    assert options["key"].startswith(plain.layer_id) and options["titleHtml"] == "x"

    by_url = plain_layers.layer_spec_js(plain, extra.Published("../../a.json", "../../b.json", 0))
    assert json.loads(by_url) == {"points_url": "../../a.json", "props_url": "../../b.json"}


def test_the_local_script_json_matches_the_leaflet_one():
    value = {"a": ["</script>", "\u2028\u2029", "é", 1.5, None]}
    assert extra_script_json(value) == script_json(value)


def test_publish_writes_content_addressed_files_under_static(tmp_path):
    plain = extra.read_extra(_bytes(_fc(_point(38, 35, a="<b>"))), "pub.geojson").plain
    published, problems = extra.publish(plain, tmp_path)
    assert problems == [] and published is not None
    folder = tmp_path / extra.PUBLISH_SUBDIR
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"
    points = folder / Path(published.points_url).name
    props = folder / Path(published.props_url).name
    assert published.points_url.startswith("../../app/static/extra-layers/")
    assert json.loads(points.read_text())["xy"] == [38.0, 35.0]
    assert json.loads(props.read_text())["rows"] == [[0, 0, "&lt;b&gt;"]]
    mtime = points.stat().st_mtime_ns
    again, _ = extra.publish(plain, tmp_path)
    assert again == published and points.stat().st_mtime_ns == mtime  # not rewritten


def test_publish_to_an_unwritable_place_warns_and_falls_back_to_inline(tmp_path):
    plain = extra.read_extra(_bytes(_point(38, 35)), "ro.geojson").plain
    blocker = tmp_path / "static"
    blocker.write_text("a file where a folder should be")
    published, [problem] = extra.publish(plain, blocker)
    assert published is None and problem.severity == "warning" and "inline" in problem.message
    group = plain_layers.plain_layer_group([plain], published={})
    [script] = group._children.values()
    assert '"points":{"xy":[38.0,35.0]' in script.spec_js


def test_a_hundred_thousand_synthetic_points_parse_and_produce_a_script():
    raw = synthetic_points(100_000, seed=7)
    assert raw == synthetic_points(100_000, seed=7)  # deterministic
    extra_file = extra.read_extra(raw, "synthetic.geojson")
    assert extra_file.problems == () and extra_file.kind == "plain"
    plain = extra_file.plain
    assert plain.point_count == 100_000
    west, south, east, north = plain.bounds
    assert west > 35.5 and east < 42.5 and south > 32.2 and north < 37.4
    script = plain_layers.layer_spec_js(plain)
    assert len(script) < 10_000_000
    assert '"pr":null' in plain.points_json  # one point per feature: no index array sent
    assert "Synthetic point 100000" in extra.popup_html(plain, 99_999)


# --------------------------------------------------------------------------- worker process


def test_big_files_are_read_in_a_worker_process_with_the_same_result():
    document = _fc(_point(38, 35, **_hostile_props()), _point(500, 0), _point(33.51, 36.29))
    here = extra.read_extra(_bytes(document), "w.geojson", isolate=False)
    there = extra.read_extra(_bytes(document), "w.geojson", isolate=True)
    assert there.problems == here.problems and there.kind == "plain"
    assert there.plain.rows == here.plain.rows and list(there.plain.xy) == list(here.plain.xy)
    schema = extra.read_extra(_bytes(_schema_file()), "s.geojson", isolate=True)
    assert schema.kind == "schema" and [s.id for s in schema.schema.layer.sites] == ["S90"]


def test_big_folder_files_are_read_by_the_worker_from_their_path(tmp_path, monkeypatch):
    monkeypatch.setattr(extra_read, "ISOLATE_FROM_BYTES", 10)
    (tmp_path / "a.geojson").write_bytes(_bytes(_fc(_point(38, 35, a="<b>"))))
    (tmp_path / "b.geojson").write_text("{" + " " * 20)
    seen = []
    real = extra_read._read_in_worker

    def spy(raw, *args, **kwargs):
        seen.append((raw, kwargs.get("path")))
        return real(raw, *args, **kwargs)

    monkeypatch.setattr(extra_read, "_read_in_worker", spy)
    loaded = extra.load_extra_folder(tmp_path)
    assert seen == [(None, tmp_path / "a.geojson"), (None, tmp_path / "b.geojson")]
    assert [f.kind for f in loaded.files] == ["plain", "invalid"]
    assert extra.popup_html(loaded.plain_layers[0], 0).count("&lt;b&gt;") == 1
    assert "not valid JSON" in str(loaded.all_problems[0])


def test_a_memory_bomb_is_refused_by_the_worker_not_the_server():
    bomb = b"[" + b",".join([b"{}"] * 2_000_000) + b"]"  # 6 MB of text, ~150 MB as objects
    extra_file = extra.read_extra(bomb, "bomb.geojson", memory_limit=64 * 2**20)
    assert extra_file.kind == "invalid"
    [problem] = extra_file.problems
    assert problem.file == "bomb.geojson" and "more memory" in problem.message


# --------------------------------------------------------------------------- fuzz

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
_coords = st.lists(
    st.one_of(st.floats(-200, 200), st.integers(-200, 200), st.text(max_size=3), st.none()),
    max_size=4,
)
_geometry = st.fixed_dictionaries(
    {
        "type": st.sampled_from(sorted(extra.GEOMETRY_TYPES) + ["Bogus"]),
        "coordinates": st.one_of(
            _coords,
            st.lists(_coords, max_size=5),
            st.lists(st.lists(_coords, max_size=5), max_size=3),
        ),
    }
)
_feature = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["Feature", "Feature", "feature"]),
        "geometry": st.one_of(st.none(), _geometry, _json),
        "properties": st.one_of(st.none(), st.dictionaries(st.text(max_size=10), _json), _json),
    }
)
_document = st.one_of(
    _json,
    st.fixed_dictionaries(
        {"type": st.just("FeatureCollection"), "features": st.lists(_feature, max_size=6)}
    ),
    _feature,
    _geometry,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=_document)
def test_generated_documents_never_raise(document):
    extra_file = extra.read_extra(json.dumps(document).encode(), "fuzz.geojson")
    assert isinstance(extra_file, extra.ExtraFile)
    assert all(p.file == "fuzz.geojson" for p in extra_file.problems)
    if extra_file.plain is not None:
        assert all(math.isfinite(v) for v in extra_file.plain.xy)
        extra.popup_html(extra_file.plain, 0)
        json.loads(extra_file.plain.points_json)


@settings(max_examples=150, deadline=None)
@given(raw=st.binary(max_size=200))
def test_arbitrary_bytes_never_raise(raw):
    assert isinstance(extra.read_extra(raw, "bytes.geojson"), extra.ExtraFile)


# --------------------------------------------------------------------------- in Chromium

MARKDOWN_PAYLOAD = "![x](http://evil.example/x.png)"
HOSTILE_AT = (41.3, 33.2)  # lon, lat: in the map's view, east of Syria's border (Iraq)


@pytest.fixture(scope="module")
def extra_page_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """bench/extra_page.py beside its own static/ (a copy of the vendored files: Streamlit
    refuses symlinks that leave the static folder) and the repo's .streamlit/; and a
    layers folder with a hostile plain layer and 10,000 synthetic points."""
    folder = tmp_path_factory.mktemp("extra_page")
    shutil.copy(REPO_ROOT / "bench" / "extra_page.py", folder / "extra_page.py")
    shutil.copytree(REPO_ROOT / "static" / "vendor", folder / "static" / "vendor")
    (folder / ".streamlit").symlink_to(REPO_ROOT / ".streamlit", target_is_directory=True)
    data = folder / "layers"
    data.mkdir()
    (data / "points-10k.geojson").write_bytes(synthetic_points(10_000, seed=3))
    hostile = _fc(
        _point(*HOSTILE_AT, **_hostile_props()),
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [[41.0, 34.0], [41.6, 34.4]]},
            "properties": {"name": SCRIPT_PAYLOAD},
        },
        {"type": "Feature", "geometry": {"type": MARKDOWN_PAYLOAD, "coordinates": [0, 0]}},
    )
    (data / "<img src=x onerror=window.__pwned=1>.geojson").write_bytes(_bytes(hostile))
    return folder


@pytest.mark.parametrize("mode", ["url", "media", "inline"])
def test_extra_layers_draw_on_canvas_and_popups_show_hostile_text_inert(
    page, start_app, extra_page_dir: Path, mode: str
):
    url = start_app(
        "extra_page.py",
        cwd=extra_page_dir,
        env={
            "PYTHONPATH": str(REPO_ROOT),
            "ATLAS_EXTRA_LAYERS": str(extra_page_dir / "layers"),
            "EXTRA_BENCH_MODE": mode,
        },
    )
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    goto_app(page, url)
    frame = folium_frame(page)
    frame.wait_for_selector(".leaflet-container[data-points-drawn='10001']", state="attached")
    canvases = frame.locator("canvas.atlas-extra-points")
    assert canvases.count() == 2
    assert frame.locator(".leaflet-marker-pane .atlas-marker").count() == 6  # sites on top
    assert frame.evaluate(
        """() => [...document.querySelectorAll('canvas.atlas-extra-points')].every(c => {
             const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
             for (let i = 3; i < d.length; i += 4) { if (d[i]) return true; }
             return false; })"""
    ), "a points canvas is blank"
    assert frame.locator(".leaflet-overlay-pane canvas:not(.atlas-extra-points)").count() >= 1

    # Zoom in on the hostile point, so no synthetic point is near, and click it.
    popup = popup_at(page, frame, *HOSTILE_AT, zoom=10)
    text = popup.inner_text()
    assert PAYLOAD in text and SCRIPT_PAYLOAD in text and SVG_PAYLOAD in text
    assert "…" in text
    assert popup.locator("img, script, svg").count() == 0
    images_settled(page)
    images_settled(frame)
    assert frame.evaluate("() => window.__pwned") is None
    assert page.evaluate("() => window.__pwned") is None
    assert dialogs == []
    # The problem quoting the hostile geometry type is shown as text, not as an image.
    alert = page.locator('[data-testid="stAlert"]').filter(has_text="unknown geometry type")
    assert MARKDOWN_PAYLOAD in alert.inner_text() and alert.locator("img").count() == 0
    assert app_exceptions(page) == []
    assert page.external_requests == []
    assert page.console_errors == [] and page.page_errors == []


def test_two_plain_files_with_one_name_get_distinct_ids_and_names():
    """Issue 13: one toggle per layer, so two "points.geojson" cannot share a widget key."""
    first = extra.read_extra(synthetic_points(3, seed=1), "points.geojson").plain
    other = extra.read_extra(synthetic_points(4, seed=2), "points.geojson").plain
    third = extra.read_extra(synthetic_points(2, seed=3), "points.geojson").plain
    assert first.layer_id == other.layer_id  # the id comes from the name
    layers = extra.distinct_plain_layers([first, other, third])
    assert [layer.name for layer in layers] == ["points", "points (2)", "points (3)"]
    assert len({layer.layer_id for layer in layers}) == 3
    assert [layer.point_count for layer in layers] == [3, 4, 2]
    assert layers[0] is first  # the first keeps its id, so its toggle keeps its state
