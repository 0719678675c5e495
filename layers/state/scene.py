"""What one run of the map page shows, computed once: the view, its filters, the events,
the sites and the highlighted events.

The map, the summary, the detail panel, the chronology, the downloads and the citation all
read the same scene, so they cannot disagree about what "shown" means.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from layers.data.filters import Filters, filter_events, sites_shown
from layers.data.lessons import Lesson
from layers.data.model import Atlas, DatedEvent, Site
from layers.data.view import View
from layers.render import table
from layers.state.keys import EVENTS_VIEW_KEY, SITE_KEY, SORTABLE_TABLE
from layers.state.lesson_player import step_highlights
from layers.state.memo import kept
from layers.state.view import from_session


@dataclass(frozen=True)
class Scene:
    atlas: Atlas
    view: View
    filters: Filters
    events: list[DatedEvent]  # in date order
    sites: list[Site]  # located sites with a shown event, in layer order
    highlight: frozenset[str]  # event ids: the lesson step's, and rows picked in the table
    # The events' ids in order: with the atlas, a key for the parts that show them.
    event_ids: tuple[str, ...]

    @cached_property
    def site_ids(self) -> tuple[str, ...]:
        return tuple(site.id for site in self.sites)

    def events_at(self, site_id: str) -> list[DatedEvent]:
        return [dated for dated in self.events if site_id in dated.event.site_ids]


def table_picks(state: Mapping[str, Any], events: list[DatedEvent]) -> set[str]:
    """Event ids of the rows picked in the sortable table, as the table is drawn in this
    run: none while the timeline is shown (a hidden table's last picks must not ring
    sites), and the chosen site's rows when the table gets a new key (other events,
    another site), since that is the selection it is drawn with."""
    if state.get(EVENTS_VIEW_KEY) != SORTABLE_TABLE or not events:
        return set()
    site_id = state.get(SITE_KEY)
    key = table.table_key(events, site_id)
    if key in state:
        return table.selected_event_ids(state[key], events)
    return {events[i].id for i in table.rows_at_site(events, site_id)}


def _shown(
    atlas: Atlas, filters: Filters
) -> tuple[tuple[DatedEvent, ...], tuple[Site, ...], tuple[str, ...]]:
    events = filter_events(atlas, filters)
    sites = sites_shown(atlas, filters, events)
    return tuple(events), tuple(sites), tuple(dated.id for dated in events)


def build_scene(atlas: Atlas, state: Mapping[str, Any], lessons: list[Lesson]) -> Scene:
    """The scene of the session's view (read from session state before the widgets). The
    events and sites a filter shows are kept with the atlas (filtering 20,000 events took
    ~60 ms a rerun); each scene gets its own copy of the lists."""
    view = from_session(state, atlas)
    filters = view.filters()
    shown, located, ids = kept(atlas, ("shown", filters), lambda: _shown(atlas, filters))
    events, sites = list(shown), list(located)
    picked = table_picks(state, events)
    return Scene(
        atlas=atlas,
        view=view,
        filters=filters,
        events=events,
        sites=sites,
        highlight=frozenset(step_highlights(state, lessons) | picked),
        event_ids=ids,
    )
