"""At most MAX_PARSE_WORKERS parse workers per server process; the rest wait their turn.

Each big file is parsed in its own worker process, capped at 1 GiB: three uploads at once
peaked at 3 GB together, and twenty would exhaust a host. Here a process-wide semaphore
bounds them; a read that has to wait says so first (``on_wait``: the upload box shows
"waiting"), and one that waits longer than QUEUE_TIMEOUT_S is refused with a message
instead of holding its session forever.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from layers.data.problems import Problem
from layers.extra.model import WORKER_TIMEOUT_S, ExtraFile

MAX_PARSE_WORKERS = 2
QUEUE_TIMEOUT_S = 2 * WORKER_TIMEOUT_S

_slots = threading.BoundedSemaphore(MAX_PARSE_WORKERS)
_waiting_lock = threading.Lock()
_waiting = 0


def waiting() -> int:
    """How many reads are waiting for a worker now (for the waiting notice)."""
    return _waiting


def queued(
    label: str,
    read: Callable[[], ExtraFile],
    on_wait: Callable[[int], None] | None = None,
    timeout: float = QUEUE_TIMEOUT_S,
) -> ExtraFile:
    """``read()`` once a worker slot is free. ``on_wait(ahead)`` is called first when
    all slots are taken (``ahead``: reads already waiting)."""
    global _waiting
    got = _slots.acquire(blocking=False)
    if not got:
        with _waiting_lock:
            ahead = _waiting
            _waiting += 1
        try:
            if on_wait is not None:
                on_wait(ahead)
            got = _slots.acquire(timeout=timeout)
        finally:
            with _waiting_lock:
                _waiting -= 1
    if not got:
        return ExtraFile(
            label,
            problems=(
                Problem(
                    label,
                    "was not read: the server is busy reading other files; "
                    "try again in a few minutes",
                ),
            ),
        )
    try:
        return read()
    finally:
        _slots.release()
