"""A lesson as a file a teacher downloads and opens again: written as the same YAML as the
shipped lessons in ``geodata/lessons/`` and read back through the same checks
(`layers.data.lessons.checked_lesson`), so a lesson written in the app is one a maintainer
could drop into that folder unchanged.

Nothing here writes to disk: the app hands the YAML to the browser, and an opened file is
kept in the session's memory only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable
from typing import Any

import yaml

from layers.data.lesson_yaml import parse_yaml_bytes
from layers.data.lessons import EVENT_ID, Lesson, checked_lesson
from layers.data.model import Atlas
from layers.data.problems import Problem

HEADER = (
    "# A lesson for the DPRK–Syria Atlas, written in the atlas's lesson editor.\n"
    "# Format: geodata/lessons/README.md. Open it in the app (Write a lesson, Open a lesson\n"
    "# file), or copy it into geodata/lessons/ under its own id as the file name.\n"
)
MAX_FILE_NAME = 120  # characters of an uploaded file's name quoted back in messages
NO_EVENT = "cites no event: choose at least one of the shown events its sentences rest on"

#: What a step field is called in a message to the author.
FIELD_WORDS = {
    "id": "id",
    "title": "title",
    "text": "text",
    "citations": "cited events",
    "presenter_notes": "presenter notes",
    "notes": "presenter notes",
    "highlight_event_ids": "highlighted events",
    "audience": "audience",
    "summary": "summary",
    "steps": "steps",
    "last_reviewed": "last reviewed date",
    "image": "picture",
}


def slug(text: str, fallback: str, limit: int = 60) -> str:
    """Lowercase ASCII words joined by hyphens (the lesson and step id pattern), from a
    title; ``fallback`` where the title has no Latin letter or digit."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", folded.lower())
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > limit:
            break
        out = candidate
    return out or fallback


def unique_slugs(titles: Iterable[str], fallback: str) -> list[str]:
    """One slug per title, numbered where two titles would give the same one."""
    seen: set[str] = set()
    out = []
    for number, title in enumerate(titles, start=1):
        base = slug(title, f"{fallback}-{number}", limit=54)
        candidate, n = base, 2
        while candidate in seen:
            candidate, n = f"{base}-{n}", n + 1
        seen.add(candidate)
        out.append(candidate)
    return out


def free_id(wanted: str, taken: Collection[str]) -> str:
    """``wanted``, or ``wanted-2``, ``-3``… where a shipped lesson already has that id."""
    candidate, n = wanted, 2
    while candidate in taken:
        candidate, n = f"{wanted[:56]}-{n}", n + 1
    return candidate


def cites_an_event(citations: Iterable[str]) -> bool:
    """The editor's rule: every step rests on at least one event (not only on sources)."""
    return any(EVENT_ID.match(cited) for cited in citations)


# --- writing -----------------------------------------------------------------------------


def lesson_document(lesson: Lesson) -> dict[str, Any]:
    """The lesson as the plain mapping its YAML file holds (defaults left out, as the
    shipped files leave them out)."""
    document = lesson.model_dump(mode="json", exclude_defaults=True)
    document["last_reviewed"] = lesson.last_reviewed  # a YAML date, unquoted
    for step in document["steps"]:
        step.setdefault("highlight_event_ids", [])
    return document


def lesson_yaml(lesson: Lesson) -> str:
    """The lesson file's text: the shipped lessons' schema, keys in schema order."""
    body = yaml.safe_dump(
        lesson_document(lesson),
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None,
        width=92,
    )
    return HEADER + "\n" + body


def file_name(lesson: Lesson) -> str:
    """``<id>.yaml``: the name the loader of geodata/lessons/ requires."""
    return f"{lesson.id}.yaml"


# --- reading -----------------------------------------------------------------------------


def read_lesson_file(
    raw: bytes, name: str, atlas: Atlas, shipped_ids: Collection[str]
) -> tuple[Lesson | None, list[Problem]]:
    """A lesson file opened in the app: the shipped lessons' checks (size, YAML safety,
    schema, references), and an id no shipped lesson has (a link names a lesson by id).
    The file's name need not match the id (browsers rename downloads: ``lesson (1).yaml``).
    """
    label = shown_name(name)
    document, problems = parse_yaml_bytes(raw, label)
    if problems:
        return None, problems
    lesson, problems = checked_lesson(document, atlas, label)
    if lesson is not None and lesson.id in shipped_ids:
        return None, [
            *problems,
            Problem(
                label,
                f"has the id {lesson.id!r} of a lesson the atlas already has; give it another id",
                field="id",
            ),
        ]
    return lesson, problems


def shown_name(name: str) -> str:
    """An uploaded file's name as messages quote it: its last path part, no control
    characters, cut to a length."""
    base = re.split(r"[\\/]", name)[-1]
    cleaned = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    cleaned = cleaned or "the file"
    return cleaned if len(cleaned) <= MAX_FILE_NAME else cleaned[: MAX_FILE_NAME - 1] + "…"


def problem_words(problem: Problem) -> str:
    """A lesson problem in words for the author: the step by number (counting from 1) and
    the field by name, not a pydantic path."""
    parts = [problem.file]
    if problem.index is not None:
        parts.append(f"step {problem.index + 1}")
    if problem.field and problem.field != "(the whole record)":
        head, _, rest = problem.field.partition(".")
        parts.append(FIELD_WORDS.get(head, head) + (f" ({rest})" if rest else ""))
    return ", ".join(parts) + ": " + problem.message
