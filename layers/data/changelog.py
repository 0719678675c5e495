"""The corrections log: every change to a record, release by release, kept as data.

Trusted datasets publish their corrections. `geodata/changelog.json` lists releases newest
first; each change names the record and field, the value before and after, why, and the
sources that justify it. The About page shows it, and the claims page reads from it when
each verdict last changed.
"""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, StringConstraints, ValidationError, model_validator

from layers.data.load import display_name, read_json
from layers.data.problems import Problem, problems_from_validation
from layers.data.schema import Record, ShortText, SourceId, Text

CHANGELOG_FILE = "changelog.json"
Version = Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+$")]


class ChangeKind(StrEnum):
    """Why a record changed, in kind: readers filter the log by it."""

    SCHEMA = "schema"  # a field moved or split when the schema changed
    CORRECTION = "correction"  # a fact, grade or wording corrected
    SOURCE = "source"  # a source record made followable (title, date, locator)
    ADDITION = "addition"  # a new record
    REMOVAL = "removal"  # a record taken out


class Change(Record):
    """One change to one field of one record (field '(record)' for a whole record)."""

    record: ShortText = Field(description="Record id: an event, source, site, claim or lesson step")
    field: ShortText
    before: Any = None
    after: Any = None
    why: Text
    source_ids: list[SourceId] = Field(default_factory=list)
    kind: ChangeKind


class Release(Record):
    """One dataset version and the changes it made."""

    version: Version
    date: dt.date
    summary: Text
    changes: list[Change] = Field(default_factory=list)


class Changelog(Record):
    """`geodata/changelog.json`: releases, newest first."""

    releases: list[Release] = Field(min_length=1)

    @model_validator(mode="after")
    def _newest_first(self) -> Changelog:
        keys = [tuple(int(part) for part in r.version.split(".")) for r in self.releases]
        if keys != sorted(keys, reverse=True) or len(set(keys)) != len(keys):
            raise ValueError("releases must be listed newest first, each version once")
        return self

    def last_change(self, record: str, fields: set[str] | None = None) -> Release | None:
        """The newest release that changed `record` (in one of `fields`, if given)."""
        for release in self.releases:
            if any(
                change.record == record and (fields is None or change.field in fields)
                for change in release.changes
            ):
                return release
        return None


def load_changelog(
    root: Path, version: str | None = None
) -> tuple[Changelog | None, list[Problem]]:
    """The changelog of a data folder; a problem (not an exception) when it is broken, and
    when its newest release is not the dataset's `version`."""
    path = root / CHANGELOG_FILE
    if not path.exists():
        return None, []
    name = display_name(path, root)
    document, problems = read_json(path, name=name)
    if document is None:
        return None, problems
    try:
        changelog = Changelog.model_validate(document)
    except ValidationError as exc:
        return None, [
            *problems,
            *problems_from_validation(exc, file=name, index=None, record_id=None),
        ]
    newest = changelog.releases[0].version
    if version is not None and newest != version:
        problems.append(
            Problem(
                name,
                f"the newest release is {newest} but dataset.json says {version}",
                field="releases",
            )
        )
    return changelog, problems


def _shown(value: Any, limit: int = 240) -> str:
    """A before/after value as short text for a table cell ('' for none)."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def change_rows(release: Release) -> list[dict[str, str]]:
    """One row a change, for the About page's table (plain text; the table escapes)."""
    return [
        {
            "Kind": change.kind.value,
            "Record": change.record,
            "Field": change.field,
            "Before": _shown(change.before),
            "After": _shown(change.after),
            "Why": change.why,
            "Sources": ", ".join(change.source_ids),
        }
        for change in release.changes
    ]
