"""Stopping servers: one function (`deploy.loopback.stop_process_group`) stops the test
harness's Streamlit, each replica and nginx, and all replicas at once."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time

from deploy.loopback import stop_process_group


def _group(script: str) -> subprocess.Popen:
    """A shell in its own process group that runs `script`, starts a child and waits for
    it; returned once the shell says it got that far (so a trap in `script` is set)."""
    proc = subprocess.Popen(
        ["sh", "-c", f"{script} sleep 60 & echo ready; wait"],
        start_new_session=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
    proc.stdout.close()
    return proc


def _gone(pgid: int, within: float = 5.0) -> bool:
    """Whether the group is empty, waiting up to `within` s for killed orphans to be reaped
    (a killed child stays a zombie in its group until init collects it)."""
    deadline = time.monotonic() + within
    while True:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def test_several_groups_stop_with_their_children_even_one_deaf_to_sigterm():
    polite = _group("")
    deaf = _group("trap '' TERM;")  # the child inherits the ignored TERM
    try:
        stop_process_group(polite, deaf)
        assert _gone(polite.pid) and _gone(deaf.pid)
        assert polite.returncode is not None and deaf.returncode is not None
        stop_process_group(polite, deaf)  # safe to call twice
    finally:
        for proc in (polite, deaf):  # whatever a failed test left running
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
