"""Values built once per server process and kept for its life, outside Streamlit's caches.

Any client can send a ``clear_cache`` message, and Streamlit then empties
``st.cache_data`` and ``st.cache_resource`` for every session (nothing refuses it; the
menu only hides the button). The atlas and the extra-layers folder used to live there,
so one message made the next run of every session reload them (seconds, under the GIL).
Kept here, a client's ``clear_cache`` costs nothing. The data is read-only, so a value
never needs to be dropped while the process lives.
"""

from __future__ import annotations

import functools
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
            return values[args]

        get.cache_clear = values.clear  # type: ignore[attr-defined]
        return get

    return wrap
