"""Values built once per server process and kept for its life, outside Streamlit's caches.

Any client can send a ``clear_cache`` message, and Streamlit then empties
``st.cache_data`` and ``st.cache_resource`` for every session (nothing refuses it; the
menu only hides the button). The atlas and the extra-layers folder used to live there,
so one message made the next run of every session reload them (seconds, under the GIL).
Kept here, a client's ``clear_cache`` costs nothing. The data is read-only, so a value
never needs to be dropped while the process lives.

Once a value is built, the objects alive then (it, and the modules imported so far) are
moved out of the garbage collector's sight with ``gc.freeze()``. Streamlit runs a full
``gc.collect(2)`` after every script run, also after each run a rerun request cuts
short: with the atlas, folium and pandas loaded that took ~0.2 s, GIL held, per run, and
was most of what a rerun flood cost. Frozen objects are still freed by reference
counting; only cycles among them (none in read-only data) would outlive their use.
"""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Callable, Hashable
from typing import TypeVar

import streamlit as st

T = TypeVar("T")


def once_per_process(
    spinner: str | None = None,
) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Decorator: call the function once per distinct (hashable) arguments per process.

    Concurrent first calls wait on one lock, so the value is built once; a call that
    raises stores nothing (the next call tries again). ``spinner`` is shown while the
    value is built. ``.cache_clear()`` is for tests only.
    """

    def wrap(build: Callable[..., T]) -> Callable[..., T]:
        values: dict[tuple[Hashable, ...], T] = {}
        lock = threading.Lock()

        @functools.wraps(build)
        def get(*args: Hashable) -> T:
            try:
                return values[args]
            except KeyError:
                pass
            with lock:
                if args not in values:
                    if spinner:
                        # stored inside the block: leaving the spinner sends a message,
                        # and a rerun request pending then interrupts the script there
                        with st.spinner(spinner):
                            values[args] = build(*args)
                    else:
                        values[args] = build(*args)
                    gc.collect()  # the build's own garbage first: frozen, it would stay
                    gc.freeze()
            return values[args]

        get.cache_clear = values.clear  # type: ignore[attr-defined]
        return get

    return wrap
