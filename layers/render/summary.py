"""A plain-text summary of the current view, for screen readers and for anyone reading
the page without the map: what is shown, how many events, of which grades and links."""

from __future__ import annotations

from collections import Counter

from layers.data.filters import Filters, last_year
from layers.data.model import Atlas, DatedEvent, Site
from layers.render.style import (
    GRADE_STYLES,
    LINK_LABELS,
    events_by_site,
    link_grade_words,
    plural,
    site_style,
)


def _count(counter: Counter, labels: dict) -> str:
    return ", ".join(f"{counter[key]} {labels[key]}" for key in labels if counter[key])


def view_summary(
    atlas: Atlas, filters: Filters, events: list[DatedEvent], sites: list[Site]
) -> str:
    """Sentences describing the view: counts, years, grades, link types, and each site."""
    if not events:
        return "No event matches the current filters, so the map shows no site."
    years = f"{filters.first_year} to {filters.last_year or last_year()}"
    located = sum(1 for site in atlas.sites.values() if site.located)
    link_grades = Counter(e.event.link_grade for e in events)
    grades = Counter(e.event.grade for e in events)
    links = Counter(link for e in events for link in e.event.link_types)
    grade_labels = {grade: style.short for grade, style in GRADE_STYLES.items()}
    link_labels = {**grade_labels, None: link_grade_words(None)}
    syria_wide = sum(1 for e in events if e.syria_wide)
    parts = [
        f"Showing {plural(len(events), 'event')} from {years}: "
        f"{len(sites)} of {located} mapped sites"
        + (f", and {plural(syria_wide, 'Syria-wide event')}." if syria_wide else "."),
        f"Evidence of a North Korean link: {_count(link_grades, link_labels)}.",
        f"Kinds of link: {_count(links, LINK_LABELS)}.",
        f"The events themselves: {_count(grades, grade_labels)}.",
    ]
    grouped = events_by_site(events)
    for site in sites:
        shown = grouped.get(site.id, [])
        parts.append(
            f"{site.name}: {plural(len(shown), 'event')}; marker shows {site_style(shown).short}."
        )
    return " ".join(parts)
