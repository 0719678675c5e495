"""An offline reference basemap of Syria, and the optional online tile layers.

Why: the atlas must render with no internet, so it cannot rely on tile servers. The
basemap is drawn as quiet vector layers from small public-domain Natural Earth GeoJSON
files committed in ``geodata/basemap/`` (see PROVENANCE.md there): land, country
borders, governorate lines, rivers and lakes, and governorate names. Online tiles
(OpenStreetMap, Esri World Imagery) are offered only as an opt-in, since using them
tells the tile server which area is being looked at; their URLs live in
``geodata/basemap/online-tiles.json``, not in code.

Nothing here is clickable: the basemap must not steal clicks from the site markers
(st_folium reports clicks on any layer).
"""

from __future__ import annotations

import json
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

import folium
from folium.map import CustomPane

from layers.data.geo import OFFLINE
from layers.data.places import places
from layers.data.rivers import RIVER_MIN_ZOOM, river_names
from layers.map.leaflet import DivLabels, GeoJsonScript, PlaceLabels, script_json
from layers.paths import REPO_ROOT
from layers.render import frontend

BASEMAP_DIR = REPO_ROOT / "geodata" / "basemap"
ONLINE_TILES_FILE = BASEMAP_DIR / "online-tiles.json"

#: Deepest zoom the 1:10m data is worth looking at; with ``tiles=None`` a map has no
#: max zoom at all, and MarkerCluster then throws "Map has no maxZoom specified".
BASEMAP_MAX_ZOOM = 12

#: Files drawn, bottom to top. Each is ``geodata/basemap/<name>.geojson``.
LAYER_FILES: tuple[str, ...] = (
    "sea", "land", "countries", "lakes", "rivers", "coast", "governorate_lines", "borders",
)  # fmt: skip
#: The opaque fills, left out when drawing over online imagery.
FILL_LAYERS = frozenset({"sea", "land", "countries"})
#: Also shipped, not drawn: the governorate polygons (for labels and lookups).
GOVERNORATES = "governorates"

# Pane z-indexes: Leaflet's tilePane is 200, overlayPane (site markers drawn as
# vectors) 400, markerPane 600. The basemap sits above optional tiles, below the data.
PANE = "atlas-basemap"
LABEL_PANE = "atlas-basemap-labels"
_PANE_Z = 250
_LABEL_PANE_Z = 350

#: As short as it was before the river names: two lines on a phone's map (the stage puts the
#: scale above them). The About page and PROVENANCE.md say what each credit is for.
ATTRIBUTION = "Natural Earth; © GeoNames CC BY 4.0; © Pleiades CC BY 3.0"

# Outside the clip box there is no data: a neutral grey, neither land nor sea.
NO_DATA = "#e6e6e6"
SEA = "#dde8f1"
WATER = "#8fb3d3"
_STYLES: dict[str, dict[str, Any]] = {
    "sea": {"fillColor": SEA, "fillOpacity": 1, "stroke": False},
    "land": {"fillColor": "#f3f2ee", "fillOpacity": 1, "stroke": False},
    # Syria a shade lighter than its neighbours; the outline is drawn by "borders".
    "countries": {"fillColor": "#ffffff", "fillOpacity": 0.0, "stroke": False},
    "lakes": {"fillColor": SEA, "fillOpacity": 1, "color": WATER, "weight": 0.6},
    "rivers": {"color": WATER, "weight": 1.4, "opacity": 0.9},
    "coast": {"color": "#9db8cf", "weight": 0.8},
    "governorate_lines": {"color": "#b4b4b4", "weight": 0.8, "dashArray": "3 3"},
    "borders": {"color": "#8a8a8a", "weight": 1.3},
}
_SYRIA_FILL = {"fillOpacity": 0.7}

_LABEL_CSS = """
<style>
  .atlas-basemap-label {
    transform: translate(-50%, -50%); white-space: nowrap; pointer-events: none;
    font: italic 11px/1.1 system-ui, -apple-system, "Segoe UI", sans-serif;
    color: #7a7a7a; text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff;
  }
</style>
"""


@cache
def _read(name: str) -> str:
    return (BASEMAP_DIR / f"{name}.geojson").read_text(encoding="utf-8")


def load_layer(name: str) -> dict[str, Any]:
    """The GeoJSON FeatureCollection ``geodata/basemap/<name>.geojson``, as a fresh dict
    (folium may annotate the features it is given, so callers never share one)."""
    return json.loads(_read(name))


