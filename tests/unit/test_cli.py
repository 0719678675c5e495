"""`python -m layers validate`: exit codes and messages that name file, feature and field."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.factories import layer, site_feature, write_dataset

REPO = Path(__file__).resolve().parents[2]


def _validate(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "layers", "validate", *map(str, paths)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_shipped_data_is_valid():
    result = _validate(REPO / "geodata")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("valid: 7 sites in 7 layers")
    # The source coverage, and one warning per source that has no URL or symbol (and why).
    assert "sources (87%) have a date and a URL or document symbol" in result.stdout
    assert result.stderr.count("no URL or document symbol:") == 8


def test_a_broken_feature_fails_with_one_line_naming_it(tmp_path):
    root = write_dataset(tmp_path, layers={"x": layer("x", site_feature("S1", precision_m=-5))})
    result = _validate(root)
    assert result.returncode == 1
    assert "feature 0 (id 'S1')" in result.stderr and "'properties.precision_m'" in result.stderr
    assert result.stdout.startswith("INVALID")


def test_a_single_layer_file_and_a_file_that_is_not_json(tmp_path):
    good = tmp_path / "good.geojson"
    good.write_text(json.dumps(layer("good", site_feature())), encoding="utf-8")
    assert _validate(good).returncode == 0
    bad = tmp_path / "bad.geojson"
    bad.write_bytes(b"\x00\x01 not json")
    result = _validate(bad)
    assert result.returncode == 1 and "bad.geojson" in result.stderr


def test_other_record_files_and_lessons_are_checked(tmp_path):
    entities = tmp_path / "entities.json"
    entities.write_text(
        json.dumps({"entities": [{"id": "x", "kind": "spaceship"}]}), encoding="utf-8"
    )
    result = _validate(entities)
    assert result.returncode == 1 and "entities.json" in result.stderr
    lesson = REPO / "geodata" / "lessons" / "north-korea-in-syria.yaml"
    assert _validate(lesson).returncode == 0
    broken = tmp_path / "lessons" / "broken.yaml"
    broken.parent.mkdir()
    broken.write_text("id: broken\ntitle: [unclosed\n", encoding="utf-8")
    result = _validate(broken)
    assert result.returncode == 1 and "broken.yaml" in result.stderr


def test_a_hostile_layer_is_reported_without_running_anything(tmp_path):
    hostile = tmp_path / "hostile.geojson"
    feature = site_feature("S1", name="<script>alert(1)</script>", precision_m="</script>")
    hostile.write_text(json.dumps(layer("hostile", feature)), encoding="utf-8")
    result = _validate(hostile)
    assert result.returncode == 1
    assert "feature 0 (id 'S1')" in result.stderr and "precision_m" in result.stderr


def test_a_geojson_file_that_is_not_a_site_layer_says_so_in_one_line(tmp_path):
    countries = Path("geodata") / "basemap" / "countries.geojson"  # as typed, from the repo
    result = _validate(countries)
    assert result.returncode == 1
    [line] = result.stderr.splitlines()  # not one line per missing field of every feature
    assert line.startswith(
        f"error: {countries}: not a site layer: it has no atlas_layer member and its "
    )
    assert "Polygon" in line and "are not site points" in line
    assert line.endswith("; see geodata/SCHEMA.md")
    assert (
        result.stdout == "INVALID: no sites in countries.geojson. Found 1 error and no warnings.\n"
    )

    points = tmp_path / "points.geojson"
    feature = {"type": "Feature", "properties": {"name": "x"}, "geometry": None}
    points.write_text(
        json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8"
    )
    [line] = _validate(points).stderr.splitlines()
    assert "its one feature (no geometry) is not a site point" in line

    # Features meant as sites are checked field by field, with or without atlas_layer.
    broken = tmp_path / "broken.geojson"
    document = {"type": "FeatureCollection", "features": [site_feature("S1", precision_m=-5)]}
    broken.write_text(json.dumps(document), encoding="utf-8")
    result = _validate(broken)
    assert result.returncode == 1 and "not a site layer" not in result.stderr
    assert "feature 0 (id 'S1')" in result.stderr and "'properties.precision_m'" in result.stderr


def test_the_summary_reads_as_a_sentence(tmp_path):
    root = write_dataset(tmp_path / "data")
    result = _validate(root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        "valid: 1 site in 1 layer, 1 event, 1 source, no entities, no lessons and no claims; "
        "1 of 1 sources (100%) have a date and a URL or document symbol"
    )
    assert result.stdout.endswith(". Found no errors and no warnings.\n")
    good = tmp_path / "good.geojson"
    good.write_text(json.dumps(layer("good", site_feature(), site_feature("S2"))), encoding="utf-8")
    result = _validate(good, root / "events.json")
    assert result.stdout == (
        "valid: 2 sites in good.geojson; the records of events.json. "
        "Found no errors and no warnings.\n"
    )


def test_validate_runs_without_streamlit_or_folium():
    """The command line checks data on a machine with neither: the import contract keeps
    layers.data free of them, and this proves it at run time."""
    code = (
        "import sys, runpy; sys.argv = ['layers', 'validate', 'geodata']\n"
        "try:\n    runpy.run_module('layers', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in ('streamlit', 'folium', 'branca') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stderr


def test_the_clis_export_formats_are_the_exporters():
    from layers.__main__ import EXPORT_FORMATS
    from layers.export import FORMATS

    assert tuple(FORMATS) == EXPORT_FORMATS
