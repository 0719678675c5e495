"""The whole view as one frozen record: what a shared link, a citation or a lesson step
restores, and what the filters are.

The record is pure data (no Streamlit, no URL syntax). `layers.state.url` reads and writes
it as URL parameters, `layers.state.view` as session-state keys; lessons produce one; and
`View.filters()` is the one way from a view to the events it shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from layers.data.filters import FIRST_YEAR, Filters, GradeBasis, last_year
from layers.data.geo import OFFLINE
from layers.data.schema import Grade, LinkType


def default_years() -> tuple[int, int]:
    return FIRST_YEAR, last_year()


@dataclass(frozen=True)
class View:
    """Everything a view shows. ``step_index`` counts from 0 (the URL counts from 1)."""

    layers: frozenset[str] | None = None  # None: every layer
    syria_wide: bool = True
    years: tuple[int, int] = field(default_factory=default_years)
    link_types: frozenset[LinkType] = frozenset(LinkType)
    grades: frozenset[Grade] = frozenset(Grade)
    grade_basis: GradeBasis = "link"
    entities: frozenset[str] | None = None  # None: no entity filter
    site: str | None = None
    entity: str | None = None  # the entity whose panel is open
    event: str | None = None  # the event whose card is open
    source: str | None = None  # the source whose card is open
    lesson: str | None = None
    step_index: int | None = None  # None with a lesson: its first step
    basemap: str = OFFLINE
    center: tuple[float, float] | None = None  # (latitude, longitude)
    zoom: float | None = None

    def filters(self) -> Filters:
        """The atlas filters the view puts in force."""
        return Filters(
            layer_ids=self.layers,
            syria_wide=self.syria_wide,
            first_year=self.years[0],
            last_year=self.years[1],
            link_types=self.link_types,
            grades=self.grades,
            grade_basis=self.grade_basis,
            entity_ids=self.entities,
        )


def default_view() -> View:
    """The view of the bare URL (years run to the current year)."""
    return View()
