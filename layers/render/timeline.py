"""The chronology drawn as a plain SVG: events by site over the years.

Plain SVG rather than a Vega chart: it needs no script, so it draws at once, prints, and
works unchanged in the offline HTML bundle and the handout. Shape and fill give the grade
of the event's North Korean link, as on the map (the hover text gives both grades); a
coloured bar under each mark gives the kind of link, and spans cover the whole period a
date may mean (a year-precision date spans the year). Every mark has a <title> for hover;
the event table is the accessible equivalent. On the page the timeline is an image of that
SVG (`timeline_image`), which the browser draws far faster than inline SVG.
"""

from __future__ import annotations

import base64

from layers.data.model import SYRIA_WIDE, Atlas, DatedEvent
from layers.render.html import esc
from layers.render.lanes import crowding
from layers.render.style import (
    GRADE_STYLES,
    LINK_COLOURS,
    LINK_LABELS,
    NO_LINK_STYLE,
    both_grades_words,
    symbol_svg,
)
from layers.render.templates import render

WIDTH = 1000
LABEL_WIDTH = 190
ROW = 36
TOP = 28
MARK = 14
LANE_OFFSETS = (0, -8, 8, -4, 4)  # marks in the same row and year step aside
#: The most events the page draws as a timeline and list (the shipped atlas has about
#: fifty): beyond, the marks overlap into a smear, and the SVG and table of 20,000 events
#: were 30 MB, built and sent on every rerun. The sortable table shows any number.
MAX_DRAWN_EVENTS = 1_000


def _rows(atlas: Atlas, events: list[DatedEvent]) -> list[str]:
    used = {atlas.short_label(s) for e in events for s in e.event.site_ids}
    order = [site.label for layer in atlas.layers for site in layer.sites if site.label in used]
    if any(e.syria_wide for e in events):
        order.append(SYRIA_WIDE)
    return order


def _lanes(marks: list[tuple[int, float, float, DatedEvent]]) -> list[int]:
    """Each mark's lane: how many earlier marks of its row start within MARK of it."""
    by_row: dict[int, list[int]] = {}
    for i, (row, *_rest) in enumerate(marks):
        by_row.setdefault(row, []).append(i)
    lanes = [0] * len(marks)
    for members in by_row.values():
        for i, lane in zip(members, crowding([marks[i][1] for i in members], MARK), strict=True):
            lanes[i] = lane
    return lanes


def _tick_step(span: float) -> int:
    return next(step for step in (1, 2, 5, 10, 20) if span / step <= 14)


def timeline_svg(atlas: Atlas, events: list[DatedEvent], first_year: int, last_year: int) -> str:
    """An SVG timeline of `events` between the two years (inclusive)."""
    rows = _rows(atlas, events)
    height = TOP + ROW * max(1, len(rows)) + 30
    start, end = float(first_year), float(last_year + 1)
    plot = WIDTH - LABEL_WIDTH - 20

    def x(year: float) -> float:
        clipped = min(max(year, start), end)
        return LABEL_WIDTH + (clipped - start) / (end - start) * plot

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="timeline-title" class="atlas-timeline" '
        f'style="max-width:{WIDTH}px;font:12px sans-serif">'
        f'<title id="timeline-title">{esc(_title(events, first_year, last_year))}</title>'
    ]
    step = _tick_step(end - start)
    first_tick = first_year + (-first_year % step)
    for year in range(first_tick, last_year + 1, step):
        parts.append(
            f'<line x1="{x(year):.1f}" x2="{x(year):.1f}" y1="{TOP - 6}" y2="{height - 26}" '
            f'stroke="#ddd"/><text x="{x(year):.1f}" y="{height - 10}" text-anchor="middle" '
            f'fill="#333">{year}</text>'
        )
    for index, name in enumerate(rows):
        y = TOP + ROW * index + ROW / 2
        parts.append(
            f'<line x1="{LABEL_WIDTH}" x2="{WIDTH - 20}" y1="{y}" y2="{y}" stroke="#eee"/>'
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 4}" text-anchor="end" fill="#111">'
            f"{esc(name)}</text>"
        )
    row_of = {name: index for index, name in enumerate(rows)}
    marks: list[tuple[int, float, float, DatedEvent]] = []
    for dated in events:
        names = [atlas.short_label(s) for s in dated.event.site_ids] or [SYRIA_WIDE]
        for name in names:
            if name in row_of:
                start_x, end_x = x(dated.when.start_year), x(dated.when.end_year)
                marks.append((row_of[name], start_x, end_x, dated))
    lanes = _lanes(marks)
    for (row, x0, x1, dated), lane in zip(marks, lanes, strict=True):
        event = dated.event
        style = GRADE_STYLES[event.link_grade] if event.link_grade else NO_LINK_STYLE
        colour = LINK_COLOURS[event.link_types[0]]
        kinds = ", ".join(LINK_LABELS[link] for link in event.link_types)
        grades = both_grades_words(event.grade, event.link_grade)
        tip = f"{dated.when.label()} — {event.title} ({grades}; kind: {kinds}) [{event.id}]"
        y = TOP + ROW * row + ROW / 2 + LANE_OFFSETS[lane % len(LANE_OFFSETS)]
        parts.append(
            f'<g data-event-id="{esc(event.id)}"><title>{esc(tip)}</title>'
            f'<rect x="{x0:.1f}" y="{y + MARK / 2:.1f}" width="{max(x1 - x0, 3):.1f}" '
            f'height="4" fill="{colour}"/>'
            f'<svg x="{x0 - MARK / 2:.1f}" y="{y - MARK / 2:.1f}" width="{MARK}" '
            f'height="{MARK}">{symbol_svg(style, MARK)}</svg></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _title(events: list[DatedEvent], first_year: int, last_year: int) -> str:
    return f"Chronology: {len(events)} events by site, {first_year}–{last_year}"


def timeline_image(atlas: Atlas, events: list[DatedEvent], first_year: int, last_year: int) -> str:
    """The timeline as an <img> holding the SVG (a data URI), for the page.

    Why: the page shows fragments with `st.html`, which strips inline SVG, and an image is
    drawn without the browser parsing thousands of SVG nodes into the page. The marks' hover
    titles do not show in an image; the list below the timeline gives every event in full.
    The offline page keeps the inline SVG (`timeline_svg`)."""
    svg = timeline_svg(atlas, events, first_year, last_year)
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (
        f'<img class="atlas-timeline-image" src="{uri}" '
        f'alt="{esc(_title(events, first_year, last_year))}" '
        f'style="width:100%;max-width:{WIDTH}px;height:auto">'
    )


def timeline_legend() -> str:
    """Grades (shape) and link types (colour bar), as HTML beside the SVG."""
    return str(render("timeline_key.html.j2", styles=[*GRADE_STYLES.values(), NO_LINK_STYLE]))
