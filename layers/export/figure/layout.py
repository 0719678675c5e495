"""Placing text on a page in inches and wrapping it to the width it gets.

Why by hand: a figure's page is laid out top-down in inches (title, caption, key, notes), and
the notes must be cut into whole notes per column and per page, which matplotlib's own
layout engines do not do. Text from data goes through `plain_text` first.
"""

from __future__ import annotations

import textwrap
from functools import lru_cache

from matplotlib.figure import Figure, SubFigure

from layers.export.figure.text_lines import TextLines
from layers.export.formats import xml_chars

LINE_SPACING = 1.15
Panel = Figure | SubFigure
#: Where a page is drawn; None lays the page out without drawing (to count the pages).
Canvas = Panel | None


def plain_text(value: object) -> str:
    """Text from data, safe for every backend: no characters XML cannot hold."""
    return xml_chars(str(value))


def panel_size(fig: Panel) -> tuple[float, float]:
    """The panel's width and height in inches (a subfigure is a share of its figure)."""
    box = fig.bbox
    dpi = fig.figure.dpi
    return box.width / dpi, box.height / dpi


def at(fig: Panel, x: float, y: float) -> tuple[float, float]:
    """Inches from the panel's lower left corner, as the panel's fractions."""
    width, height = panel_size(fig)
    return x / width, y / height


def rect(fig: Panel, x: float, y: float, w: float, h: float) -> tuple[float, float, float, float]:
    """A box in inches from the panel's lower left corner, as the panel's fractions."""
    width, height = panel_size(fig)
    return x / width, y / height, w / width, h / height


def chars_across(width_in: float, points: float, *, bold: bool = False) -> int:
    """How many characters of DejaVu Sans fit across `width_in` inches (a safe estimate)."""
    return max(10, int(width_in * 72 / (points * (0.62 if bold else 0.54))))


def line_height(points: float) -> float:
    """Inches per line: matplotlib draws n lines n × spacing × size tall."""
    return points * LINE_SPACING / 72


def write(fig: Canvas, x: float, top: float, text: str, points: float, **style) -> float:
    """Text from `top` (inches) downwards; returns where the next block may start."""
    if text and fig is not None:
        fig.add_artist(
            TextLines(
                *at(fig, x, top),
                text.split("\n"),
                fontsize=points,
                linespacing=LINE_SPACING,
                **style,
            )
        )
    return top - line_height(points) * (text.count("\n") + 1) - 0.02


@lru_cache(maxsize=4096)
def wrap_lines(text: str, chars: int, subsequent_indent: str = "") -> tuple[str, ...]:
    """Wrapped lines; hyphenated words stay whole (Secretary-General), long URLs are cut.
    Cached: the notes are wrapped once to count the pages and again to draw them."""
    lines = textwrap.wrap(text, chars, subsequent_indent=subsequent_indent, break_on_hyphens=False)
    # A percent-encoded address (a title in Arabic or Korean: "%eb%b0%b1…") is mostly
    # digits and "%", far wider than the average `chars_across` allows: narrower lines for
    # that text, so it stays inside its column instead of running over the next one.
    room, narrower = chars * 0.54, chars
    while narrower > 10 and any("%" in line and _ems(line) > room for line in lines):
        narrower -= max(1, narrower // 10)
        lines = textwrap.wrap(
            text, narrower, subsequent_indent=subsequent_indent, break_on_hyphens=False
        )
    return tuple(lines)


def _ems(line: str) -> float:
    """A line's width in ems of DejaVu Sans, roughly: "%" and digits are the wide ones."""
    return sum(0.95 if c == "%" else 0.64 if c.isdigit() else 0.54 for c in line)


def wrap_items(items: list[str], chars: int) -> str:
    """Bulleted items from data, each wrapped with a hanging indent, as one block."""
    return "\n".join(
        line
        for item in items
        for line in wrap_lines(plain_text(item), chars, subsequent_indent="  ")
    )


def fill_column(
    fig: Canvas, x: float, top: float, width: float, bottom: float, lines: list[str], points: float
) -> list[str]:
    """Write whole notes while they fit above `bottom`; returns the notes left over."""
    chars = chars_across(width, points)
    y = top
    for index, line in enumerate(lines):
        wrapped = wrap_lines(line, chars, subsequent_indent="   ")
        if y - line_height(points) * len(wrapped) < bottom:
            return lines[index:]
        y = write(fig, x, y, "\n".join(wrapped), points) - 0.01
    return []
