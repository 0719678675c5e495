"""The figure of a view as PNG, SVG or PDF bytes: a PDF gets one page per panel, a PNG or
SVG is one image with the notes panels stacked below the map. No creation date goes into
the file, so the same view drawn on the same day gives the same file.

Where the time goes (cProfile, the whole map: 111 sources, 4 panels, some 30,000 characters
of notes): a PNG is mostly FreeType shaping each line of text once to draw it (`text_lines`:
no second pass to measure it) and zlib over 35 million pixels (`png`: no per-row filter
search); a PDF is the per-glyph text layout and fontTools subsetting the fonts it embeds;
an SVG writes words as words and is the cheapest. None of it is work this package repeats.
"""

from __future__ import annotations

import datetime as dt
import io

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from layers.data.filters import Filters, filter_events, sites_shown
from layers.data.model import Atlas, Site
from layers.export.figure.frame import Frame, frame_for
from layers.export.figure.layout import plain_text
from layers.export.figure.notes import Notes, caption_text, number_sources
from layers.export.figure.paper import DPI, RC, SIZES
from layers.export.figure.png import png_bytes
from layers.export.figure.sheet import Sheet
from layers.export.kinds import FIGURE_FORMATS, FigureFormat, Size


def figure_bytes(
    atlas: Atlas,
    filters: Filters,
    fmt: FigureFormat,
    *,
    size: Size = "a4",
    highlight: frozenset[str] = frozenset(),
    frame: Frame | None = None,
    title: str | None = None,
    drawn_at: dt.datetime | None = None,
    sources_elsewhere: str | None = None,
    dpi: int = DPI,
) -> bytes:
    """The figure of the view `filters` selects, as PNG, SVG or PDF bytes.

    `highlight` names events to ring (a lesson step's, rows picked in the table); `frame`
    overrides the extent (the whole of Syria, or the shown sites under a site filter).
    `sources_elsewhere` replaces the numbered notes with that sentence, for a figure whose
    sources are listed beside it (a lesson's slides); the figure is then one page.
    """
    if fmt not in FIGURE_FORMATS:
        raise ValueError(f"unknown figure format {fmt!r}; expected png, svg or pdf")
    if size not in SIZES:
        raise ValueError(f"unknown figure size {size!r}; expected {', '.join(SIZES)}")
    matplotlib.rcParams.update(RC)
    when = drawn_at or dt.datetime.now(dt.UTC)
    events = filter_events(atlas, filters)
    sites = sites_shown(atlas, filters, events)
    notes = number_sources(atlas, sites, events) if sources_elsewhere is None else Notes((), {})
    sheet = Sheet(
        events=events,
        sites=sites,
        highlight=highlight,
        notes=notes,
        title=plain_text(title or f"{atlas.info.title}: {_view_name(filters, sites)}"),
        caption=plain_text(caption_text(atlas, filters, events, sites, when)),
        frame=frame or frame_for(filters, sites),
        sources_elsewhere=sources_elsewhere,
    )
    width, height = SIZES[size]
    buffer = io.BytesIO()
    metadata = _metadata(fmt, sheet.title)
    if fmt == "pdf":
        from matplotlib.backends.backend_pdf import PdfPages

        with PdfPages(buffer, metadata=metadata) as pdf:
            fig = Figure(figsize=(width, height))
            rest = sheet.draw_map_page(fig)
            pdf.savefig(fig)
            while rest:
                fig = Figure(figsize=(width, height))
                rest = sheet.draw_notes_page(fig, rest)
                pdf.savefig(fig)
        return buffer.getvalue()
    # PNG and SVG are one image: panels of the same size stacked below the map for the notes.
    pages = sheet.count_pages(width, height)
    fig = Figure(figsize=(width, height * pages))
    panels = [fig] if pages == 1 else list(fig.subfigures(pages, 1))
    rest = sheet.draw_map_page(panels[0])
    for panel in panels[1:]:
        rest = sheet.draw_notes_page(panel, rest)
    if fmt == "png":
        return _png(fig, dpi, sheet.title)
    fig.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata)
    return buffer.getvalue()


def _png(fig: Figure, dpi: int, title: str) -> bytes:
    """The page drawn by Agg at `dpi`, as `savefig` draws it, and written by `png`."""
    canvas = FigureCanvasAgg(fig)
    fig.dpi = dpi
    canvas.draw()
    software = f"Matplotlib version{matplotlib.__version__}, https://matplotlib.org/"
    return png_bytes(np.asarray(canvas.buffer_rgba()), dpi, {"Title": title, "Software": software})


def _metadata(fmt: str, title: str) -> dict[str, object]:
    """File metadata without a creation date, so the same view gives the same file."""
    if fmt == "svg":
        return {"Date": None, "Title": title}
    if fmt == "pdf":
        return {"CreationDate": None, "ModDate": None, "Title": title}
    return {"Title": title}


def _view_name(filters: Filters, sites: list[Site]) -> str:
    """The title's second half: the one site chosen, or the years shown."""
    if filters.site_ids is not None and len(sites) == 1:
        return sites[0].name
    first, last = filters.date_span()
    return f"the map, {first.year}–{last.year}" if first.year != last.year else str(first.year)
