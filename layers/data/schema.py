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

from layers.data.dates import DateFormatError, parse_event_date

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


#: Strongest first: the order in which grades outrank each other on the map and in `validate`.
GRADE_ORDER: tuple[Grade, ...] = tuple(Grade)


def grade_rank(grade: Grade) -> int:
    """0 for the strongest evidence (an official finding), 4 for disputed."""
    return GRADE_ORDER.index(grade)


class LinkGrade(StrEnum):
    """The grade of an event's North Korean link: a grade, or `none` (not addressed)."""

    CONFIRMED_OFFICIAL = "confirmed-official"
    OFFICIAL_GOV = "official-gov"
    REPORTED = "reported"
    ALLEGED = "alleged"
    DISPUTED = "disputed"
    NONE = "none"

    @property
    def as_grade(self) -> Grade | None:
        """The same value as a Grade; None for `none` (the event does not address a link)."""
        return _AS_GRADE[self]  # a lookup: read for every shown event on every rerun


NOT_ADDRESSED = LinkGrade.NONE
_AS_GRADE: dict[LinkGrade, Grade | None] = {
    link: None if link is LinkGrade.NONE else Grade(link.value) for link in LinkGrade
}


class LinkType(StrEnum):
    """The kind of North Korean link an event documents.

    `none` is not stored in a record (an event without a link has `nk_link.grade: "none"` and
    no types); it names those events in the link filter and the chronology.
    """

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


class Record(BaseModel):
    """Every record: unknown fields refused, values frozen, text stripped."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class SiteProperties(Record):
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


class PointGeometry(Record):
    type: Literal["Point"]
    coordinates: tuple[float, float] | tuple[float, float, float]

    @field_validator("coordinates")
    @classmethod
    def _lon_lat(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        lon, lat = value[0], value[1]
        if not -180 <= lon <= 180 or not -90 <= lat <= 90:
            raise ValueError(f"[{lon}, {lat}] is not [longitude, latitude] in WGS84 degrees")
        return value


class SiteFeature(Record):
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


class LayerInfo(Record):
    """The `atlas_layer` member of a site layer FeatureCollection."""

    id: LayerId
    title: ShortText
    order: int = 0
    mapped: bool = True


class NkLink(Record):
    """What an event says about North Korea: the kind of link and how strong its evidence is.

    Kept apart from the event's own grade because the two differ: the IAEA's finding that the
    Al Kibar building was very likely a reactor is an official finding, while what it says of
    North Korea's part is a recorded allegation. The map grades sites by this link.
    """

    types: list[LinkType] = Field(
        default_factory=list, description="Kinds of link; empty when the grade is 'none'"
    )
    grade: LinkGrade = Field(
        description="Grade of the link itself, never stronger than the event's; "
        "'none' when the event does not address a North Korean link"
    )
    note: Text = Field(description="Why this link grade: who says what about North Korea")

    @field_validator("types")
    @classmethod
    def _kinds(cls, value: list[LinkType]) -> list[LinkType]:
        if LinkType.NONE in value:
            raise ValueError("'none' is not a link type here: use grade 'none' and no types")
        if len(set(value)) != len(value):
            raise ValueError("link types repeat")
        return value

    @model_validator(mode="after")
    def _types_with_grade(self) -> NkLink:
        if self.grade == NOT_ADDRESSED and self.types:
            raise ValueError("a link graded 'none' (not addressed) has no types")
        if self.grade != NOT_ADDRESSED and not self.types:
            raise ValueError(f"a link graded '{self.grade.value}' needs at least one type")
        return self


class Event(Record):
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
    grade: Grade = Field(description="How strong the evidence for the event itself is")
    grade_note: Text
    nk_link: NkLink = Field(description="What the event says about North Korea, graded apart")
    source_ids: list[SourceId] = Field(min_length=1)
    caveat: Text | None = None
    last_reviewed: dt.date

    @field_validator("entity_ids")
    @classmethod
    def _entities_once(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("entity ids repeat")
        return value

    @model_validator(mode="before")
    @classmethod
    def _no_legacy_link_types(cls, data: object) -> object:
        if isinstance(data, dict) and "link_types" in data:
            raise ValueError(
                "'link_types' was replaced by 'nk_link' in dataset schema 2: give "
                '"nk_link": {"types": [...], "grade": "...", "note": "..."} '
                "(see geodata/SCHEMA.md)"
            )
        return data

    @model_validator(mode="after")
    def _link_not_above_event(self) -> Event:
        link = self.link_grade
        if link is not None and grade_rank(link) < grade_rank(self.grade):
            raise ValueError(
                f"nk_link.grade '{link.value}' is stronger than the event's own grade "
                f"'{self.grade.value}': what an event says about North Korea cannot be better "
                "evidenced than the event itself"
            )
        return self

    @property
    def link_grade(self) -> Grade | None:
        """The grade of the North Korean link; None where the event does not address one."""
        return self.nk_link.grade.as_grade

    @property
    def link_types(self) -> list[LinkType]:
        """The link's kinds, or [LinkType.NONE] for an event that documents no link."""
        return list(self.nk_link.types) or [LinkType.NONE]


