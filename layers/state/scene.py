"""What one run of the map page shows, computed once: the view, its filters, the events,
the sites and the highlighted events.

The map, the summary, the detail panel, the chronology, the downloads and the citation all
read the same scene, so they cannot disagree about what "shown" means.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from layers.data.filters import Filters, filter_events, sites_shown
from layers.data.lessons import Lesson
from layers.data.model import Atlas, DatedEvent, Site
from layers.data.view import View
from layers.render import table
from layers.state.keys import SITE_KEY
from layers.state.lesson_player import step_highlights
from layers.state.view import from_session


@dataclass(frozen=True)
class Scene:
    atlas: Atlas
    view: View
    filters: Filters
    events: list[DatedEvent]  # in date order
    sites: list[Site]  # located sites with a shown event, in layer order
    highlight: frozenset[str]  # event ids: the lesson step's, and rows picked in the table

    def events_at(self, site_id: str) -> list[DatedEvent]:
        return [dated for dated in self.events if site_id in dated.event.site_ids]


def build_scene(atlas: Atlas, state: Mapping[str, Any], lessons: list[Lesson]) -> Scene:
    """The scene of the session's view (read from session state before the widgets)."""
    view = from_session(state, atlas)
    filters = view.filters()
    events = filter_events(atlas, filters)
    picked = table.selected_event_ids(
        state.get(table.table_key(events, state.get(SITE_KEY))), events
    )
    return Scene(
        atlas=atlas,
        view=view,
        filters=filters,
        events=events,
        sites=sites_shown(atlas, filters, events),
        highlight=frozenset(step_highlights(state, lessons) | picked),
    )
