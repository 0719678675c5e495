"""The offline basemap (``geodata/basemap/``) drawn as `layers.map.basemap` styles it for
Leaflet, so the figure and the map look alike: fills, water, lines, governorate names and
the names of the Euphrates and the Orontes."""

from __future__ import annotations

from functools import cache

import geopandas as gpd
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.patches import PathPatch
from matplotlib.path import Path

from layers.data.model import Site
from layers.data.rivers import river_names
from layers.export.figure.layout import plain_text
from layers.map.basemap import GOVERNORATES, LAYER_FILES, NO_DATA, SEA, WATER, load_layer

#: How each filled layer is drawn.
FILLS: dict[str, dict[str, object]] = {
    "sea": {"facecolor": SEA, "edgecolor": "none", "linewidth": 0},
    "land": {"facecolor": "#f3f2ee", "edgecolor": "none", "linewidth": 0},
    "countries": {"facecolor": "white", "edgecolor": "none", "linewidth": 0, "alpha": 0.7},
    "lakes": {"facecolor": SEA, "edgecolor": WATER, "linewidth": 0.4},
}
#: How each line layer is drawn.
LINES: dict[str, dict[str, object]] = {
    "rivers": {"colors": WATER, "linewidths": 0.9},
    "coast": {"colors": "#9db8cf", "linewidths": 0.5},
    "governorate_lines": {"colors": "#b4b4b4", "linewidths": 0.5, "linestyles": (0, (3, 3))},
    "borders": {"colors": "#8a8a8a", "linewidths": 0.9},
}


@cache
def basemap_paths(name: str) -> tuple[Path, ...]:
    """A basemap layer read with geopandas once per process, as matplotlib paths (polygons
    with their holes, or lines): each figure then draws them without converting again."""
    frame = gpd.GeoDataFrame.from_features(load_layer(name)["features"], crs="EPSG:4326")
    if name == "countries":  # only Syria is drawn, a shade lighter than its neighbours
        frame = frame[frame["name"] == "Syria"]
    paths = []
    for geometry in frame.geometry:
        for part in getattr(geometry, "geoms", [geometry]):
            if part.geom_type == "Polygon":
                rings = [part.exterior, *part.interiors]
                paths.append(
                    Path.make_compound_path(*(Path(np.asarray(r.coords)[:, :2]) for r in rings))
                )
            else:
                paths.append(Path(np.asarray(part.coords)[:, :2]))
    return tuple(paths)


def draw_basemap(ax: Axes) -> None:
    """The offline basemap as `layers.map.basemap` draws it: fills, water and lines."""
    ax.set_facecolor(NO_DATA)
    for name in LAYER_FILES:
        paths = basemap_paths(name)
        if name in FILLS:
            patches = [PathPatch(path) for path in paths]
            ax.add_collection(PatchCollection(patches, **FILLS[name]), autolim=False)
        else:
            lines = [path.vertices for path in paths]
            ax.add_collection(LineCollection(lines, **LINES[name]), autolim=False)


def governorate_labels(ax: Axes) -> None:
    """Natural Earth's governorate names at their label points, inside the map."""
    west, east = ax.get_xlim()
    south, north = ax.get_ylim()
    for feature in load_layer(GOVERNORATES)["features"]:
        p = feature["properties"]
        if p.get("type_en") and p.get("latitude") is not None:
            lon, lat = p["longitude"], p["latitude"]
            if west < lon < east and south < lat < north:
                ax.text(
                    lon,
                    lat,
                    plain_text(p["name"]),
                    fontsize=6,
                    style="italic",
                    color="#6a6a6a",
                    ha="center",
                    va="center",
                    clip_on=True,
                    zorder=2,
                )


#: River names: italic and blue like the map's (static/atlas/places.css).
RIVER_TEXT: dict[str, object] = {"fontsize": 6.5, "style": "italic", "color": "#2b6a9e"}
#: How close to a site (as a share of the map's width or height) a river's name may sit.
RIVER_CLEARANCE = 0.08


def river_labels(ax: Axes, sites: list[Site]) -> None:
    """Each river's name once, at the point of its course (river_names.geojson) nearest the
    middle of the map that keeps clear of every site's marker; none if no point does."""
    west, east = ax.get_xlim()
    south, north = ax.get_ylim()
    width, height = east - west, north - south
    marks = [(s.lon, s.lat) for s in sites if s.located]

    def inside(lat: float, lon: float) -> bool:
        return 0.1 < (lon - west) / width < 0.9 and 0.05 < (lat - south) / height < 0.95

    def clear(lat: float, lon: float) -> bool:
        return all(
            abs(lon - x) / width > RIVER_CLEARANCE or abs(lat - y) / height > RIVER_CLEARANCE
            for x, y in marks
        )

    middle = (south + north) / 2, (west + east) / 2
    for river in river_names():
        points = [pt for pt in river.points if inside(*pt) and clear(*pt)]
        if not points:
            continue
        lat, lon = min(
            points,
            key=lambda pt: ((pt[0] - middle[0]) / height) ** 2 + ((pt[1] - middle[1]) / width) ** 2,
        )
        ax.text(
            lon,
            lat,
            plain_text(river.name),
            ha="center",
            va="center",
            clip_on=True,
            zorder=2,
            **RIVER_TEXT,
        )