class UrlKind(StrEnum):
    """What the page at a source's URL is, so a reader knows how far it is from the original."""

    OFFICIAL = "official"  # the issuing body's own site (iaea.org, un.org, opcw.org, a ministry)
    PUBLISHER = "publisher"  # the original publisher's own page
    RELAY = "relay"  # a reprint, syndication, blog or mirror: named in `via`
    ARCHIVE = "archive"  # a web archive's copy of the original page


class Source(Record):
    """A document or report an event cites: something a reader can follow to the work.

    A source names the work as published (or says why its title is unknown), its publisher,
    its date at the precision known, and a locator: a URL, a document symbol, or both. Where
    no locator was found after a real search, `locator_note` says so and `validate` counts it.
    """

    id: SourceId
    publisher: ShortText = Field(description="The original publisher, not the relay")
    title: ShortText | None = Field(
        None, description="The title as published, exactly; null when it is not known"
    )
    title_note: Text | None = Field(
        None, description="Why the title is unknown (required when title is null)"
    )
    description: ShortText | None = Field(
        None, description="What the work is, in a few words, where the title is unknown"
    )
    author: ShortText | None = None
    date: EdtfDate | None = Field(None, description="Publication date; null where unknown")
    document_number: ShortText | None = None
    document_number_status: Literal["confirmed", "unverified"] | None = None
    url: HttpUrl | None = None
    url_kind: UrlKind | None = Field(None, description="What the URL is (required with a url)")
    via: Text | None = Field(None, description="The relay or mirror through which it was read")
    locator_note: Text | None = Field(
        None, description="Why the source has no URL and no document symbol"
    )
    note: Text | None = None

    @model_validator(mode="after")
    def _followable(self) -> Source:
        if (self.document_number is None) != (self.document_number_status is None):
            raise ValueError("document_number and document_number_status go together")
        if self.title is not None and self.title.startswith("["):
            raise ValueError(
                "a bracketed description is not a title: set title to null, describe the work "
                "in 'description' and say why the title is unknown in 'title_note'"
            )
        if self.title is None and not (self.title_note and self.description):
            raise ValueError("a source without a title needs 'description' and 'title_note'")
        if (self.url is None) != (self.url_kind is None):
            raise ValueError("url and url_kind go together")
        if self.url_kind in (UrlKind.RELAY, UrlKind.ARCHIVE) and not self.via:
            raise ValueError("a relay or archive URL needs 'via' naming the relay")
        if self.has_locator and self.locator_note:
            raise ValueError("locator_note is only for a source with no URL and no symbol")
        return self

    @property
    def has_locator(self) -> bool:
        """True when a reader can find the work: a URL or a document symbol."""
        return self.url is not None or self.document_number is not None

    @property
    def is_primary(self) -> bool:
        """An issuing body's own document: a symbol, or a URL on its own site."""
        return self.document_number is not None or self.url_kind is UrlKind.OFFICIAL

    @property
    def display_title(self) -> str:
        """The title, or the description marked as such where the title is unknown."""
        return self.title or f"{self.description} (title unknown)"


class EntityKind(StrEnum):
    """What an entity is."""

    ORGANISATION = "organisation"
    PERSON = "person"
    VESSEL = "vessel"


def _has_script(value: str | None, first: int, last: int, script: str) -> str | None:
    if value is not None and not any(first <= ord(c) <= last for c in value):
        raise ValueError(f"expected {script} script")
    return value


class Entity(Record):
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


class EventsFile(Record):
    events: list[Event]


class SourcesFile(Record):
    sources: list[Source]


class EntitiesFile(Record):
    entities: list[Entity]


class DatasetInfo(Record):
    """`geodata/dataset.json`: the one place the dataset's version lives."""

    title: ShortText
    version: Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+$")]
    released: dt.date
    licence: ShortText
    description: Text
