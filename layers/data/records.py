"""Validating a list of records: the one loop every loader uses.

Each record is checked on its own, so one bad record is reported (file, position, id and
field) and the valid rest is kept with its position in the file, which later checks use
to name the record where a person will look for it.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from layers.data.problems import Problem, problems_from_validation

M = TypeVar("M", bound=BaseModel)


def peek_id(raw: Any) -> str | None:
    """A record's id for a problem message, even when the record is invalid (cut to 40)."""
    if isinstance(raw, dict):
        props = raw.get("properties")
        if isinstance(props, dict) and isinstance(props.get("id"), str):
            return props["id"][:40]
        if isinstance(raw.get("id"), str | int):
            return str(raw["id"])[:40]
    return None


def validate_records(
    raw: list[Any], model: type[M], *, file: str, field_prefix: str = ""
) -> tuple[list[tuple[int, M]], list[Problem]]:
    """The valid records with their index in the list, and a problem per failing field."""
    records: list[tuple[int, M]] = []
    problems: list[Problem] = []
    for index, item in enumerate(raw):
        try:
            records.append((index, model.model_validate(item)))
        except ValidationError as exc:
            problems.extend(
                problems_from_validation(
                    exc, file=file, index=index, record_id=peek_id(item), field_prefix=field_prefix
                )
            )
    return records, problems
