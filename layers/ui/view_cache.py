"""The page's HTML, kept per atlas and per what it shows, so an unchanged part of the page
is not rendered again on the next rerun.

A filter change reran every Jinja template of the page: the chronology's table alone was
~18 ms of a ~90 ms rerun, under the GIL every session shares. Each part is a pure
function of the atlas and a small key (the shown events' ids, the years, the highlighted
events...), so it is kept under that key in a small LRU that belongs to that atlas: the
shared atlas's parts serve every session, and a session's merged atlas (its uploads)
takes its parts with it when it is dropped. Not in ``st.cache_data``: a client's
``clear_cache`` would empty it, and its hashing of the arguments would cost more than
some of the renders.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from layers.ui.page import one_block

T = TypeVar("T")

PARTS_PER_ATLAS = 64  # the last views' parts; a table of every event is ~0.2 MB


class _Parts:
    """The kept parts of one atlas, least recently used dropped first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.values: OrderedDict[Hashable, Any] = OrderedDict()
        self.lock = threading.Lock()


_by_atlas: dict[int, _Parts] = {}
_lock = threading.Lock()


def _parts_of(atlas: object) -> _Parts:
    key = id(atlas)
    with _lock:
        parts = _by_atlas.get(key)
        if parts is None:
            parts = _by_atlas[key] = _Parts(PARTS_PER_ATLAS)
            # dropped as the atlas is freed, before its id can be given to another object
            weakref.finalize(atlas, _by_atlas.pop, key, None)
        return parts


def kept(atlas: object, key: Hashable, build: Callable[[], T]) -> T:
    """``build()``, or the value kept for ``key`` with this atlas; ``key`` must say
    everything the value depends on besides the atlas (two threads may build the same
    value at once: both are right, one is kept)."""
    parts = _parts_of(atlas)
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


def kept_block(atlas: object, key: Hashable, render: Callable[[], str]) -> str:
    """`kept` for an HTML fragment, kept as `page.show_block` takes it (folded)."""
    return kept(atlas, key, lambda: one_block(render()))


def clear() -> None:
    """Forget every kept part (for tests)."""
    with _lock:
        for parts in _by_atlas.values():
            with parts.lock:
                parts.values.clear()
