"""A site's name and grade beside its marker, placed where it overlaps no other label or
marker and stays inside the map: the first free spot of a fixed list, so the same view
always gives the same figure."""

from __future__ import annotations

from matplotlib.axes import Axes

from layers.data.model import Site
from layers.export.figure.layout import plain_text
from layers.render.style import GradeStyle

Box = tuple[float, float, float, float]  # left, bottom, right, top in display pixels
#: Offsets in points to try, nearest first.
CANDIDATES = [
    (12, 0),
    (-12, 0),
    (0, 16),
    (0, -16),
    (30, 30),
    (-30, 30),
    (30, -30),
    (-30, -30),
    (60, 10),
    (-60, 10),
    (60, -40),
    (-60, -40),
]


def marker_box(ax: Axes, site: Site) -> Box:
    """The pixels a site's marker covers, for labels to keep clear of."""
    x, y = ax.transData.transform((site.lon, site.lat))
    half = 7 * ax.figure.dpi / 72
    return x - half, y - half, x + half, y + half


def overlaps(a: Box, b: Box) -> bool:
    """Whether two boxes share any area."""
    return not (a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1])


def place_label(ax: Axes, site: Site, style: GradeStyle, placed: list[Box]) -> Box:
    """The site's name and grade beside its marker, moved until it overlaps no other label."""
    text = f"{plain_text(site.label)}\n{style.short}"
    fig = ax.figure
    points_w = max(len(line) for line in text.split("\n")) * 7 * 0.58 + 6
    points_h = 2 * 7 * 1.22 + 4
    x0, y0 = ax.transData.transform((site.lon, site.lat))
    scale = fig.dpi / 72
    box = ax.get_window_extent()
    chosen = None
    for dx, dy in CANDIDATES:
        left = x0 + dx * scale - (points_w * scale if dx < 0 else 0)
        if dx == 0:
            left = x0 - points_w * scale / 2
        bottom = y0 + dy * scale - points_h * scale / 2
        rect = (left, bottom, left + points_w * scale, bottom + points_h * scale)
        inside = rect[0] >= box.x0 and rect[2] <= box.x1 and rect[1] >= box.y0
        inside = inside and rect[3] <= box.y1
        if inside and not any(overlaps(rect, other) for other in placed):
            chosen = (dx, dy, rect)
            break
    if chosen is None:
        dx, dy = CANDIDATES[0]
        left = x0 + dx * scale
        bottom = y0 - points_h * scale / 2
        chosen = (dx, dy, (left, bottom, left + points_w * scale, bottom + points_h * scale))
    dx, dy, rect = chosen
    far = abs(dx) > 12 or abs(dy) > 16
    ax.annotate(
        text,
        (site.lon, site.lat),
        xytext=(dx, dy),
        textcoords="offset points",
        ha="left" if dx > 0 else "right" if dx < 0 else "center",
        va="center",
        fontsize=7,
        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "#999999", "lw": 0.4, "alpha": 0.9},
        arrowprops={"arrowstyle": "-", "color": "#555555", "lw": 0.6} if far else None,
        zorder=6,
        annotation_clip=False,
    )
    return rect
