"""What the page derives from the atlas, kept per atlas and per what it shows, so an
unchanged part of the page is not computed or rendered again on the next rerun.

A filter change reran every Jinja template of the page (the chronology's table alone was
~18 ms of a ~90 ms rerun) and filtered every event again (~60 ms with a 20,000-event
layer), under the GIL every session shares. Each part is a pure function of the atlas and
a small key (the filters, the shown events' ids, the highlighted events...), so it is kept
under that key in a small LRU that belongs to that atlas: the shared atlas's parts serve
every session, and a session's merged atlas (its uploads) takes its parts with it when it
is dropped. Not in ``st.cache_data``: a client's ``clear_cache`` would empty it, and its
hashing of the arguments would cost more than some of the renders. Kept values are
shared between sessions: never change one.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")

PARTS_PER_ATLAS = 64  # the last views' parts; a table of every event is ~0.2 MB
ROWS_PER_ATLAS = 4096  # table rows (~1.5 kB each), kept apart so views do not push them out


class _Parts:
    """The kept parts of one atlas, least recently used dropped first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.values: OrderedDict[Hashable, Any] = OrderedDict()
        self.lock = threading.Lock()


class _Spaces:
    """An atlas's parts: whole parts of views, and table rows, each with its own limit."""

    def __init__(self) -> None:
        self.parts = _Parts(PARTS_PER_ATLAS)
        self.rows = _Parts(ROWS_PER_ATLAS)


_by_atlas: dict[int, _Spaces] = {}
_lock = threading.Lock()


def _spaces_of(atlas: object) -> _Spaces:
    key = id(atlas)
    with _lock:
        spaces = _by_atlas.get(key)
        if spaces is None:
            spaces = _by_atlas[key] = _Spaces()
            # dropped as the atlas is freed, before its id can be given to another object
            weakref.finalize(atlas, _by_atlas.pop, key, None)
        return spaces


def kept(atlas: object, key: Hashable, build: Callable[[], T]) -> T:
    """``build()``, or the value kept for ``key`` with this atlas; ``key`` must say
    everything the value depends on besides the atlas (two threads may build the same
    value at once: both are right, one is kept)."""
    return _kept(_spaces_of(atlas).parts, key, build)


def kept_row(atlas: object, key: Hashable, build: Callable[[], T]) -> T:
    """`kept`, among the atlas's table rows."""
    return _kept(_spaces_of(atlas).rows, key, build)


def _kept(parts: _Parts, key: Hashable, build: Callable[[], T]) -> T:
    with parts.lock:
        if key in parts.values:
            parts.values.move_to_end(key)
            return parts.values[key]
    value = build()
    with parts.lock:
        parts.values[key] = value
        parts.values.move_to_end(key)
        while len(parts.values) > parts.size:
            parts.values.popitem(last=False)
    return value


def clear() -> None:
    """Forget every kept part (for tests)."""
    with _lock:
        for spaces in _by_atlas.values():
            for parts in (spaces.parts, spaces.rows):
                with parts.lock:
                    parts.values.clear()
