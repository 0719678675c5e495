"""The About page's method text, kept as Markdown in the data folder, not in code."""

from __future__ import annotations

from pathlib import Path

METHOD_FILE = "method.md"


def method_text(root: Path) -> str:
    """The method Markdown, or a short notice when the file is missing."""
    path = root / METHOD_FILE
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return f"*The method text ({METHOD_FILE}) could not be read.*"
