"""Problems found in data files, worded so a person can find and fix them.

Every loader and check reports through `Problem`, so the app, the tests and the
command line all name the file, the feature (index and id) and the field the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from pydantic import ValidationError

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one place in one file."""

    file: str
    message: str
    index: int | None = None  # position of the feature or record in its file
    record_id: str | None = None
    field: str | None = None
    severity: Severity = "error"

    def where(self) -> str:
        parts = [self.file]
        if self.index is not None:
            label = f"feature {self.index}"
            if self.record_id:
                label += f" (id {self.record_id!r})"
            parts.append(label)
        elif self.record_id:
            parts.append(f"id {self.record_id!r}")
        if self.field:
            parts.append(f"field {self.field!r}")
        return ": ".join(parts)

    def __str__(self) -> str:
        return f"{self.where()}: {self.message}"


def problems_from_validation(
    error: ValidationError,
    *,
    file: str,
    index: int | None,
    record_id: str | None,
    field_prefix: str = "",
) -> list[Problem]:
    """Turn a pydantic error into one Problem per failing field."""
    found = []
    for item in error.errors(include_url=False):
        path = ".".join(str(part) for part in item["loc"])
        field = ".".join(p for p in (field_prefix, path) if p) or "(the whole record)"
        found.append(
            Problem(
                file=file,
                index=index,
                record_id=record_id,
                field=field,
                message=_expected(item),
            )
        )
    return found


def _expected(item: dict) -> str:
    message = str(item.get("msg", "invalid value")).removeprefix("Value error, ")
    if item.get("type") == "missing":
        return "required field is missing"
    if item.get("type") == "extra_forbidden":
        return "unknown field (not in the schema; see geodata/SCHEMA.md)"
    shown = _short(item.get("input"))
    return f"{message} (got {shown})" if shown is not None else message


def _short(value: object, limit: int = 60) -> str | None:
    if isinstance(value, dict | list) or value is None:
        return None
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def errors_only(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]
