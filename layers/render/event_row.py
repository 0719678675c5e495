"""What every table of events says of one event: the one definition of "an event's row".

Three tables show events: the HTML table on the page and in the offline bundle
(`layers.render.html.events_table_html`), the sortable table (`layers.render.table`) and the
exports' rows (`layers.export.table`). Each builds its cells from an `EventRow`, so the
wording of a column (the date at its precision, the sites or "Syria-wide", the grades in
words, which sources are cited) is decided here once and cannot drift between them. Each
table then lays the cells out in its own form: HTML badges and links, one text cell, or one
row per site with lists kept as lists.
"""

from __future__ import annotations

from dataclasses import dataclass

from layers.data.model import SYRIA_WIDE, Atlas, DatedEvent
from layers.data.schema import Event, Source
from layers.render.style import GRADE_STYLES, link_words
from layers.render.words import citation_text


@dataclass(frozen=True)
class RowSite:
    """One of the event's sites: its id, its full name and its short name (as on the map).
    A site no loaded layer holds is named "<id> (not loaded)"."""

    id: str
    name: str
    short: str


@dataclass(frozen=True)
class EventRow:
    """The cells every table of events makes of one event, in words."""

    dated: DatedEvent
    #: The date at its precision: "6 September 2007", "March 2017", "2013".
    date: str
    #: The event's sites in its own order; empty for a Syria-wide event.
    sites: tuple[RowSite, ...]
    title: str
    #: The North Korean link: its grade and kinds, "reported (nuclear)", or "not addressed".
    link: str
    #: The event's own grade: "Reported (credible outlets)".
    grade: str
    #: The cited sources the atlas holds, in the event's order (an unresolved id is left out).
    sources: tuple[Source, ...]

    @property
    def event(self) -> Event:
        return self.dated.event

    @property
    def site_text(self) -> str:
        """The sites' full names joined by "; ", or "Syria-wide"."""
        return "; ".join(site.name for site in self.sites) or SYRIA_WIDE

    @property
    def citations(self) -> list[str]:
        """Each source as one line of plain text (`citation_text`), for cells without HTML."""
        return [citation_text(source) for source in self.sources]


def event_row(atlas: Atlas, dated: DatedEvent) -> EventRow:
    """The row of one shown event (its sites and sources looked up in `atlas`)."""
    event = dated.event
    return EventRow(
        dated=dated,
        date=dated.when.label(),
        sites=tuple(
            RowSite(site_id, atlas.site_label(site_id), atlas.short_label(site_id))
            for site_id in event.site_ids
        ),
        title=event.title,
        link=link_words(event),
        grade=GRADE_STYLES[event.grade].label,
        sources=tuple(atlas.sources[s] for s in event.source_ids if s in atlas.sources),
    )
