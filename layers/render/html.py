"""HTML fragments for tooltips, popups, panels and the legend.

This is the one place where data becomes HTML, and every piece of text from a data file
passes through `esc` here: a title like `<script>` shows as text and never runs.
"""

from __future__ import annotations

import datetime as dt
import html

from layers.data.model import Atlas, DatedEvent, Site
from layers.data.schema import Entity, Event, Grade, LinkType, Source, UrlKind
from layers.render.frontend import style_element, stylesheet
from layers.render.style import (
    GRADE_STYLES,
    LINK_COLOURS,
    LINK_LABELS,
    NO_LINK_STYLE,
    GradeStyle,
    both_grades_words,
    symbol_svg,
)
from layers.render.words import number_words, source_date_words, url_kind_words

# The fragments' styles, in static/atlas/ (each fragment carries the <style> it needs).
PANEL_CSS = style_element("panels.css")
TABLE_CSS = style_element("table.css")
MARKER_CSS = stylesheet("markers.css")  # CSS only: mapview puts it in the map's header


def day_label(day: dt.date) -> str:
    """A review date as people write it: 26 November 2026."""
    return f"{day.day} {day:%B %Y}"


def esc(value: object) -> str:
    """Escape any value for use as HTML text or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def link_grade_badge(grade: Grade | None) -> str:
    """The North Korean link's grade, with the map's shape for it: what a marker shows."""
    style = GRADE_STYLES[grade] if grade is not None else NO_LINK_STYLE
    words = GRADE_STYLES[grade].label if grade is not None else "not addressed"
    cls = "atlas-badge dashed" if style.dashed else "atlas-badge"
    return (
        f'<span class="{cls}" title="Grade of the evidence of a North Korean link">'
        f"{symbol_svg(style, 12)}North Korean link: {esc(words)}</span>"
    )


def event_grade_badge(grade: Grade) -> str:
    """The event's own grade, in words only (shapes on the map are the link's)."""
    return (
        f'<span class="atlas-badge atlas-event-grade" title="Grade of the event itself">'
        f"Event: {esc(GRADE_STYLES[grade].label)}</span>"
    )


def grade_badges(event: Event) -> str:
    """Both grades: the link's (with its kinds) first, then the event's own."""
    return (
        f"{link_grade_badge(event.link_grade)} {link_badges(event.nk_link.types)} "
        f"{event_grade_badge(event.grade)}"
    )


def link_badges(links: list[LinkType]) -> str:
    return " ".join(
        f'<span class="atlas-link" style="border-left-color:{LINK_COLOURS[link]}" '
        f'title="Kind of North Korean link">{esc(LINK_LABELS[link])}</span>'
        for link in links
    )


def _title_html(source: Source) -> str:
    if source.title:
        return f"<cite>{esc(source.title)}</cite>"
    return (
        f'{esc(source.description)} <span class="atlas-muted" title="{esc(source.title_note)}">'
        "(title unknown)</span>"
    )


def source_link(source: Source) -> str:
    """The URL as a visible, copyable link (offline, the address itself is the locator)."""
    if not source.url:
        return ""
    kind = url_kind_words(source)
    return (
        f'<a class="atlas-url" href="{esc(source.url)}" target="_blank" '
        f'rel="noopener noreferrer">{esc(source.url)}</a>'
        + (f' <span class="atlas-muted">({esc(kind)})</span>' if kind else "")
    )


def source_citation(source: Source) -> str:
    """Publisher, title, author, date, document symbol and URL: enough to find the work."""
    parts = [f"{esc(source.publisher)}, {_title_html(source)}"]
    if source.author:
        parts.append(f"by {esc(source.author)}")
    parts.append(esc(source_date_words(source)))
    number = number_words(source)
    if number:
        parts.append(f'<span class="atlas-symbol">{esc(number)}</span>')
    text = ", ".join(parts)
    if source.url:
        text += f" — {source_link(source)}"
    if source.via and source.url_kind not in (UrlKind.RELAY, UrlKind.ARCHIVE):
        text += f' <span class="atlas-muted">(read via {esc(source.via)})</span>'
    if not source.has_locator:
        text += (
            f' <span class="atlas-muted">No link or document number found: '
            f"{esc(source.locator_note)}</span>"
        )
    return text


def event_item(atlas: Atlas, dated: DatedEvent, *, show_sites: bool = False) -> str:
    """One event: date at its precision, grade, link types, summary, sources."""
    event = dated.event
    head = f'<span class="atlas-date">{esc(dated.when.label())}</span> {grade_badges(event)}'
    where = ""
    if show_sites:
        names = [atlas.site_label(s) for s in event.site_ids] or ["Syria-wide"]
        where = f'<div class="atlas-muted">{esc("; ".join(names))}</div>'
    notes = "".join(
        f'<div class="atlas-muted">{esc(label)}: {esc(text)}</div>'
        for label, text in (
            ("Date", event.date_note),
            ("North Korean link", event.nk_link.note),
            ("Event grade", event.grade_note),
            ("Last reviewed", day_label(event.last_reviewed)),
        )
        if text
    )
    caveat = f'<div class="atlas-caveat">{esc(event.caveat)}</div>' if event.caveat else ""
    sources = "".join(
        f"<li>{source_citation(atlas.sources[s])}</li>"
        for s in event.source_ids
        if s in atlas.sources
    )
    return (
        f'<li class="atlas-event" data-event-id="{esc(event.id)}">'
        f'<div class="atlas-event-head">{head}</div>'
        f"<strong>{esc(event.title)}</strong>{where}<div>{esc(event.summary)}</div>"
        f'{notes}{caveat}<div class="atlas-muted">Sources:</div>'
        f'<ol class="atlas-sources">{sources}</ol></li>'
    )


def precision_text(site: Site) -> str:
    p = site.props
    if not site.located:
        return "No coordinate known: not on the map."
    radius = p.precision_m or 0
    distance = f"{radius / 1000:g} km" if radius >= 1000 else f"{radius} m"
    return f"within about {distance} ({p.precision_class.value}-level): {p.precision_note}"


def site_panel(atlas: Atlas, site: Site, events: list[DatedEvent]) -> str:
    """The detail panel for one site and its shown events, in date order."""
    p = site.props
    names = ", ".join(p.alt_names)
    arabic = f' <span lang="ar" dir="rtl">{esc(p.name_ar)}</span>' if p.name_ar else ""
    coordinate = f"{site.lat:.5f}° N, {site.lon:.5f}° E" if site.located else "none"
    caveat = f'<div class="atlas-caveat">{esc(p.caveat)}</div>' if p.caveat else ""
    items = "".join(event_item(atlas, e) for e in events)
    listing = (
        f'<ol class="atlas-events" aria-label="Events at this site">{items}</ol>'
        if items
        else "<p>No event at this site matches the current filters.</p>"
    )
    return (
        f'{PANEL_CSS}<section class="atlas-panel" aria-label="Site details" '
        f'data-site-id="{esc(site.id)}">'
        f"<h3>{esc(p.name)}{arabic}</h3>"
        f'<div class="atlas-muted">Also: {esc(names) or "—"}</div>'
        f"<p>{esc(p.description)}</p>{caveat}"
        f'<div class="atlas-muted">Coordinate: {esc(coordinate)}, '
        f"{esc(precision_text(site))} Source: {esc(p.coordinate_source)} Last reviewed "
        f"{esc(day_label(p.last_reviewed))}; dataset version {esc(atlas.info.version)}.</div>"
        f"<div><strong>{len(events)} event(s) shown</strong></div>{listing}</section>"
    )


def events_list(atlas: Atlas, events: list[DatedEvent]) -> str:
    items = "".join(event_item(atlas, e, show_sites=True) for e in events)
    return f'{PANEL_CSS}<ol class="atlas-events atlas-panel">{items}</ol>'


def site_tooltip(site: Site, style: GradeStyle) -> str:
    """Plain text (escaped) naming the site: also how a map click is traced to the site."""
    return esc(f"{site.name} — {style.short}")


def marker_icon_html(site: Site, style: GradeStyle) -> str:
    """A DivIcon body: the grade's shape with the site name and grade as a text label."""
    return (
        f'<div class="atlas-marker" data-site-id="{esc(site.id)}">{symbol_svg(style, 22)}'
        f'<span class="atlas-marker-label">{esc(site.label)}<br>'
        f"<em>{esc(style.short)}</em></span></div>"
    )


