"""The pages of a figure: the map page (title, caption, map, key and as many notes as fit
beside the map), then notes pages in four columns until every source is listed, so no
source is ever dropped."""

from __future__ import annotations

from dataclasses import dataclass

from layers.data.model import DatedEvent, Site
from layers.export.figure.frame import Frame
from layers.export.figure.layout import (
    Canvas,
    chars_across,
    fill_column,
    panel_size,
    plain_text,
    rect,
    wrap_items,
    wrap_lines,
    write,
)
from layers.export.figure.legend import draw_legend
from layers.export.figure.map_panel import draw_map
from layers.export.figure.notes import Notes

MARGIN = 0.35  # inches round each page
NOTES_COLUMNS = 4  # on each page after the first


@dataclass
class Sheet:
    """What one figure shows, ready to be laid out on one or more pages."""

    events: list[DatedEvent]
    sites: list[Site]
    highlight: frozenset[str]
    notes: Notes
    title: str
    caption: str
    frame: Frame
    sources_elsewhere: str | None = None

    def count_pages(self, width: float, height: float) -> int:
        """How many panels the notes need: the pages laid out without drawing anything, so
        the key and the notes are not built twice."""
        rest = self.draw_map_page(None, size=(width, height))
        pages = 1
        while rest:
            rest = self.draw_notes_page(None, rest, size=(width, height))
            pages += 1
        return pages

    def draw_map_page(self, fig: Canvas, *, size: tuple[float, float] | None = None) -> list[str]:
        """Title, caption, map and key; returns the note lines that did not fit. With no
        `fig`, only lays the page out (`size` in inches)."""
        width, height = size or panel_size(fig)
        title_lines = wrap_lines(self.title, chars_across(width - 2 * MARGIN, 13, bold=True))
        y = height - MARGIN
        y = write(fig, MARGIN, y, "\n".join(title_lines), 13, weight="bold")
        cap = wrap_lines(self.caption, chars_across(width - 2 * MARGIN, 7.5))
        y = write(fig, MARGIN, y - 0.04, "\n".join(cap), 7.5, color="#333333")
        map_top = y - 0.12
        map_w = width * 0.6
        if fig is not None:
            ax = fig.add_axes(rect(fig, MARGIN, MARGIN, map_w, map_top - MARGIN))
            draw_map(ax, self.frame, self.events, self.sites, self.highlight)
        panel_x = MARGIN + map_w + 0.25
        panel_w = width - panel_x - MARGIN
        y = draw_legend(
            fig,
            panel_x,
            map_top,
            panel_w,
            events=self.events,
            sites=self.sites,
            highlight=self.highlight,
            notes=self.notes,
        )
        return self._notes_column(fig, panel_x, y - 0.08, panel_w, MARGIN)

    def draw_notes_page(
        self, fig: Canvas, lines: list[str], *, size: tuple[float, float] | None = None
    ) -> list[str]:
        """Notes continued in four columns; returns the lines that still did not fit. With no
        `fig`, only lays the page out (`size` in inches)."""
        width, height = size or panel_size(fig)
        y = write(
            fig, MARGIN, height - MARGIN, f"{self.title}: sources (continued)", 11, weight="bold"
        )
        column_w = (width - 2 * MARGIN - 0.6) / NOTES_COLUMNS
        rest = lines
        for column in range(NOTES_COLUMNS):
            x = MARGIN + column * (column_w + 0.2)
            rest = fill_column(fig, x, y - 0.1, column_w, MARGIN, rest, 6.5)
        return rest

    def _notes_column(
        self, fig: Canvas, x: float, top: float, width: float, bottom: float
    ) -> list[str]:
        """The first notes, under the key; returns those that did not fit."""
        if self.sources_elsewhere is not None:
            write(fig, x, top, wrap_items([self.sources_elsewhere], chars_across(width, 7)), 7)
            return []
        if not self.notes.sources:
            write(fig, x, top, "Sources: none (no event shown).", 7)
            return []
        y = write(fig, x, top, "Sources (numbered notes)", 8, weight="bold")
        lines = [plain_text(line) for line in self.notes.lines()]
        return fill_column(fig, x, y, width, bottom, lines, 6.5)
