"""Where an export came from: the dataset version, the filters (as words and as JSON), the
export time (UTC) and full citations of the sources of the exported events.

Why: a copy travels without the app, so every format carries this record (each in its own
way, see `layers.export.formats` and `layers.export.bundle`), and it is built once, here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from layers.data.filters import Filters
from layers.data.model import Atlas, DatedEvent
from layers.data.schema import Grade, LinkType, Source
from layers.export.table import row_count, rows_and_events
from layers.render.words import citation_text, filters_in_words

PROVENANCE_MEMBER = "atlas_provenance"
GENERATOR = "DPRK–Syria Atlas, layers.export (python -m layers export)"
#: Said in a CSV's provenance (and in its `formula_guard` column): why some cells begin with '.
CSV_FORMULA_GUARD = (
    "text cells that began with =, +, -, @, a tab or a carriage return have a single quote (') "
    "prefixed, so that spreadsheets show them as text instead of running them as formulas "
    "(OWASP: CSV injection); numeric columns (lon, lat, precision_m) are unchanged"
)


@dataclass(frozen=True)
class Job:
    """One export in the making: what is exported and the provenance every format carries."""

    atlas: Atlas
    filters: Filters
    events: list[DatedEvent]
    provenance: dict[str, Any]


def utc_stamp(when: dt.datetime) -> str:
    """ISO 8601 in UTC to the second, with a Z: 2026-11-26T15:04:05Z."""
    return when.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def filters_json(filters: Filters) -> dict[str, Any]:
    """The filters as plain JSON, with the date span resolved to days (null = all)."""
    first, last = filters.date_span()
    links = None if filters.link_types == frozenset(LinkType) else filters.link_types
    grades = None if filters.grades == frozenset(Grade) else filters.grades
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "link_types": None if links is None else sorted(v.value for v in links),
        "grades": None if grades is None else sorted(v.value for v in grades),
        "grade_of": filters.grade_basis,
        "layer_ids": None if filters.layer_ids is None else sorted(filters.layer_ids),
        "site_ids": None if filters.site_ids is None else sorted(filters.site_ids),
        "entity_ids": None if filters.entity_ids is None else sorted(filters.entity_ids),
        "syria_wide": filters.syria_wide and filters.site_ids is None,
    }


def filters_text(atlas: Atlas, filters: Filters) -> str:
    """The filters in words, for readers of the export (as "Cite this view" words them)."""
    return "; ".join(filters_in_words(atlas, filters))


def cited_sources(atlas: Atlas, events: list[DatedEvent]) -> dict[str, Source]:
    """The sources the events cite, in the order of the source list (by publisher)."""
    ids = {s for dated in events for s in dated.event.source_ids if s in atlas.sources}
    chosen = sorted((atlas.sources[s] for s in ids), key=lambda s: (s.publisher.lower(), s.id))
    return {s.id: s for s in chosen}


def provenance(
    atlas: Atlas, filters: Filters, events: list[DatedEvent], exported_at: dt.datetime, fmt: str
) -> dict[str, Any]:
    """Where an export came from: dataset, filters, time and the full sources cited; for a
    CSV also how its text cells were guarded against formula injection."""
    info = atlas.info
    return {
        "generator": GENERATOR,
        "format": fmt,
        "dataset": {
            "title": info.title,
            "version": info.version,
            "released": info.released.isoformat(),
            "licence": info.licence,
        },
        "exported_at": utc_stamp(exported_at),
        "filters": filters_json(filters),
        "filters_text": filters_text(atlas, filters),
        "event_count": len(events),
        "event_ids": [dated.id for dated in events],
        "row_count": row_count(events),
        "rows": f"{rows_and_events(events)}: one row per (event, site) pair, so an event at "
        "two sites is two rows; one row with no site for a Syria-wide event; "
        "geometry null where the site has no coordinate",
        **({"formula_guard": CSV_FORMULA_GUARD} if fmt == "csv" else {}),
        "sources": [
            {**s.model_dump(mode="json", exclude_none=True), "citation": citation_text(s)}
            for s in cited_sources(atlas, events).values()
        ],
    }
