"""The river names of the offline basemap: each name and point from a cited public source."""

from __future__ import annotations

import json

import folium
import pytest
from matplotlib.figure import Figure

from layers.data.geo import BBOX
from layers.data.rivers import RIVER_NAMES_FILE, SOURCE_FIELDS, load_river_names, river_names
from layers.export.figure.basemap import river_labels
from layers.map import basemap

PROVENANCE = RIVER_NAMES_FILE.parent / "PROVENANCE.md"


def _river_vertices() -> list[tuple[float, float]]:
    """Every vertex of the rivers the basemap draws, as (lat, lon)."""
    out = []
    for feature in basemap.load_layer("rivers")["features"]:
        geometry = feature["geometry"]
        lines = geometry["coordinates"]
        if geometry["type"] == "LineString":
            lines = [lines]
        out += [(lat, lon) for line in lines for lon, lat in line]
    return out


def test_the_euphrates_and_the_orontes_are_named_inside_the_map() -> None:
    by_name = {r.name: r for r in river_names()}
    assert set(by_name) == {"Euphrates", "Orontes"}
    assert by_name["Euphrates"].name_ar == "الفرات"  # Natural Earth's name_ar
    assert by_name["Orontes"].name_ar is None  # the source gives none in Arabic script
    west, south, east, north = BBOX
    for river in river_names():
        assert all(south <= lat <= north and west <= lon <= east for lat, lon in river.points)


def test_every_euphrates_point_is_a_point_of_the_line_the_map_draws() -> None:
    """The Euphrates is named on its own line: its points are Natural Earth's vertices as
    rivers.geojson has them, none made up, from Turkey through Lake Assad into Iraq."""
    points = {r.name: r for r in river_names()}["Euphrates"].points
    vertices = set(_river_vertices())
    assert len(points) >= 50
    assert [p for p in points if p not in vertices] == []
    assert len(set(points)) == len(points)
    assert points[0] == (36.841, 38.0378)  # where it enters Syria (the line's end, as drawn)
    assert points[-1][1] == 43.5  # and where it leaves the map, in Iraq


def test_the_orontes_point_is_the_pleiades_record_as_published() -> None:
    orontes = {r.name: r for r in river_names()}["Orontes"]
    assert orontes.points == ((35.2728339, 36.4825754),)  # reprPoint of Pleiades place 658560
    assert orontes.source["url"] == "https://pleiades.stoa.org/places/658560"
    assert orontes.source["licence"] == "CC BY 3.0"
    assert "OpenStreetMap" in orontes.source["title"]


def test_each_name_carries_its_source_and_is_credited() -> None:
    for river in river_names():
        assert all(river.source[field].strip() for field in SOURCE_FIELDS)
        assert river.source["url"].startswith("https://")
    euphrates = {r.name: r for r in river_names()}["Euphrates"]
    assert euphrates.source["licence"] == "public domain"
    assert "naturalearthdata.com" in euphrates.source["url"]
    assert "Q34589" in euphrates.source["title"]  # the record's wikidataid, as read
    text = PROVENANCE.read_text(encoding="utf-8")
    assert "river_names.geojson" in text and "658560" in text and "CC BY 3.0" in text
    assert "Pleiades" in basemap.ATTRIBUTION and "CC BY 3.0" in basemap.ATTRIBUTION


def test_a_record_without_its_source_is_refused(tmp_path) -> None:
    collection = json.loads(RIVER_NAMES_FILE.read_text(encoding="utf-8"))
    del collection["features"][1]["properties"]["source"]["licence"]
    path = tmp_path / "river_names.geojson"
    path.write_text(json.dumps(collection), encoding="utf-8")
    with pytest.raises(ValueError, match="Orontes.*licence"):
        load_river_names(path)


def test_the_offline_map_gets_the_river_names_with_the_place_labels() -> None:
    m = folium.Map(location=[35, 38], zoom_start=7, tiles=None)
    basemap.add_basemap(m)
    page = m.get_root().render()
    assert '"rivers":[["Euphrates","الفرات",6,[[36.841,38.0378],' in page
    assert '["Orontes",null,6,[[35.2728339,36.4825754]]]' in page
    assert "atlas-river" in page  # the style and the script that draw them


def test_the_figure_names_both_rivers_clear_of_the_sites() -> None:
    fig = Figure()
    ax = fig.add_subplot()
    ax.set_xlim(35.5, 41.5)
    ax.set_ylim(33.5, 37.0)
    river_labels(ax, [])
    texts = {t.get_text(): t for t in ax.texts}
    assert set(texts) == {"Euphrates", "Orontes"}
    assert texts["Orontes"].get_position() == (36.4825754, 35.2728339)
    assert texts["Euphrates"].get_fontstyle() == "italic"


def test_the_figure_leaves_a_river_unnamed_where_its_only_point_is_on_a_site() -> None:
    class _Site:
        located, lon, lat = True, 36.48, 35.27

    fig = Figure()
    ax = fig.add_subplot()
    ax.set_xlim(35.5, 41.5)
    ax.set_ylim(33.5, 37.0)
    river_labels(ax, [_Site()])
    assert [t.get_text() for t in ax.texts] == ["Euphrates"]
