"""Which part of the world a figure shows, and how it fills the map's box without
stretching: a degree of longitude drawn cos(latitude) times a degree of latitude."""

from __future__ import annotations

import math
from dataclasses import dataclass

from matplotlib.axes import Axes

from layers.data.filters import Filters
from layers.data.geo import SYRIA_BOX
from layers.data.model import Site
from layers.export.figure.layout import panel_size

M_PER_DEG = 111_320.0  # metres in a degree of latitude


@dataclass(frozen=True)
class Frame:
    """The map's extent in degrees (west, south, east, north), before fitting the axes."""

    west: float
    south: float
    east: float
    north: float

    @classmethod
    def around(cls, lat: float, lon: float, zoom: float) -> Frame:
        """What a Leaflet map about 800 px wide shows at this centre and zoom."""
        half = 800 / (256 * 2**zoom) * 360 / 2
        return cls(lon - half, lat - half * 0.7, lon + half, lat + half * 0.7)


SYRIA_FRAME = Frame(*SYRIA_BOX)


def frame_for(filters: Filters, sites: list[Site]) -> Frame:
    """Syria, or the chosen sites with a margin of at least a degree and a half (enough for
    the governorate names and rivers that place them)."""
    if filters.site_ids is None or not sites:
        return SYRIA_FRAME
    lons = [s.lon for s in sites if s.lon is not None]
    lats = [s.lat for s in sites if s.lat is not None]
    pad = max(1.5, (max(lons) - min(lons)) * 0.2, (max(lats) - min(lats)) * 0.2)
    return Frame(min(lons) - pad, min(lats) - pad, max(lons) + pad, max(lats) + pad)


def fit_frame(frame: Frame, ax: Axes) -> tuple[float, float, float, float]:
    """The frame grown to the axes' shape, a degree of longitude drawn cos(latitude) times
    a degree of latitude (the scale of the map at its centre)."""
    box = ax.get_position()
    width, height = panel_size(ax.figure)
    ratio = (box.width * width) / (box.height * height)  # the box's width / height
    lat0 = (frame.south + frame.north) / 2
    shrink = math.cos(math.radians(lat0))
    span_x = (frame.east - frame.west) * shrink
    span_y = frame.north - frame.south
    if span_x / span_y < ratio:
        span_x = span_y * ratio
    else:
        span_y = span_x / ratio
    lon0 = (frame.west + frame.east) / 2
    half_x = span_x / shrink / 2
    return lon0 - half_x, lat0 - span_y / 2, lon0 + half_x, lat0 + span_y / 2
