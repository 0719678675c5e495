"""The atlas in memory: validated sites, events, sources and entities, joined by id."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from layers.data.dates import EventDate
from layers.data.problems import Problem
from layers.data.schema import DatasetInfo, Entity, Event, LayerInfo, SiteProperties, Source

SYRIA_WIDE = "Syria-wide"


@dataclass(frozen=True)
class Site:
    """A site record with its coordinate (None where no coordinate is known)."""

    props: SiteProperties
    layer_id: str
    lon: float | None
    lat: float | None

    @property
    def id(self) -> str:
        return self.props.id

    @property
    def name(self) -> str:
        return self.props.name

    @property
    def label(self) -> str:
        """The short name drawn on the map."""
        return self.props.short_name or self.props.name

    @property
    def located(self) -> bool:
        return self.lon is not None and self.lat is not None


@dataclass(frozen=True)
class SiteLayer:
    """One site layer file: its metadata and the sites that validated."""

    info: LayerInfo
    file: str
    sites: tuple[Site, ...]

    @property
    def id(self) -> str:
        return self.info.id


@dataclass(frozen=True)
class DatedEvent:
    """An event with its date parsed once, for filtering, sorting and display."""

    event: Event
    when: EventDate

    @property
    def id(self) -> str:
        return self.event.id

    @property
    def syria_wide(self) -> bool:
        return not self.event.site_ids


@dataclass(frozen=True)
class Atlas:
    """Everything the app shows, plus the problems met while loading it."""

    info: DatasetInfo
    layers: tuple[SiteLayer, ...]
    events: tuple[DatedEvent, ...]  # in date order
    sources: dict[str, Source]
    problems: tuple[Problem, ...] = field(default=())
    entities: dict[str, Entity] = field(default_factory=dict)

    @cached_property
    def sites(self) -> dict[str, Site]:
        return {site.id: site for layer in self.layers for site in layer.sites}

    @cached_property
    def events_by_id(self) -> dict[str, DatedEvent]:
        return {dated.id: dated for dated in self.events}

    @cached_property
    def layer_of_site(self) -> dict[str, str]:
        return {site.id: layer.id for layer in self.layers for site in layer.sites}

    def site_label(self, site_id: str) -> str:
        site = self.sites.get(site_id)
        return site.name if site else f"{site_id} (not loaded)"

    def short_label(self, site_id: str) -> str:
        site = self.sites.get(site_id)
        return site.label if site else f"{site_id} (not loaded)"

    def events_at(self, site_id: str) -> list[DatedEvent]:
        return [e for e in self.events if site_id in e.event.site_ids]


def events_of_entity(atlas: Atlas, entity_id: str) -> list[DatedEvent]:
    """Every event naming the entity, in date order, across sites and Syria-wide.

    The atlas keeps its events in date order, so an entity's page can list them as a
    chronology without sorting again.
    """
    return [e for e in atlas.events if entity_id in e.event.entity_ids]


def events_citing(atlas: Atlas, source_id: str) -> list[DatedEvent]:
    """Every event that cites the source, in date order: what a source's card lists."""
    return [e for e in atlas.events if source_id in e.event.source_ids]
