"""Which events and sites the current filters show.

Filtering happens on the server in plain Python: the data is small and this keeps the
map, the chronology and (later) exports in agreement about what "shown" means.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from layers.data.model import Atlas, DatedEvent, Site
from layers.data.schema import Event, Grade, LinkType

GradeBasis = Literal["link", "event"]
FIRST_YEAR = 1966  # DPRK–Syria diplomatic relations, the earliest event in the dataset


def last_year() -> int:
    return dt.date.today().year


@dataclass(frozen=True)
class Filters:
    """The filter state of one view; every field has a show-everything default."""

    layer_ids: frozenset[str] | None = None  # None: every layer
    syria_wide: bool = True
    first_year: int = FIRST_YEAR
    last_year: int | None = None  # None: up to today
    link_types: frozenset[LinkType] = frozenset(LinkType)
    grades: frozenset[Grade] = frozenset(Grade)
    # Which grade `grades` reads: the North Korean link's (events with no link pass, and are
    # shown or hidden by the "none documented" link type), or the event's own.
    grade_basis: GradeBasis = "link"
    site_ids: frozenset[str] | None = None  # None: every site; else events at one of these
    entity_ids: frozenset[str] | None = None  # None: all; else events naming one of these
    # A day within first_year / last_year, for exports asked for by date (`--from 2017-03`).
    first_day: dt.date | None = None
    last_day: dt.date | None = None

    def date_span(self) -> tuple[dt.date, dt.date]:
        first = self.first_day or dt.date(self.first_year, 1, 1)
        return first, self.last_day or dt.date(self.last_year or last_year(), 12, 31)


def event_matches(atlas: Atlas, dated: DatedEvent, filters: Filters) -> bool:
    """True when the event passes the date, link-type, grade, site and layer filters."""
    event = dated.event
    first, last = filters.date_span()
    if not dated.when.overlaps(first, last):
        return False
    if not grade_matches(event, filters):
        return False
    if not any(link in filters.link_types for link in event.link_types):
        return False
    if filters.site_ids is not None and filters.site_ids.isdisjoint(event.site_ids):
        return False
    if filters.entity_ids is not None and filters.entity_ids.isdisjoint(event.entity_ids):
        return False
    if dated.syria_wide:
        return filters.syria_wide
    if filters.layer_ids is None:
        return True
    return any(atlas.layer_of_site.get(s) in filters.layer_ids for s in event.site_ids)


def grade_matches(event: Event, filters: Filters) -> bool:
    """The grade filter, read on the grade the filters name."""
    if filters.grade_basis == "event":
        return event.grade in filters.grades
    return event.link_grade is None or event.link_grade in filters.grades


def filter_events(atlas: Atlas, filters: Filters) -> list[DatedEvent]:
    """The events the view shows, in date order."""
    return [dated for dated in atlas.events if event_matches(atlas, dated, filters)]


def sites_shown(atlas: Atlas, filters: Filters, events: list[DatedEvent]) -> list[Site]:
    """Located sites in the chosen layers (and sites) that have at least one shown event."""
    with_events = {site_id for dated in events for site_id in dated.event.site_ids}
    return [
        site
        for layer in atlas.layers
        if layer.info.mapped and (filters.layer_ids is None or layer.id in filters.layer_ids)
        for site in layer.sites
        if site.located
        and site.id in with_events
        and (filters.site_ids is None or site.id in filters.site_ids)
    ]