def popup_html(atlas: Atlas, site: Site, events: list[DatedEvent]) -> str:
    """A compact popup: what the site is and its shown events with grades and sources."""
    rows = "".join(
        f"<li><b>{esc(e.when.label())}</b> · {esc(e.event.title)}<br>"
        f"<small>{esc(both_grades_words(e.event.grade, e.event.link_grade))}<br>"
        f"Sources: {esc(_publishers(atlas, e))}</small></li>"
        for e in events
    )
    return (
        f'<div class="atlas-popup" style="max-width:320px;font:13px/1.35 sans-serif">'
        f"<b>{esc(site.name)}</b><br><small>{esc(precision_text(site))}</small>"
        f'<ol style="padding-left:1.1em;margin:.4em 0">{rows}</ol>'
        f"<small>Full details in the chronology below the map. Dataset "
        f"{esc(atlas.info.version)}; site last reviewed {esc(day_label(site.props.last_reviewed))}"
        f".</small></div>"
    )


def _publishers(atlas: Atlas, dated: DatedEvent) -> str:
    return "; ".join(
        atlas.sources[s].publisher for s in dated.event.source_ids if s in atlas.sources
    )


def legend_html() -> str:
    items = "".join(
        f"<li>{symbol_svg(style, 16)}<span>{esc(style.label)}</span></li>"
        for style in [*GRADE_STYLES.values(), NO_LINK_STYLE]
    )
    return (
        f'{PANEL_CSS}<div class="atlas-panel atlas-legend-box"><strong>Marker shape = strongest '
        f"evidence of a North Korean link among the shown events</strong>"
        f'<ul class="atlas-legend">{items}</ul><div class="atlas-muted">Graded on the link, not '
        "on the event: an IAEA finding about the building that says nothing of North Korea "
        "does not make the link an official finding. Dashed ring = coordinate precision."
        "</div></div>"
    )


