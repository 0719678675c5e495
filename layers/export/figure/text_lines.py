"""A block of left-aligned lines of text, drawn without measuring each line first.

Why not `Figure.text`: matplotlib measures every line of a Text before drawing it (to find
its box), then shapes it again to draw it, so each line went through FreeType twice; the
figure's pages carry some 30,000 characters of notes, and that double pass was a third of
a figure's time. `layout` already places every block by its own line heights, so the box is
not needed. The lines are spaced as matplotlib spaces a Text's lines (by the height of
"lp" in the font), so the page looks the same, and each line is still one text run: a
``<text>`` in SVG, selectable text in PDF. Text is never parsed as maths here.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.artist import Artist
from matplotlib.backend_bases import RendererBase
from matplotlib.font_manager import FontProperties


class TextLines(Artist):
    """Lines whose block's top left corner is at (x, y) in the artist's transform (the
    panel's fractions when added with `add_artist`)."""

    zorder = 3  # a Text's

    def __init__(
        self,
        x: float,
        y: float,
        lines: Sequence[str],
        *,
        fontsize: float,
        linespacing: float,
        color: str = "black",
        weight: str = "normal",
        style: str = "normal",
    ) -> None:
        super().__init__()
        self.xy = (x, y)
        self.lines = tuple(lines)
        self.font = FontProperties(size=fontsize, weight=weight, style=style)
        self.color = color
        self.linespacing = linespacing

    def draw(self, renderer: RendererBase) -> None:
        """Each line at the baseline a matplotlib Text of these lines would give it."""
        if not self.get_visible() or not any(self.lines):
            return
        renderer.open_group("text", self.get_gid())
        # What Text._get_layout does for lines no taller than "lp": the first baseline one
        # ascent below the top, then one descent plus the spaced ascent per line.
        _, lp_h, lp_d = renderer.get_text_width_height_descent("lp", self.font, ismath=False)
        x, y = self.get_transform().transform(self.xy)
        y -= lp_h - lp_d
        step = lp_d + (lp_h - lp_d) * self.linespacing
        canvas_h = renderer.get_canvas_width_height()[1]
        gc = renderer.new_gc()
        gc.set_foreground(self.color)
        gc.set_alpha(self.get_alpha())
        gc.set_antialiased(True)
        for line in self.lines:
            if line:
                y_drawn = canvas_h - y if renderer.flipy() else y
                renderer.draw_text(gc, x, y_drawn, line, self.font, 0, ismath=False)
            y -= step
        gc.restore()
        renderer.close_group("text")
        self.stale = False
