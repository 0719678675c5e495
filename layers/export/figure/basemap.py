"""The offline basemap (``geodata/basemap/``) drawn as `layers.map.basemap` styles it for
Leaflet, so the figure and the map look alike: fills, water, lines and governorate names."""

from __future__ import annotations

from functools import cache

import geopandas as gpd
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.patches import PathPatch
from matplotlib.path import Path

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