def add_basemap(
    m: folium.Map,
    *,
    land_fill: bool = True,
    labels: bool = True,
    name: str = "Basemap (Natural Earth)",
    control: bool = False,
) -> folium.FeatureGroup:
    """Draw the offline basemap on ``m`` and return the FeatureGroup holding it.

    ``land_fill=False`` draws only lines and lakes (for use over online imagery, which
    the opaque sea and land fills would hide). ``labels`` adds the governorate names at Natural
    Earth's label points, the towns and cities (GeoNames) from the zoom where each
    helps, and the names of the Euphrates and the Orontes. ``control`` lists the group in a
    LayerControl.

    If ``m`` has no max zoom (``tiles=None``), sets :data:`BASEMAP_MAX_ZOOM`.
    """
    if not (m.options.get("max_zoom") or m.options.get("maxZoom")):
        m.options["max_zoom"] = BASEMAP_MAX_ZOOM
    m.get_root().header.add_child(
        folium.Element(f"<style>#{m.get_name()} {{ background: {NO_DATA}; }}</style>"),
        name="atlas_basemap_background",
    )
    CustomPane(PANE, z_index=_PANE_Z, pointer_events=False).add_to(m)
    group = folium.FeatureGroup(name=name, control=control, overlay=True)
    for layer in LAYER_FILES:
        if not land_fill and layer in FILL_LAYERS:
            continue
        _vector_layer(layer).add_to(group)
    if labels:
        CustomPane(LABEL_PANE, z_index=_LABEL_PANE_Z, pointer_events=False).add_to(m)
        m.get_root().header.add_child(folium.Element(_LABEL_CSS), name="atlas_basemap_css")
        labels_html = [
            {
                "lat": label["lat"],
                "lon": label["lon"],
                "html": f'<div class="atlas-basemap-label">{escape(label["name"])}</div>',
            }
            for label in governorate_labels()
        ]
        DivLabels("governorate labels", labels_html, LABEL_PANE).add_to(group)
        m.get_root().header.add_child(
            folium.Element(frontend.style_element("places.css")), name="atlas_places_css"
        )
        PlaceLabels("places", place_rows(), LABEL_PANE, rivers=river_rows()).add_to(group)
    group.add_to(m)
    return group


@cache
def _script_json(name: str) -> str:
    return script_json(json.loads(_read(name)))


def _vector_layer(layer: str) -> GeoJsonScript:
    base = json.dumps(_STYLES[layer])
    style_js = base
    if layer == "countries":
        syria = json.dumps({**_STYLES[layer], **_SYRIA_FILL})
        style_js = f'(feature.properties.name === "Syria" ? {syria} : {base})'
    options: dict[str, Any] = {"pane": PANE, "smoothFactor": 0.5}
    if layer == LAYER_FILES[0]:
        options["attribution"] = ATTRIBUTION
    return GeoJsonScript(layer, _script_json(layer), style_js, options)


@cache
def governorate_labels() -> list[dict[str, Any]]:
    """Name and label point of each Syrian governorate, both from Natural Earth.

    The UNDOF zone (no governorate type in the data) is left unlabelled.
    """
    out = []
    for feature in load_layer(GOVERNORATES)["features"]:
        p = feature["properties"]
        if p.get("type_en") and p.get("latitude") is not None:
            out.append({"name": p["name"], "lat": p["latitude"], "lon": p["longitude"]})
    return out


@cache
def place_rows() -> list[list[Any]]:
    """The places as the page gets them: ``[lat, lon, name, arabic name, min zoom]``."""
    return [[p.lat, p.lon, p.name, p.name_ar, p.min_zoom] for p in places()]


@cache
def river_rows() -> list[list[Any]]:
    """The river names as the page gets them: ``[name, arabic name, min zoom, points]``,
    each point ``[lat, lon]`` in order down the river."""
    return [
        [r.name, r.name_ar, RIVER_MIN_ZOOM, [list(point) for point in r.points]]
        for r in river_names()
    ]


def _online_config(path: Path) -> dict[str, Any]:
    """The online tiles' file, read again only when it changes (the sidebar asks for the
    choices on every rerun)."""
    return _read_config(path, path.stat().st_mtime_ns)


@cache
def _read_config(path: Path, _mtime_ns: int) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def basemap_choices(path: Path = ONLINE_TILES_FILE) -> dict[str, str]:
    """Basemap id -> label for the basemap picker; the offline map comes first."""
    config = _online_config(path)
    online = {entry["id"]: f"{entry['name']} (needs internet)" for entry in config["layers"]}
    return {OFFLINE: "Offline map (Natural Earth, no internet needed)", **online}


def apply_basemap(m: folium.Map, choice: str, path: Path = ONLINE_TILES_FILE) -> None:
    """Draw the chosen basemap; online tiles get the offline lines drawn over them.

    An unknown choice falls back to the offline map, which always works.
    """
    tiles = online_tile_layers(path).get(choice)
    if tiles is None:
        add_basemap(m)
        return
    tiles.add_to(m)
    add_basemap(m, land_fill=False, labels=False)


def online_tile_layers(path: Path = ONLINE_TILES_FILE) -> dict[str, folium.TileLayer]:
    """Online base layers by id (OpenStreetMap, Esri World Imagery), for when the user opts in.

    Never added by default: they need the internet and reveal the viewed area.
    """
    config = _online_config(path)
    return {
        entry["id"]: folium.TileLayer(
            tiles=entry["url"],
            attr=entry["attribution"],
            name=entry["name"],
            max_zoom=entry["max_zoom"],
            overlay=False,
            control=False,
        )
        for entry in config["layers"]
    }
