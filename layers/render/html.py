"""HTML fragments for tooltips, popups, panels and the legend.

This is the one place where data becomes HTML. The HTML itself is in Jinja2 templates
(``layers/render/templates/``, environment in `layers.render.templates`), which autoescape:
text from a data file reaches them as plain ``str``, so a title like `<script>` shows as text
and never runs. These functions pick the records and hand them over; each returns a plain
``str`` (not ``Markup``, whose ``+`` would escape a plain string added to it). `esc` is
for the few fragments still built outside a template (the tooltip; other layers' bits).
"""

from __future__ import annotations

import functools
import html
from collections.abc import Mapping, Sequence

from markupsafe import Markup

from layers.data.lessons import StepImage
from layers.data.model import Atlas, DatedEvent, Site
from layers.data.schema import Entity, Event, Grade, LinkType, Source
from layers.render.event_row import event_row
from layers.render.frontend import style_element, stylesheet
from layers.render.style import GRADE_STYLES, NO_LINK_STYLE, GradeStyle
from layers.render.templates import macros, render
from layers.render.words import WORDING_ADVICE
from layers.render.words import day_label as day_label  # re-exported: the views use it

# The fragments' styles, in static/atlas/ (each template puts in the <style> it needs; these
# are for pages that build their own HTML around the fragments).
PANEL_CSS = style_element("panels.css")
TABLE_CSS = style_element("table.css")
MARKER_CSS = stylesheet("markers.css")  # CSS only: mapview puts it in the map's header


PREVIEW_CHARS = 220  # of the next step's text in the presenter's preview


def esc(value: object) -> str:
    """Escape any value for use as HTML text or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def link_grade_badge(grade: Grade | None) -> str:
    """The North Korean link's grade, with the map's shape for it: what a marker shows."""
    return str(macros("badges.html.j2").link_grade_badge(grade))


def event_grade_badge(grade: Grade) -> str:
    """The event's own grade, in words only (shapes on the map are the link's)."""
    return str(macros("badges.html.j2").event_grade_badge(grade))


def grade_badges(event: Event) -> str:
    """Both grades: the link's (with its kinds) first, then the event's own."""
    return str(macros("badges.html.j2").grade_badges(event))


def link_badges(links: list[LinkType]) -> str:
    return str(macros("badges.html.j2").link_badges(links))


def source_link(source: Source) -> str:
    """The URL as a visible, copyable link (offline, the address itself is the locator)."""
    return str(macros("source.html.j2").source_link(source))


def source_citation(source: Source) -> str:
    """Publisher, title, author, date, document symbol and URL: enough to find the work."""
    return str(macros("source.html.j2").source_citation(source))


def source_short(source: Source) -> str:
    """Publisher, title and date, with the symbol and URL visible: the form for tables."""
    return str(macros("source.html.j2").source_short(source))


def event_item(
    atlas: Atlas, dated: DatedEvent, *, show_sites: bool = False, shapes: bool = True
) -> str:
    """One event: date at its precision, grade, link types, summary, sources. Without the
    grade's shape (an image) where no image may go: a KML balloon."""
    return str(
        macros("event_item.html.j2").event_item(atlas, dated, show_sites=show_sites, shapes=shapes)
    )


def precision_text(site: Site) -> str:
    p = site.props
    if not site.located:
        return "No coordinate known: not on the map."
    radius = p.precision_m or 0
    distance = f"{radius / 1000:g} km" if radius >= 1000 else f"{radius} m"
    return f"within about {distance} ({p.precision_class.value}-level): {p.precision_note}"


#: Events listed in a site's panel. A site of a hostile extra layer may carry 20,000: the
#: panel lists the first ones and says how many more the filters leave out (issue 16).
MAX_PANEL_EVENTS = 200


def site_panel(atlas: Atlas, site: Site, events: list[DatedEvent]) -> str:
    """The detail panel for one site and its shown events, in date order (at most
    `MAX_PANEL_EVENTS` listed, the count of the rest said)."""
    return str(
        render(
            "site_panel.html.j2",
            atlas=atlas,
            site=site,
            events=events[:MAX_PANEL_EVENTS],
            total=len(events),
            precision=precision_text(site),
        )
    )


def events_list(atlas: Atlas, events: list[DatedEvent]) -> str:
    return str(render("events_list.html.j2", atlas=atlas, events=events))


def site_tooltip(site: Site, style: GradeStyle) -> str:
    """Plain text (escaped) naming the site: also how a map click is traced to the site."""
    return esc(f"{site.name} — {style.short}")


def marker_icon_html(site: Site, style: GradeStyle) -> str:
    """A DivIcon body: the grade's shape with the site name and grade as a text label."""
    return str(render("marker_icon.html.j2", site=site, style=style))


def popup_html(atlas: Atlas, site: Site, events: list[DatedEvent]) -> str:
    """A compact popup: what the site is and its shown events with grades and sources."""
    return str(
        render(
            "popup.html.j2", atlas=atlas, site=site, events=events, precision=precision_text(site)
        )
    )


@functools.cache
def legend_html() -> str:
    """The marker key (the same every time: rendered once per process)."""
    return str(render("legend.html.j2", styles=[*GRADE_STYLES.values(), NO_LINK_STYLE]))


def source_order(atlas: Atlas) -> list[Source]:
    """The sources in the order `source_list` numbers them: by publisher, then id."""
    return sorted(atlas.sources.values(), key=lambda s: (s.publisher.lower(), s.id))


def source_numbers(atlas: Atlas) -> dict[str, int]:
    """Source id -> its number in `source_list`: how the printed handout cites a source."""
    return {source.id: number for number, source in enumerate(source_order(atlas), start=1)}


