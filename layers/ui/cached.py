"""The atlas loaded once per server process and shared by every session (read-only).

Kept outside Streamlit's caches (layers/ui/process_cache.py): a client's ``clear_cache``
must not make every session reload it."""

from __future__ import annotations

from pathlib import Path

from layers.data.changelog import Changelog, load_changelog
from layers.data.lessons import Lesson, load_lessons
from layers.data.load import data_dir, load_atlas
from layers.data.model import Atlas
from layers.data.problems import Problem
from layers.ui.process_cache import once_per_process


@once_per_process(spinner="Loading the atlas…")
def _atlas_at(root: str) -> Atlas:
    return load_atlas(Path(root))


def current_atlas() -> Atlas:
    """The atlas from the configured data folder (ATLAS_DATA_DIR or geodata/)."""
    return _atlas_at(str(data_dir()))


@once_per_process()
def _changelog_at(root: str) -> tuple[Changelog | None, list[Problem]]:
    return load_changelog(Path(root), _atlas_at(root).info.version)


def current_changelog() -> tuple[Changelog | None, list[Problem]]:
    """The corrections log of the configured data folder (None where it has none)."""
    return _changelog_at(str(data_dir()))


@once_per_process()
def _lessons_at(root: str) -> tuple[list[Lesson], list[Problem]]:
    return load_lessons(Path(root), _atlas_at(root))


def current_lessons() -> tuple[list[Lesson], list[Problem]]:
    """The valid lessons of the configured data folder, and the problems found in others."""
    return _lessons_at(str(data_dir()))
