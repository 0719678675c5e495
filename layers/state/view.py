"""The view in session state: the one codec between session keys and a `View`.

The map is drawn before the sidebar widgets (so the browser starts loading the map
first), which means the view is read from session state, where Streamlit keeps each
widget's value from the previous run; a missing key means the widget was not drawn yet,
so it holds the same default the `View` has. `to_session` seeds the widgets with a view
(a shared link, a lesson step), replacing every field, the entity filter included.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from layers.data.filters import Filters, GradeBasis
from layers.data.model import Atlas
from layers.data.schema import Grade, LinkType
from layers.data.view import View, default_view
from layers.state.keys import (
    BASEMAP_KEY,
    CENTER_KEY,
    ENTITIES_KEY,
    ENTITY_KEY,
    EVENT_CARD_KEY,
    GRADE_BASIS_KEY,
    GRADES_KEY,
    LESSON_KEY,
    LINKS_KEY,
    SITE_KEY,
    SOURCE_CARD_KEY,
    STEP_KEY,
    SYRIA_WIDE_KEY,
    YEARS_KEY,
    ZOOM_KEY,
    layer_key,
)


def to_session(view: View, atlas: Atlas) -> dict[str, Any]:
    """Widget values (by the keys of layers.state.keys) that show the view, to seed
    ``st.session_state`` before the widgets are drawn."""
    state: dict[str, Any] = {
        layer_key(layer.id): view.layers is None or layer.id in view.layers
        for layer in atlas.layers
    }
    state.update(
        {
            SYRIA_WIDE_KEY: view.syria_wide,
            YEARS_KEY: tuple(view.years),
            LINKS_KEY: [link for link in LinkType if link in view.link_types],
            GRADES_KEY: [grade for grade in Grade if grade in view.grades],
            GRADE_BASIS_KEY: view.grade_basis,
            ENTITIES_KEY: sorted(view.entities or ()),
            BASEMAP_KEY: view.basemap,
            SITE_KEY: view.site,
            ENTITY_KEY: view.entity,
            EVENT_CARD_KEY: view.event,
            SOURCE_CARD_KEY: view.source,
            LESSON_KEY: view.lesson,
            STEP_KEY: view.step_index,
            CENTER_KEY: view.center,
            ZOOM_KEY: view.zoom,
        }
    )
    return state


def from_session(state: Mapping[str, Any], atlas: Atlas) -> View:
    """The view the widgets show (or will show, on a first run)."""
    default = default_view()
    layer_ids = [layer.id for layer in atlas.layers]
    shown = frozenset(i for i in layer_ids if state.get(layer_key(i), True))
    first, last = state.get(YEARS_KEY, default.years)
    center = state.get(CENTER_KEY)
    zoom = state.get(ZOOM_KEY)
    entities = frozenset(e for e in state.get(ENTITIES_KEY) or () if e in atlas.entities)
    entity = state.get(ENTITY_KEY)
    return View(
        layers=None if shown == frozenset(layer_ids) else shown,
        syria_wide=bool(state.get(SYRIA_WIDE_KEY, True)),
        years=(int(first), int(last)),
        link_types=frozenset(LinkType(v) for v in state.get(LINKS_KEY, list(LinkType))),
        grades=frozenset(Grade(v) for v in state.get(GRADES_KEY, list(Grade))),
        grade_basis=grade_basis_from_state(state),
        entities=entities or None,  # none chosen: no entity filter
        site=state.get(SITE_KEY) if state.get(SITE_KEY) in atlas.sites else None,
        entity=entity if entity in atlas.entities else None,
        event=_known(state.get(EVENT_CARD_KEY), atlas.events_by_id),
        source=_known(state.get(SOURCE_CARD_KEY), atlas.sources),
        lesson=state.get(LESSON_KEY),
        step_index=state.get(STEP_KEY),
        basemap=str(state.get(BASEMAP_KEY, default.basemap)),
        center=(float(center[0]), float(center[1])) if center is not None else None,
        zoom=float(zoom) if zoom is not None else None,
    )


def filters_from_state(state: Mapping[str, Any], atlas: Atlas) -> Filters:
    """The filters the widgets show: the session's view, filtered."""
    return from_session(state, atlas).filters()


def grade_basis_from_state(state: Mapping[str, Any]) -> GradeBasis:
    """Which grade the evidence-grade filter reads: "link" (the default) or "event"."""
    return "event" if state.get(GRADE_BASIS_KEY) == "event" else "link"


def basemap_from_state(state: Mapping[str, Any]) -> str:
    return str(state.get(BASEMAP_KEY, default_view().basemap))


def _known(value: object, ids: Collection[str]) -> str | None:
    """The id if the atlas has it (the session may hold one from a removed upload)."""
    return value if isinstance(value, str) and value in ids else None
