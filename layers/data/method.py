"""The About page's method text, kept as Markdown in the data folder, not in code."""

from __future__ import annotations

import re
from pathlib import Path

METHOD_FILE = "method.md"


def method_text(root: Path) -> str:
    """The method Markdown, or a short notice when the file is missing."""
    path = root / METHOD_FILE
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return f"*The method text ({METHOD_FILE}) could not be read.*"


_GRADE_ROW = re.compile(r"^\|\s*\*\*(?P<label>[^*|]+)\*\*\s*\|\s*(?P<meaning>[^|]+?)\s*\|\s*$")


def grade_meanings(text: str) -> dict[str, str]:
    """The meaning of each evidence grade, by its label, from the method text's table
    (`| **Reported** | Reported by credible outlets … |`): the slides and any other place
    that explains the grades quote the About page instead of wording them again."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        match = _GRADE_ROW.match(line.strip())
        if match:
            found[match["label"].strip()] = match["meaning"]
    return found
