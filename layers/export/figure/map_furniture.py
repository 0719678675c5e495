"""The map's furniture: a scale bar and a north arrow, so a printed figure can be measured
and oriented without the app."""

from __future__ import annotations

import math

from matplotlib.axes import Axes
from matplotlib.patches import FancyArrow, Rectangle

from layers.export.figure.frame import M_PER_DEG


def scale_bar(ax: Axes) -> None:
    """A bar of a round number of kilometres, about a fifth of the map's width."""
    west, east = ax.get_xlim()
    south, north = ax.get_ylim()
    lat = south + (north - south) * 0.06
    km_per_deg = M_PER_DEG / 1000 * math.cos(math.radians(lat))
    target = (east - west) * km_per_deg / 5
    km = max(n for n in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500) if n <= max(target, 1))
    x = west + (east - west) * 0.04
    length = km / km_per_deg
    height = (north - south) * 0.008
    for part in range(2):
        ax.add_patch(
            Rectangle(
                (x + part * length / 2, lat),
                length / 2,
                height,
                facecolor="#222222" if part == 0 else "white",
                edgecolor="#222222",
                linewidth=0.6,
                zorder=7,
            )
        )
    ax.text(x, lat + height * 2, "0", fontsize=6.5, ha="center", va="bottom", zorder=7)
    ax.text(
        x + length, lat + height * 2, f"{km} km", fontsize=6.5, ha="center", va="bottom", zorder=7
    )


def north_arrow(ax: Axes) -> None:
    """An arrow and an N in the map's upper right corner."""
    west, east = ax.get_xlim()
    south, north = ax.get_ylim()
    x = east - (east - west) * 0.05
    y = north - (north - south) * 0.16
    length = (north - south) * 0.08
    ax.add_patch(
        FancyArrow(
            x,
            y,
            0,
            length,
            width=(east - west) * 0.006,
            head_width=(east - west) * 0.02,
            head_length=length * 0.35,
            length_includes_head=True,
            color="#222222",
            zorder=7,
        )
    )
    ax.text(
        x,
        y - (north - south) * 0.01,
        "N",
        fontsize=9,
        weight="bold",
        ha="center",
        va="top",
        zorder=7,
    )
