"""Caps on how much one extra file may hold, checked on the parsed document before any
feature or event is validated, so that a file over a cap costs its parse and no more.

Why these numbers: every rerun of a session walks every event it shows (filters, the
summary, the markers' styles), so events bound the cost of each rerun. At 25,000 events
a rerun stays within its 0.5 s target (`make bench`, the 20,000-event row); the shipped
atlas has about fifty. Sites become DivIcon markers, each sent to the browser on every
rerun: 2,000 is far more than a map of Syria can show apart. Plain features are drawn on
a canvas from a file the browser fetches once (100,000 points are measured in `make
bench`); 200,000 leaves room for real data without letting a file of a million tiny
features in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from layers.data.problems import Problem

MAX_EVENTS_PER_FILE = 25_000
MAX_SITES_PER_FILE = 2_000
MAX_FEATURES_PER_FILE = 200_000
#: Uploads one session may hold at once, in files and in bytes: Streamlit keeps every
#: uploaded file in server memory until the session ends, and each is parsed.
MAX_UPLOADS_PER_SESSION = 5
MAX_UPLOAD_BYTES_PER_SESSION = 100 * 1024 * 1024
#: Problems listed per file (validation can find several per record); the rest are counted.
MAX_PROBLEMS_PER_FILE = 50


def _count(document: dict[str, Any], key: str) -> int:
    value = document.get(key)
    return len(value) if isinstance(value, list) else 0


def over_cap(document: dict[str, Any], label: str, schema: bool) -> Problem | None:
    """The refusal for a file that holds more than an extra layer may, or None."""
    checks = (
        [("events", MAX_EVENTS_PER_FILE, "events"), ("features", MAX_SITES_PER_FILE, "sites")]
        if schema
        else [("features", MAX_FEATURES_PER_FILE, "features")]
    )
    for key, cap, noun in checks:
        count = _count(document, key)
        if count > cap:
            return Problem(
                label,
                f"has {count:,} {noun}; an extra layer may have at most {cap:,}, so it was "
                "not read (split it into smaller files)",
                field=key,
            )
    return None


def capped_problems(problems: list[Problem], label: str) -> list[Problem]:
    """At most MAX_PROBLEMS_PER_FILE problems, and one line counting the rest: each is
    drawn on every rerun, and a file of 20,000 bad events would make 40,000."""
    if len(problems) <= MAX_PROBLEMS_PER_FILE:
        return problems
    rest = len(problems) - MAX_PROBLEMS_PER_FILE
    return [
        *problems[:MAX_PROBLEMS_PER_FILE],
        Problem(label, f"{rest:,} more problem(s) in this file are not listed"),
    ]


def admit_uploads(
    files: Sequence[tuple[str, int]],
    max_files: int = MAX_UPLOADS_PER_SESSION,
    max_bytes: int = MAX_UPLOAD_BYTES_PER_SESSION,
) -> tuple[list[int], list[Problem]]:
    """Which of a session's uploads (name, size), in upload order, are read: the first
    ones within both caps. The rest get a problem naming the file and the cap."""
    admitted: list[int] = []
    problems: list[Problem] = []
    total = 0
    for index, (label, size) in enumerate(files):
        if len(admitted) >= max_files:
            why = f"this session already has {max_files} files, the most it may upload"
        elif total + size > max_bytes:
            why = (
                f"it would bring this session's uploads to {(total + size) / 2**20:,.1f} MB; "
                f"the most a session may upload is {max_bytes / 2**20:,.0f} MB"
            )
        else:
            admitted.append(index)
            total += size
            continue
        problems.append(Problem(label, f"was not read: {why}. Remove a file to add another"))
    return admitted, problems