def source_list(atlas: Atlas) -> str:
    """Every source, sorted by publisher, with the events that cite it."""
    cited_by: dict[str, list[str]] = {}
    for dated in atlas.events:
        for source_id in dated.event.source_ids:
            cited_by.setdefault(source_id, []).append(dated.id)
    return str(render("source_list.html.j2", sources=source_order(atlas), cited_by=cited_by))


_TABLE_COLUMNS = (
    ("Date", "12%"),
    ("Site", "13%"),
    ("Event", "34%"),
    ("Evidence (North Korean link · event)", "15%"),
    ("Sources", "26%"),
)


def event_row_html(
    atlas: Atlas,
    dated: DatedEvent,
    highlighted: bool = False,
    notes: Mapping[str, int] | None = None,
) -> Markup:
    """One event's row of `events_table_html` (escaped), from the cells every table of
    events shares (`layers.render.event_row`): the page keeps each row, so a view with other
    filters renders only the rows it has not shown before."""
    return render(
        "events_table_row.html.j2",
        row=event_row(atlas, dated),
        highlighted=highlighted,
        columns=_TABLE_COLUMNS,
        notes=notes,
    )


def events_table_html(
    atlas: Atlas,
    events: list[DatedEvent],
    highlight: set[str] | frozenset[str] = frozenset(),
    *,
    notes: Mapping[str, int] | None = None,
    rows: Sequence[Markup] | None = None,
) -> str:
    """Every shown event as an accessible table; the summary opens on demand; rows in
    `highlight` (a lesson step's events) are marked. With `notes` (`source_numbers` of the
    source list printed beside it) each source also gets its note number, a link to the
    list: the printed handout shows the numbers alone. ``rows``: the events' rows as
    `event_row_html` rendered them, in order (rendered here when not given)."""
    if rows is None:
        rows = [event_row_html(atlas, dated, dated.id in highlight, notes) for dated in events]
    if len(rows) != len(events) or not all(isinstance(row, Markup) for row in rows):
        raise ValueError("rows must be event_row_html's Markup, one per event")
    return str(render("events_table.html.j2", events=events, rows=rows, columns=_TABLE_COLUMNS))


def lesson_step_html(
    atlas: Atlas,
    lesson_title: str,
    index: int,
    count: int,
    title: str,
    text: str,
    citations: list[str],
    image: StepImage | None = None,
) -> str:
    """A lesson step: its place in the lesson, its text, its picture if any, and what each
    claim rests on."""
    return _step(
        "lesson_step.html.j2", atlas, lesson_title, index, count, title, text, citations, image
    )


def stage_step_html(
    atlas: Atlas,
    lesson_title: str,
    index: int,
    count: int,
    title: str,
    text: str,
    citations: list[str],
    image: StepImage | None = None,
) -> str:
    """A lesson step for the projector stage: large type, one line per cited event with the
    map's shape and words for its grade (the class compares them with the markers)."""
    return _step(
        "stage_step.html.j2", atlas, lesson_title, index, count, title, text, citations, image
    )


def _step(
    template: str,
    atlas: Atlas,
    lesson_title: str,
    index: int,
    count: int,
    title: str,
    text: str,
    citations: list[str],
    image: StepImage | None = None,
) -> str:
    """What both step templates are given: the text cut into paragraphs at blank lines, and
    the picture (checked as a PNG or JPEG when its lesson was read; its data is base64, and
    its media type one of two, so the data URL cannot carry markup)."""
    return str(
        render(
            template,
            atlas=atlas,
            lesson_title=lesson_title,
            index=index,
            count=count,
            title=title,
            paragraphs=[part for part in text.split("\n\n") if part.strip()],
            citations=citations,
            events=atlas.events_by_id,
            image=image,
        )
    )


def stage_legend_html() -> str:
    """The marker key in one wrapped line, for the stage (the sidebar's key is hidden there)."""
    return str(render("stage_legend.html.j2", styles=[*GRADE_STYLES.values(), NO_LINK_STYLE]))


def entity_panel(atlas: Atlas, entity: Entity, events: list[DatedEvent]) -> str:
    """An organisation, person or vessel, and every event naming it across sites."""
    return str(render("entity_panel.html.j2", atlas=atlas, entity=entity, events=events))


def event_card(atlas: Atlas, dated: DatedEvent, *, shown: bool) -> str:
    """One event with its sites; says so when the filters hide it."""
    return str(render("event_card.html.j2", atlas=atlas, dated=dated, shown=shown))


def source_card(atlas: Atlas, source: Source, events: list[DatedEvent]) -> str:
    """A source as cited, and the events citing it."""
    return str(render("source_card.html.j2", atlas=atlas, source=source, events=events))


def next_step_html(index: int, count: int, title: str | None, text: str | None) -> str:
    """The presenter's preview of step ``index + 2`` (``title`` None: the last step): its
    title and its text's first words, enough to lead into it."""
    if text is not None:
        text = " ".join(text.split())
        if len(text) > PREVIEW_CHARS:
            text = text[:PREVIEW_CHARS].rsplit(" ", 1)[0] + " …"
    return str(render("next_step.html.j2", index=index, count=count, title=title, text=text))


def class_code_html(code: str, link: str) -> str:
    """A running class's code and follow link, for its presenter."""
    return str(render("class_code.html.j2", code=code, link=link))


def cited_grades_html(atlas: Atlas, citations: list[str]) -> str:
    """The lesson editor's column beside a step's text: each cited event's North Korean
    link grade in words, and how the text may word a claim resting on it."""
    return str(
        render(
            "cited_grades.html.j2",
            citations=citations,
            events=atlas.events_by_id,
            advice=WORDING_ADVICE,
        )
    )