def source_list(atlas: Atlas) -> str:
    """Every source, sorted by publisher, with the events that cite it."""
    cited_by: dict[str, list[str]] = {}
    for dated in atlas.events:
        for source_id in dated.event.source_ids:
            cited_by.setdefault(source_id, []).append(dated.id)
    items = "".join(
        f'<li id="source-{esc(s.id)}">{source_citation(s)} '
        f'<span class="atlas-muted">[{esc(s.id)}; cited by '
        f"{esc(', '.join(cited_by.get(s.id, [])) or 'no shown event')}]</span></li>"
        for s in sorted(atlas.sources.values(), key=lambda s: (s.publisher.lower(), s.id))
    )
    return f'{PANEL_CSS}<ol class="atlas-panel atlas-sources">{items}</ol>'


_TABLE_COLUMNS = (
    ("Date", "12%"),
    ("Site", "13%"),
    ("Event", "34%"),
    ("Evidence (North Korean link · event)", "15%"),
    ("Sources", "26%"),
)


def source_short(source: Source) -> str:
    """Publisher, title and date, with the symbol and URL visible: the form for tables."""
    number = number_words(source)
    parts = [
        f"{esc(source.publisher)}: {_title_html(source)}",
        esc(source_date_words(source)),
        *([f'<span class="atlas-symbol">{esc(number)}</span>'] if number else []),
    ]
    text = ", ".join(parts)
    return f"{text} — {source_link(source)}" if source.url else text


