"""The record types of the atlas, as pydantic models: one schema per record type.

Sites (GeoJSON features), events, sources and entities are separate records joined by id, in
the manner of Forensic Architecture's timemap. The models are the single definition of what
a valid record is; `geodata/SCHEMA.md` explains them to people who add records, and
`python -m layers schema` prints them as JSON Schema.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    StringConstraints,
    field_validator,
    model_validator,
)

from layers.dates import DateFormatError, parse_event_date

MAX_TEXT = 4000  # long enough for any summary, short enough to refuse a pasted book

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
SiteId = Annotated[str, StringConstraints(pattern=r"^S\d+[a-z]?$")]
EventId = Annotated[str, StringConstraints(pattern=r"^E\d+[a-z]?$")]
SourceId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
LayerId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=60)]
EntityId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=60)]


def _edtf(value: str) -> str:
    try:
        parse_event_date(value)
    except DateFormatError as exc:
        raise ValueError(str(exc)) from exc
    return value


EdtfDate = Annotated[str, AfterValidator(_edtf)]


class Grade(StrEnum):
    """How strong the evidence for a claim is (defined in geodata/SCHEMA.md)."""

    CONFIRMED_OFFICIAL = "confirmed-official"
    OFFICIAL_GOV = "official-gov"
    REPORTED = "reported"
    ALLEGED = "alleged"
    DISPUTED = "disputed"


class LinkType(StrEnum):
    """The kind of North Korean link an event documents; `none` where none is documented."""

    NUCLEAR = "nuclear"
    CHEMICAL = "chemical"
    MISSILE = "missile"
    MILITARY = "military"
    DIPLOMATIC = "diplomatic"
    SANCTIONS_EVASION = "sanctions-evasion"
    NONE = "none"


class PrecisionClass(StrEnum):
    """What a site's coordinate stands for."""

    SITE = "site"
    APPROXIMATE = "approximate"
    NEIGHBOURHOOD = "neighbourhood"
    TOWN = "town"
    CITY = "city"
    UNKNOWN = "unknown"


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class SiteProperties(_Record):
    """The properties of one site feature in a `geodata/sites/*.geojson` layer."""

    id: SiteId
    name: ShortText
    short_name: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)] | None
    ) = Field(None, description="Label on the map; the name is used when absent")
    alt_names: list[ShortText] = Field(default_factory=list)
    name_ar: ShortText | None = Field(None, description="Arabic name, where known")
    precision_m: int | None = Field(
        None, gt=0, le=100_000, description="Radius in metres within which the site lies"
    )
    precision_class: PrecisionClass
    precision_note: Text
    coordinate_source: Text
    description: Text
    caveat: Text | None = Field(None, description="What a reader must not assume")
    last_reviewed: dt.date


