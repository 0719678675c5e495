"""The sites on the map: each one's grade shape (as `layers.render.style.symbol_svg` draws
it), its dashed precision ring, a thick ring if it holds a highlighted event, and its label.
Shape, fill, dash and words carry every grade, so the figure reads in greyscale."""

from __future__ import annotations

import math

from matplotlib.axes import Axes
from matplotlib.patches import Ellipse

from layers.data.model import DatedEvent, Site
from layers.export.figure.frame import M_PER_DEG
from layers.export.figure.labels import marker_box, place_label
from layers.export.figure.paper import HIGHLIGHT_COLOUR
from layers.map.mapview import HALO_COLOUR
from layers.render.style import GradeStyle, events_by_site, site_style

MARKERS = {"square": "s", "circle": "o", "triangle-up": "^", "diamond": "D", "cross": "o"}


def draw_marker(ax: Axes, style: GradeStyle, x: float, y: float, size: float, **extra) -> None:
    """A grade's shape, as `layers.render.style.symbol_svg` draws it."""
    hollow = style.fill == "none"
    ax.scatter(
        [x],
        [y],
        s=size**2,
        marker=MARKERS[style.shape],
        facecolors="none" if hollow else style.fill,
        edgecolors=style.stroke,
        linewidths=1.4,
        linestyles="--" if style.dashed else "-",
        **extra,
    )
    if style.shape == "cross":
        ax.scatter(
            [x],
            [y],
            s=(size * 0.55) ** 2,
            marker="x",
            c=style.stroke,
            linewidths=1.2,
            **{k: v for k, v in extra.items() if k == "zorder"},
        )


def draw_sites(
    ax: Axes, events: list[DatedEvent], sites: list[Site], highlight: frozenset[str]
) -> None:
    """Every shown site with its ring, highlight, marker and label (labels avoid markers)."""
    grouped = events_by_site(events)
    placed = [marker_box(ax, site) for site in sites]
    for site in sites:
        shown = grouped.get(site.id, [])
        style = site_style(shown)
        lat, lon = site.lat or 0.0, site.lon or 0.0
        radius = (site.props.precision_m or 0) / M_PER_DEG
        ring = Ellipse(
            (lon, lat),
            2 * radius / math.cos(math.radians(lat)),
            2 * radius,
            facecolor=HALO_COLOUR,
            alpha=0.06,
            edgecolor="none",
            zorder=3,
        )
        ax.add_patch(ring)
        ax.add_patch(
            Ellipse(
                (lon, lat),
                2 * radius / math.cos(math.radians(lat)),
                2 * radius,
                facecolor="none",
                edgecolor=HALO_COLOUR,
                linewidth=0.8,
                linestyle=(0, (4, 3)),
                zorder=3,
            )
        )
        if any(d.id in highlight for d in shown):
            ax.scatter(
                [lon],
                [lat],
                s=22**2,
                marker="o",
                facecolors="none",
                edgecolors=HIGHLIGHT_COLOUR,
                linewidths=3.2,
                zorder=4,
            )
        draw_marker(ax, style, lon, lat, 11, zorder=5, gid=f"site-{site.id}")
        placed.append(place_label(ax, site, style, placed))