def events_table_html(
    atlas: Atlas, events: list[DatedEvent], highlight: set[str] | frozenset[str] = frozenset()
) -> str:
    """Every shown event as an accessible table; the summary opens on demand; rows in
    `highlight` (a lesson step's events) are marked."""

    def marked(event_id: str) -> str:
        return ' class="atlas-highlight"' if event_id in highlight else ""

    rows = []
    for dated in events:
        event = dated.event
        sites = "; ".join(atlas.site_label(s) for s in event.site_ids) or "Syria-wide"
        sources = "<br>".join(
            source_short(atlas.sources[s]) for s in event.source_ids if s in atlas.sources
        )
        rows.append(
            f'<tr id="event-{esc(event.id)}" data-event-id="{esc(event.id)}"{marked(event.id)}>'
            f"<td>{esc(dated.when.label())}</td><td>{esc(sites)}</td>"
            f"<td><strong>{esc(event.title)}</strong>"
            f"<details><summary>Summary</summary>{esc(event.summary)}</details></td>"
            f"<td>{grade_badges(event)}</td>"
            f"<td>{sources}</td></tr>"
        )
    columns = "".join(f'<col style="width:{width}">' for _, width in _TABLE_COLUMNS)
    head = "".join(f'<th scope="col">{label}</th>' for label, _ in _TABLE_COLUMNS)
    return (
        f'{PANEL_CSS}{TABLE_CSS}<table class="atlas-table"><caption>{len(events)} events shown, '
        f"in date order</caption><colgroup>{columns}</colgroup><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def lesson_step_html(
    atlas: Atlas,
    lesson_title: str,
    index: int,
    count: int,
    title: str,
    text: str,
    citations: list[str],
    large: bool = False,
) -> str:
    """A lesson step: its place in the lesson, its text, and what each claim rests on."""
    cited = []
    events = {dated.id: dated for dated in atlas.events}
    for ref in citations:
        if ref in events:
            dated = events[ref]
            cited.append(
                f"<li>{esc(dated.when.label())} {grade_badges(dated.event)} "
                f"{esc(dated.event.title)} <span class='atlas-muted'>[{esc(ref)}]"
                f"</span></li>"
            )
        elif ref in atlas.sources:
            cited.append(f"<li>{source_short(atlas.sources[ref])}</li>")
    size = "font-size:1.35rem" if large else ""
    paragraphs = "".join(f"<p>{esc(part)}</p>" for part in text.split("\n\n") if part.strip())
    return (
        f'{PANEL_CSS}<section class="atlas-panel atlas-step" aria-label="Lesson step" '
        f'style="{size}"><div class="atlas-muted">{esc(lesson_title)} · step {index + 1} of '
        f"{count}</div><h3>{esc(title)}</h3>{paragraphs}"
        f'<div class="atlas-muted">Based on:</div><ul class="atlas-sources">{"".join(cited)}'
        f"</ul></section>"
    )


def entity_panel(atlas: Atlas, entity: Entity, events: list[DatedEvent]) -> str:
    """An organisation, person or vessel, and every event naming it across sites."""
    names = ", ".join(entity.alt_names)
    other = "".join(
        f' <span lang="{lang}">{esc(name)}</span>'
        for lang, name in (("ar", entity.name_ar), ("ko", entity.name_ko))
        if name
    )
    items = "".join(event_item(atlas, e, show_sites=True) for e in events)
    return (
        f'{PANEL_CSS}<section class="atlas-panel" aria-label="Entity details" '
        f'data-entity-id="{esc(entity.id)}"><h3>{esc(entity.name)}{other}</h3>'
        f'<div class="atlas-muted">{esc(entity.kind.value)}'
        f"{' · ' + esc(entity.country) if entity.country else ''}"
        f"{' · also: ' + esc(names) if names else ''}</div>"
        f"<p>{esc(entity.description)}</p>"
        f"<div><strong>{len(events)} event(s) name it</strong></div>"
        f'<ol class="atlas-events">{items}</ol></section>'
    )
