"""The view's state: widget keys, their defaults, and the filters they amount to.

The map is drawn before the sidebar widgets (so the browser starts loading the map
first), which means the filters are read from session state, where Streamlit keeps
each widget's value from the previous run, falling back to the same defaults the
widgets are created with.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from layers.data.filters import FIRST_YEAR, Filters, GradeBasis, last_year
from layers.data.model import Atlas
from layers.data.schema import Grade, LinkType
from layers.map.basemap import OFFLINE

SYRIA_WIDE_KEY = "syria-wide"
YEARS_KEY = "years"
LINKS_KEY = "links"
GRADES_KEY = "grades"
GRADE_BASIS_KEY = "grade-basis"
BASEMAP_KEY = "basemap"
ENTITIES_KEY = "entities"


def layer_key(layer_id: str) -> str:
    return f"layer-{layer_id}"


def default_years() -> tuple[int, int]:
    return FIRST_YEAR, last_year()


def filters_from_state(state: Mapping[str, Any], atlas: Atlas) -> Filters:
    """The filters the widgets show (or will show, on a first run)."""
    first, last = state.get(YEARS_KEY, default_years())
    return Filters(
        layer_ids=frozenset(
            layer.id for layer in atlas.layers if state.get(layer_key(layer.id), True)
        ),
        syria_wide=bool(state.get(SYRIA_WIDE_KEY, True)),
        first_year=int(first),
        last_year=int(last),
        link_types=frozenset(state.get(LINKS_KEY, list(LinkType))),
        grades=frozenset(state.get(GRADES_KEY, list(Grade))),
        grade_basis=grade_basis_from_state(state),
        entity_ids=frozenset(state.get(ENTITIES_KEY) or ()) or None,  # none chosen: all
    )


def grade_basis_from_state(state: Mapping[str, Any]) -> GradeBasis:
    """Which grade the evidence-grade filter reads: "link" (the default) or "event"."""
    return "event" if state.get(GRADE_BASIS_KEY) == "event" else "link"


def basemap_from_state(state: Mapping[str, Any]) -> str:
    return str(state.get(BASEMAP_KEY, OFFLINE))
