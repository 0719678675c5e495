"""Checks across records: unique ids and references that resolve.

A single record can be valid on its own and still point at a site, source or entity that
does not exist; these checks catch that, and keep every claim the app shows sourced.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from layers.data.model import Atlas, DatedEvent
from layers.data.problems import Problem, Severity
from layers.data.schema import Entity, Grade, Source


def unresolved(
    where: dict,
    field: str,
    ids: list[str],
    known: object,
    what: str,
    *,
    severity: Severity = "error",
) -> list[Problem]:
    """One problem per id in `ids` that `known` lacks, e.g. "source 'x' is not in ..."."""
    noun = field.removesuffix("_ids")
    return [
        Problem(message=f"{noun} {ref!r} {what}", field=field, severity=severity, **where)
        for ref in ids
        if ref not in known  # type: ignore[operator]
    ]


def _unsourced(what: str, where: dict) -> Problem:
    """A record none of whose sources resolves is not shown: it would be an unsourced claim."""
    return Problem(
        message=f"no source resolves, so the {what} is not shown", field="source_ids", **where
    )


def cross_reference(
    atlas: Atlas, *, events_file: str, file_index: dict[str, int] | None = None
) -> tuple[Atlas, list[Problem]]:
    """Return the atlas with unsourced events removed, and the problems found.

    `file_index` maps an event id to its position in events.json, so that problems name
    the record where a person will look for it (the atlas keeps events in date order).
    """
    problems = _duplicates(atlas, events_file)
    kept: list[DatedEvent] = []
    for position, dated in enumerate(atlas.events):
        event = dated.event
        index = (file_index or {}).get(event.id, position)
        where = {"file": events_file, "index": index, "record_id": event.id}
        missing_sources = [s for s in event.source_ids if s not in atlas.sources]
        problems += unresolved(
            where, "source_ids", event.source_ids, atlas.sources, "is not in sources.json"
        )
        problems += unresolved(
            where,
            "site_ids",
            event.site_ids,
            atlas.sites,
            "is not in any loaded layer",
            severity="warning",
        )
        problems += unresolved(
            where, "entity_ids", event.entity_ids, atlas.entities, "is not in entities.json"
        )
        if len(missing_sources) == len(event.source_ids):
            problems.append(_unsourced("event", where))
            continue
        kept.append(dated)
    return replace(atlas, events=tuple(kept)), problems


def _duplicates(atlas: Atlas, events_file: str) -> list[Problem]:
    problems = []
    site_counts = Counter(site.id for layer in atlas.layers for site in layer.sites)
    for site_id, count in site_counts.items():
        if count > 1:
            files = sorted(
                {layer.file for layer in atlas.layers for site in layer.sites if site.id == site_id}
            )
            problems.append(
                Problem(
                    ", ".join(files),
                    f"site id appears {count} times",
                    record_id=site_id,
                    field="id",
                )
            )
    for event_id, count in Counter(e.id for e in atlas.events).items():
        if count > 1:
            problems.append(
                Problem(
                    events_file, f"event id appears {count} times", record_id=event_id, field="id"
                )
            )
    return problems


def check_entities(
    entities: list[tuple[int, Entity]], sources: dict[str, Source], *, entities_file: str
) -> tuple[dict[str, Entity], list[Problem]]:
    """Keep entities (given with their index in the file) with a unique id and a source.

    Like an event, an entity with no resolvable source is not shown: its description
    would be an unsourced statement.
    """
    problems: list[Problem] = []
    for entity_id, count in Counter(e.id for _, e in entities).items():
        if count > 1:
            problems.append(
                Problem(
                    entities_file,
                    f"entity id appears {count} times (the first is kept)",
                    record_id=entity_id,
                    field="id",
                )
            )
    kept: dict[str, Entity] = {}
    for index, entity in entities:
        missing = [s for s in entity.source_ids if s not in sources]
        where = {"file": entities_file, "index": index, "record_id": entity.id}
        problems += unresolved(
            where, "source_ids", entity.source_ids, sources, "is not in sources.json"
        )
        if len(missing) == len(entity.source_ids):
            problems.append(_unsourced("entity", where))
            continue
        kept.setdefault(entity.id, entity)
    return kept, problems


# --------------------------------------------------------------------------- publication


@dataclass(frozen=True)
class SourceCoverage:
    """How many sources a reader can follow: a date and a locator (URL or symbol)."""

    total: int
    followable: int
    without_locator: tuple[str, ...]
    without_date: tuple[str, ...]

    @property
    def percent(self) -> float:
        return 100 * self.followable / self.total if self.total else 100.0

    def sentence(self) -> str:
        return (
            f"{self.followable} of {self.total} sources ({self.percent:.0f}%) have a date and "
            f"a URL or document symbol; {len(self.without_locator)} have no URL or symbol, "
            f"{len(self.without_date)} no date"
        )


def source_coverage(sources: Iterable[Source]) -> SourceCoverage:
    chosen = list(sources)
    return SourceCoverage(
        total=len(chosen),
        followable=sum(1 for s in chosen if s.date and s.has_locator),
        without_locator=tuple(s.id for s in chosen if not s.has_locator),
        without_date=tuple(s.id for s in chosen if not s.date),
    )


def publication_problems(atlas: Atlas, *, sources_file: str, events_file: str) -> list[Problem]:
    """Checks a published dataset must pass beyond the schema (run by `validate`, not by
    the app, which should not greet readers with the data's to-do list):

    - a source with no URL and no symbol is a warning, and an error when `locator_note`
      does not say why;
    - an event graded official finding must cite a primary document: one with a document
      symbol, or a URL on the issuing body's own site (`url_kind: official`).
    """
    problems = []
    for source in atlas.sources.values():
        if source.has_locator:
            continue
        if source.locator_note:
            message = f"no URL or document symbol: {source.locator_note}"
            problems.append(
                Problem(sources_file, message, record_id=source.id, field="url", severity="warning")
            )
        else:
            problems.append(
                Problem(
                    sources_file,
                    "no URL or document symbol, and no locator_note saying why",
                    record_id=source.id,
                    field="locator_note",
                )
            )
    for dated in atlas.events:
        event = dated.event
        if event.grade is not Grade.CONFIRMED_OFFICIAL:
            continue
        cited = [atlas.sources[s] for s in event.source_ids if s in atlas.sources]
        if not any(source.is_primary for source in cited):
            problems.append(
                Problem(
                    events_file,
                    "graded official finding but cites no primary document "
                    "(a source with a document symbol or an official URL)",
                    record_id=event.id,
                    field="source_ids",
                )
            )
    return problems
