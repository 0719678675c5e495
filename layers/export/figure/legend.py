"""The key beside the map: what each shape means, what the rings mean, how grades are given,
each site's marker in words and the highlighted events. Every grade is stated in words as
well as in shape."""

from __future__ import annotations

from matplotlib.patches import Ellipse

from layers.data.model import DatedEvent, Site
from layers.export.figure.layout import (
    Canvas,
    at,
    chars_across,
    rect,
    wrap_items,
    wrap_lines,
    write,
)
from layers.export.figure.marks import draw_marker
from layers.export.figure.notes import Notes, event_line, site_key
from layers.export.figure.paper import HIGHLIGHT_COLOUR
from layers.map.mapview import HALO_COLOUR
from layers.render.style import GRADE_STYLES, NO_LINK_STYLE, events_by_site

LEGEND_TITLE = "Marker shape = strongest evidence of a North Korean link among the shown events"
LEGEND_NOTE = (
    "Graded on the link, not on the event: an IAEA finding about a building that says nothing "
    "of North Korea does not make the link an official finding."
)


def _grade_shapes(fig: Canvas, x: float, top: float) -> float:
    """One row per grade: its marker and its label."""
    if fig is None:
        return top - (6 * 0.2 + 0.12)
    key_ax = fig.add_axes(rect(fig, x, top - 6 * 0.2, 0.3, 6 * 0.2))
    key_ax.set_xlim(0, 1)
    key_ax.set_ylim(-0.5, 5.5)
    key_ax.axis("off")
    for row, style in enumerate([*GRADE_STYLES.values(), NO_LINK_STYLE]):
        draw_marker(key_ax, style, 0.5, 5 - row, 8, zorder=3)
        fig.text(
            *at(fig, x + 0.32, top - (row + 0.5) * 0.2), style.label, fontsize=7.5, va="center"
        )
    return top - (6 * 0.2 + 0.12)


def _rings(fig: Canvas, x: float, top: float, width: float, highlighted: bool) -> float:
    """The precision ring, and the highlight ring when the figure has one."""
    y = top
    extra = [
        ("ring", "Dashed ring: the coordinate's precision (the site lies within it)"),
    ]
    if highlighted:
        extra.append(("highlight", "Thick ring: a site of a highlighted event"))
    for kind, words in extra:
        if fig is None:
            y -= 0.26
            continue
        ring_ax = fig.add_axes(rect(fig, x + 0.05, y - 0.2, 0.2, 0.2))
        ring_ax.axis("off")
        ring_ax.set_xlim(-1, 1)
        ring_ax.set_ylim(-1, 1)
        ring_ax.set_aspect("equal")
        if kind == "ring":
            ring_ax.add_patch(
                Ellipse(
                    (0, 0),
                    1.6,
                    1.6,
                    facecolor="none",
                    edgecolor=HALO_COLOUR,
                    linestyle=(0, (4, 3)),
                )
            )
        else:
            ring_ax.add_patch(
                Ellipse((0, 0), 1.5, 1.5, facecolor="none", edgecolor=HIGHLIGHT_COLOUR, linewidth=3)
            )
        write(
            fig,
            x + 0.32,
            y - 0.03,
            "\n".join(wrap_lines(words, chars_across(width - 0.32, 7.5))),
            7.5,
        )
        y -= 0.26
    return y


def draw_legend(
    fig: Canvas,
    x: float,
    top: float,
    width: float,
    *,
    events: list[DatedEvent],
    sites: list[Site],
    highlight: frozenset[str],
    notes: Notes,
) -> float:
    """The key from `top` (inches) downwards; returns where the notes may start."""
    y = write(
        fig,
        x,
        top,
        "\n".join(wrap_lines(LEGEND_TITLE, chars_across(width, 8, bold=True))),
        8,
        weight="bold",
    )
    y = _grade_shapes(fig, x, y)
    y = _rings(fig, x, y, width, any(d.id in highlight for d in events))
    y = write(
        fig,
        x,
        y - 0.04,
        "\n".join(wrap_lines(LEGEND_NOTE, chars_across(width, 6.5))),
        6.5,
        color="#444444",
    )
    grouped = events_by_site(events)
    lines = [f"• {site_key(site, grouped.get(site.id, []), notes)}" for site in sites] or [
        "No site on the map: no shown event has a mapped site."
    ]
    y = write(fig, x, y - 0.08, "Sites on the map", 8, weight="bold")
    y = write(fig, x, y, wrap_items(lines, chars_across(width, 6.5)), 6.5)
    picked = [d for d in events if d.id in highlight]
    if picked:
        y = write(fig, x, y - 0.08, "Highlighted events", 8, weight="bold")
        y = write(
            fig,
            x,
            y,
            wrap_items([f"• {event_line(d, notes)}" for d in picked], chars_across(width, 6.5)),
            6.5,
        )
    return y
