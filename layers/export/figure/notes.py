"""The words a figure carries: numbered source notes, each site's key line, the highlighted
events and the caption. Plain text, no drawing (the other modules of `layers.export.figure`).

Why apart: the slides (`layers.export.slides`) cite the same notes under each step, and
tests read these words without drawing anything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from layers.data.filters import Filters
from layers.data.model import Atlas, DatedEvent, Site
from layers.data.schema import Source
from layers.export.provenance import filters_text, utc_stamp
from layers.map.basemap import ATTRIBUTION
from layers.render.style import both_grades_words, events_by_site, plural, site_style
from layers.render.words import citation_text, day_label


@dataclass(frozen=True)
class Notes:
    """The sources of the shown events, numbered from 1 in the order a reader meets them:
    site by site (in the map's layer order), then the events at no mapped site."""

    sources: tuple[Source, ...]
    number: dict[str, int]  # source id -> its note number

    def refs(self, events: list[DatedEvent]) -> str:
        """The note numbers the events cite, as ranges: '1–3, 7'."""
        found = {self.number[s] for d in events for s in d.event.source_ids if s in self.number}
        return number_ranges(sorted(found))

    def lines(self) -> list[str]:
        """'1. Publisher, Title, date, …' for each note."""
        return [f"{i}. {citation_text(s)}" for i, s in enumerate(self.sources, start=1)]


def number_ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7] -> '1–3, 7'."""
    parts: list[str] = []
    start = prev = None
    for n in [*numbers, None]:
        if start is not None and (n is None or n != prev + 1):  # type: ignore[operator]
            parts.append(str(start) if start == prev else f"{start}–{prev}")
            start = None
        if n is not None and start is None:
            start = n
        prev = n
    return ", ".join(parts)


def number_sources(atlas: Atlas, sites: list[Site], events: list[DatedEvent]) -> Notes:
    """Number every source the shown events cite, site by site, then the rest."""
    grouped = events_by_site(events)
    ordered = [d for site in sites for d in grouped.get(site.id, [])] + list(events)
    number: dict[str, int] = {}
    for dated in ordered:
        for source_id in dated.event.source_ids:
            if source_id in atlas.sources and source_id not in number:
                number[source_id] = len(number) + 1
    return Notes(tuple(atlas.sources[s] for s in number), number)


def site_key(site: Site, events: list[DatedEvent], notes: Notes) -> str:
    """'Al Kibar suspected reactor site: official finding; 12 events; within about 1 km
    (site-level); notes 1–9': what a marker says, in words."""
    style = site_style(events)
    refs = notes.refs(events)
    radius = site.props.precision_m or 0
    distance = f"{radius / 1000:g} km" if radius >= 1000 else f"{radius} m"
    return (
        f"{site.name}: {style.short}; {plural(len(events), 'event')}; within about {distance} "
        f"({site.props.precision_class.value}-level)" + (f"; notes {refs}" if refs else "")
    )


def event_line(dated: DatedEvent, notes: Notes | None = None) -> str:
    """'6 September 2007: title (Event: government statement · North Korean link: not
    addressed) [notes 3, 4]': an event with its date and both grades in words."""
    event = dated.event
    refs = notes.refs([dated]) if notes else ""
    return (
        f"{dated.when.label()}: {event.title} "
        f"({both_grades_words(event.grade, event.link_grade)})"
        + (f" [notes {refs}]" if refs else "")
    )


def caption_text(
    atlas: Atlas,
    filters: Filters,
    events: list[DatedEvent],
    sites: list[Site],
    drawn_at: dt.datetime,
) -> str:
    """Filters, counts, dataset version and the date: how to reproduce the figure."""
    elsewhere = sum(1 for d in events if not any(s.id in d.event.site_ids for s in sites))
    mapped = f"{plural(len(sites), 'site')} on the map, {plural(len(events), 'event')}"
    if elsewhere:
        mapped += f" ({elsewhere} at no mapped site: Syria-wide, unlocated or filtered out)"
    info = atlas.info
    return (
        f"Filters: {filters_text(atlas, filters)}. Shown: {mapped}. "
        f"Dataset: {info.title}, version {info.version} (released {day_label(info.released)}), "
        f"{info.licence.split(' (')[0]}. Drawn {day_label(drawn_at.date())} "
        f"({utc_stamp(drawn_at)}). {ATTRIBUTION}."
    )
