"""The claims check: each factual claim of the source article, with its status and evidence.

The verdicts are data (`geodata/claims.json`), not prose in code, so that a correction to
the research brief is a change to one record. Each claim points at the events and sources
that support its verdict; the loader checks that they exist, and reports every problem
the way `layers.data.load` does, without ever failing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import Field, StringConstraints, ValidationError

from layers.data.load import data_dir, display_name, read_json
from layers.data.model import Atlas
from layers.data.problems import Problem, problems_from_validation
from layers.data.records import validate_records
from layers.data.schema import EventId, Record, ShortText, SourceId, Text

CLAIMS_FILE = "claims.json"
BRIEF_ITEMS = range(1, 17)  # facts-brief.md section (c) has items 1–16
BRIEF_ERRATA = range(1, 14)  # and errata 1–13

ClaimId = Annotated[str, StringConstraints(pattern=r"^C\d{2,3}$")]
BriefItem = Annotated[int, Field(ge=BRIEF_ITEMS.start, lt=BRIEF_ITEMS.stop)]
Erratum = Annotated[int, Field(ge=BRIEF_ERRATA.start, lt=BRIEF_ERRATA.stop)]


class ClaimStatus(StrEnum):
    """How the article's claim stands against the research brief."""

    ESTABLISHED = "established"
    PARTLY_RIGHT = "partly right"
    UNVERIFIED = "unverified"
    WRONG = "wrong"


class Claim(Record):
    """One factual claim of the article, quoted exactly, with the brief's verdict on it."""

    id: ClaimId
    topic: ShortText
    quote: Text = Field(description="Verbatim from the article")
    status: ClaimStatus
    evidence: Text = Field(description="Why: from facts-brief.md section (c), tables, errata")
    brief_items: list[BriefItem] = Field(default_factory=list, description="Section (c) items")
    errata: list[Erratum] = Field(default_factory=list, description="Errata of the brief")
    event_ids: list[EventId] = Field(default_factory=list)
    source_ids: list[SourceId] = Field(default_factory=list)
    last_reviewed: dt.date


class BriefItemNotInArticle(Record):
    """A section (c) item about a claim the article does not make, and why it is listed."""

    item: BriefItem
    topic: ShortText
    note: Text


class ArticleInfo(Record):
    """Which article is checked; only what the copy itself shows."""

    author: ShortText
    note: Text


class ClaimsFile(Record):
    """The whole of geodata/claims.json, for tools and tests that check it in one piece."""

    article: ArticleInfo
    claims: list[Claim]
    not_in_article: list[BriefItemNotInArticle] = Field(default_factory=list)


@dataclass(frozen=True)
class ClaimsCheck:
    """The checked article, its claims in file order, and brief items the article skips."""

    article: ArticleInfo | None
    claims: tuple[Claim, ...] = ()
    not_in_article: tuple[BriefItemNotInArticle, ...] = ()
    file: str = CLAIMS_FILE
    problems: tuple[Problem, ...] = field(default=())


def load_claims(atlas: Atlas, root: Path | None = None) -> ClaimsCheck:
    """Read claims.json from `root` and check its references against the atlas."""
    root = root or data_dir()
    path = root / CLAIMS_FILE
    label = display_name(path, root)
    document, problems = read_json(path, name=label)
    if document is None:
        return ClaimsCheck(article=None, file=label, problems=tuple(problems))
    if not isinstance(document, dict) or not isinstance(document.get("claims"), list):
        problem = Problem(label, "expected an object with a list 'claims'", field="claims")
        return ClaimsCheck(article=None, file=label, problems=(*problems, problem))
    article = _article(document.get("article"), label, problems)
    claims, found = validate_records(document["claims"], Claim, file=label)
    problems.extend(found)
    skipped = _not_in_article(document.get("not_in_article", []), label, problems)
    problems.extend(_references(atlas, claims, label))
    return ClaimsCheck(
        article=article,
        claims=tuple(claim for _, claim in claims),
        not_in_article=skipped,
        file=label,
        problems=tuple(problems),
    )


def _article(raw: object, label: str, problems: list[Problem]) -> ArticleInfo | None:
    try:
        return ArticleInfo.model_validate(raw)
    except ValidationError as exc:
        problems.extend(
            problems_from_validation(
                exc, file=label, index=None, record_id=None, field_prefix="article"
            )
        )
        return None


def _not_in_article(
    raw: object, label: str, problems: list[Problem]
) -> tuple[BriefItemNotInArticle, ...]:
    if not isinstance(raw, list):
        problems.append(Problem(label, "'not_in_article' must be a list", field="not_in_article"))
        return ()
    kept, found = validate_records(
        raw, BriefItemNotInArticle, file=label, field_prefix="not_in_article"
    )
    problems.extend(found)
    return tuple(item for _, item in kept)


def _references(atlas: Atlas, claims: list[tuple[int, Claim]], label: str) -> list[Problem]:
    """Unique ids; every event and source exists; a verdict other than unverified cites one."""
    problems = [
        Problem(label, f"claim id appears {count} times", record_id=claim_id, field="id")
        for claim_id, count in Counter(c.id for _, c in claims).items()
        if count > 1
    ]
    event_ids = {dated.id for dated in atlas.events}
    for index, claim in claims:
        for event_id in claim.event_ids:
            if event_id not in event_ids:
                problems.append(
                    Problem(
                        label,
                        f"event {event_id!r} is not among the loaded events",
                        index=index,
                        record_id=claim.id,
                        field="event_ids",
                    )
                )
        for source_id in claim.source_ids:
            if source_id not in atlas.sources:
                problems.append(
                    Problem(
                        label,
                        f"source {source_id!r} is not in sources.json",
                        index=index,
                        record_id=claim.id,
                        field="source_ids",
                    )
                )
        if claim.status is not ClaimStatus.UNVERIFIED and not (claim.event_ids or claim.source_ids):
            problems.append(
                Problem(
                    label,
                    f"a verdict of {claim.status.value!r} needs at least one event or source",
                    index=index,
                    record_id=claim.id,
                    field="event_ids",
                )
            )
    return problems