class PointGeometry(_Record):
    type: Literal["Point"]
    coordinates: tuple[float, float] | tuple[float, float, float]

    @field_validator("coordinates")
    @classmethod
    def _lon_lat(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        lon, lat = value[0], value[1]
        if not -180 <= lon <= 180 or not -90 <= lat <= 90:
            raise ValueError(f"[{lon}, {lat}] is not [longitude, latitude] in WGS84 degrees")
        return value


class SiteFeature(_Record):
    """A site: a GeoJSON Feature whose geometry is a Point, or null when no coordinate exists."""

    model_config = ConfigDict(extra="allow", frozen=True)
    type: Literal["Feature"]
    geometry: PointGeometry | None
    properties: SiteProperties

    @model_validator(mode="after")
    def _precision_matches_geometry(self) -> SiteFeature:
        p = self.properties
        if self.geometry is None and p.precision_class is not PrecisionClass.UNKNOWN:
            raise ValueError("a site without geometry must have precision_class 'unknown'")
        if self.geometry is not None and p.precision_m is None:
            raise ValueError("a located site needs precision_m (metres)")
        return self


class LayerInfo(_Record):
    """The `atlas_layer` member of a site layer FeatureCollection."""

    id: LayerId
    title: ShortText
    order: int = 0
    mapped: bool = True


class Event(_Record):
    """A dated claim about one or more sites (none for Syria-wide events)."""

    id: EventId
    site_ids: list[SiteId] = Field(default_factory=list)
    entity_ids: list[EntityId] = Field(
        default_factory=list, description="Entities the event names (entities.json)"
    )
    date: EdtfDate
    date_note: Text | None = None
    title: ShortText
    summary: Text
    link_types: list[LinkType] = Field(min_length=1)
    grade: Grade
    grade_note: Text
    source_ids: list[SourceId] = Field(min_length=1)
    caveat: Text | None = None
    last_reviewed: dt.date

    @field_validator("entity_ids")
    @classmethod
    def _entities_once(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("entity ids repeat")
        return value

    @field_validator("link_types")
    @classmethod
    def _none_alone(cls, value: list[LinkType]) -> list[LinkType]:
        if LinkType.NONE in value and len(value) > 1:
            raise ValueError("'none' cannot be combined with another link type")
        if len(set(value)) != len(value):
            raise ValueError("link types repeat")
        return value


class Source(_Record):
    """A document or report an event cites."""

    id: SourceId
    publisher: ShortText
    title: ShortText
    date: EdtfDate | None = Field(None, description="Publication date; null where unknown")
    document_number: ShortText | None = None
    document_number_status: Literal["confirmed", "unverified"] | None = None
    url: HttpUrl | None = None
    via: Text | None = Field(None, description="The relay or mirror through which it was read")
    note: Text | None = None

    @model_validator(mode="after")
    def _status_with_number(self) -> Source:
        if (self.document_number is None) != (self.document_number_status is None):
            raise ValueError("document_number and document_number_status go together")
        return self


class EntityKind(StrEnum):
    """What an entity is."""

    ORGANISATION = "organisation"
    PERSON = "person"
    VESSEL = "vessel"


def _has_script(value: str | None, first: int, last: int, script: str) -> str | None:
    if value is not None and not any(first <= ord(c) <= last for c in value):
        raise ValueError(f"expected {script} script")
    return value


class Entity(_Record):
    """An organisation, person or vessel that sourced events name.

    Entities let an analyst follow one actor (KOMID, Cheng Tong, a ship) across sites and
    years. The description is attributive: what an entity did is told by the graded events.
    """

    id: EntityId
    kind: EntityKind
    name: ShortText
    alt_names: list[ShortText] = Field(default_factory=list)
    name_ar: ShortText | None = Field(None, description="Arabic name, only when checked")
    name_ko: ShortText | None = Field(None, description="Korean name, only when checked")
    names_note: Text | None = Field(None, description="Where the Arabic or Korean name was checked")
    country: ShortText | None = Field(None, description="Only where a source states it")
    description: Text
    source_ids: list[SourceId] = Field(min_length=1)
    last_reviewed: dt.date

    @field_validator("name_ar")
    @classmethod
    def _arabic(cls, value: str | None) -> str | None:
        return _has_script(value, 0x0600, 0x06FF, "Arabic")

    @field_validator("name_ko")
    @classmethod
    def _korean(cls, value: str | None) -> str | None:
        return _has_script(value, 0xAC00, 0xD7A3, "Korean (Hangul)")

    @model_validator(mode="after")
    def _names_say_where_from(self) -> Entity:
        if (self.name_ar or self.name_ko) and not self.names_note:
            raise ValueError("an Arabic or Korean name needs names_note (where it was checked)")
        return self


class EventsFile(_Record):
    events: list[Event]


class SourcesFile(_Record):
    sources: list[Source]


class EntitiesFile(_Record):
    entities: list[Entity]


class DatasetInfo(_Record):
    """`geodata/dataset.json`: the one place the dataset's version lives."""

    title: ShortText
    version: Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+$")]
    released: dt.date
    licence: ShortText
    description: Text
