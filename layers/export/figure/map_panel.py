"""The map itself: the basemap fitted to the frame, the governorate and river names, the
sites, the scale bar and the north arrow, in one axes without ticks."""

from __future__ import annotations

from matplotlib.axes import Axes

from layers.data.model import DatedEvent, Site
from layers.export.figure.basemap import draw_basemap, governorate_labels, river_labels
from layers.export.figure.frame import Frame, fit_frame
from layers.export.figure.map_furniture import north_arrow, scale_bar
from layers.export.figure.marks import draw_sites


def draw_map(
    ax: Axes,
    frame: Frame,
    events: list[DatedEvent],
    sites: list[Site],
    highlight: frozenset[str],
) -> None:
    """Everything inside the map's frame."""
    draw_basemap(ax)
    west, south, east, north = fit_frame(frame, ax)
    ax.set_aspect("auto")  # fit_frame gave the limits the box's shape, at the right scale
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    governorate_labels(ax)
    river_labels(ax, sites)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")  # geopandas names the axes in degrees; the figure has no axes
    ax.set_ylabel("")
    for spine in ax.spines.values():
        spine.set_edgecolor("#555555")
        spine.set_linewidth(0.8)
    draw_sites(ax, events, sites, highlight)
    scale_bar(ax)
    north_arrow(ax)
