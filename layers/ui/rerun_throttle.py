"""Reruns a client cannot abuse: each session may start RUNS_PER_S script runs a second,
with bursts of up to BURST_RUNS; a run that comes sooner first waits for its turn.

A client can ask for a rerun as often as it likes (four sessions asking every 20 ms
left a server unable to answer its health check for minutes). Nothing is dropped here,
so no widget change is lost: Streamlit folds every rerun request that arrives while a
run is under way (or waiting here) into one pending request that carries the latest
widget values and any button clicks. The waiting run is then interrupted at its first
element and started again with that merged request, so a flood of requests costs a few
short starts a second, not one run each. The wait sleeps: it holds no lock and no CPU.

A token bucket, so that a person's quick clicks (a burst) are never delayed; only a
sustained rate faster than anyone clicks is. The buckets are kept by session id outside
``st.session_state``: reading or writing session state is itself a point where a pending
rerun interrupts the script, so a throttle kept there would be cut short before it
ever waited.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from streamlit.runtime.scriptrunner import get_script_run_ctx

RUNS_PER_S = 4.0
BURST_RUNS = 5
FORGET_AFTER_S = 600.0  # a session idle this long starts again with a full bucket
_MAX_BUCKETS = 256  # above this many, idle buckets are dropped


@dataclass
class Bucket:
    """Run tokens of one session: ``tokens`` as counted at ``when``."""

    tokens: float
    when: float

    def take(self, now: float, rate: float | None = None, burst: int | None = None) -> float:
        """Seconds this run must wait before it starts; takes its token. The limits are
        read when called (a benchmark of the script's own cost lifts them)."""
        rate = RUNS_PER_S if rate is None else rate
        burst = BURST_RUNS if burst is None else burst
        tokens = min(float(burst), self.tokens + max(0.0, now - self.when) * rate)
        wait = 0.0 if tokens >= 1 else (1 - tokens) / rate
        self.tokens, self.when = max(0.0, tokens + wait * rate - 1), now + wait
        return wait


_buckets: dict[str, Bucket] = {}
_lock = threading.Lock()


def _bucket(session: str, now: float) -> Bucket:
    with _lock:
        if len(_buckets) > _MAX_BUCKETS:
            for key in [k for k, b in _buckets.items() if now - b.when > FORGET_AFTER_S]:
                del _buckets[key]
        return _buckets.setdefault(session, Bucket(float(BURST_RUNS), now))


def throttle_reruns(
    clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep
) -> None:
    """Call first on every run, before any element or session state is touched: waits
    while this session is over its rate."""
    ctx = get_script_run_ctx()
    if ctx is None:  # not in a script run (bare mode): nothing to throttle
        return
    now = clock()
    wait = _bucket(ctx.session_id, now).take(now)
    if wait:
        sleep(wait)
