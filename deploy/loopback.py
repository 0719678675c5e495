"""Servers on loopback: a free port to start one on, waiting until it answers its health
endpoint, and stopping it with all its children. Shared by the replica launcher (replicas
and nginx), the test harness and the benchmarks."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def wait_healthy(url: str, deadline: float, exited: Callable[[], str | None]) -> None:
    """Return once ``url`` answers HTTP 200.

    ``exited()`` is asked before each attempt and returns why the server's process is
    gone (or None while it runs): that message is raised as RuntimeError at once rather
    than waiting out the ``deadline`` (a ``time.monotonic()`` value), after which
    TimeoutError names the last failure. Never goes through an HTTP proxy: the servers
    are on loopback."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    last = "no attempt"
    while time.monotonic() < deadline:
        if (why := exited()) is not None:
            raise RuntimeError(why)
        try:
            with opener.open(url, timeout=2) as resp:
                if resp.status == 200:
                    return
                last = f"HTTP {resp.status}"
        except (urllib.error.URLError, OSError) as exc:
            last = repr(exc)
        time.sleep(0.2)
    raise TimeoutError(f"not healthy at {url} ({last})")


def stop_process_group(*procs: subprocess.Popen, first: int = signal.SIGTERM) -> None:
    """Stop processes started with ``start_new_session=True`` and everything they started:
    ``first`` (SIGTERM, or SIGQUIT for nginx's graceful stop) to every group at once, then
    SIGKILL to those still running after 5 s, then SIGKILL to any child that outlived its
    leader. Several at once take one grace period, not one each. Safe to call twice."""
    running = [proc for proc in procs if proc.poll() is None]
    for sig in (first, signal.SIGKILL):
        signalled = []
        for proc in running:
            try:
                os.killpg(proc.pid, sig)
                signalled.append(proc)
            except ProcessLookupError:
                pass  # the group is gone already
        deadline = time.monotonic() + 5
        running = []
        for proc in signalled:
            try:
                proc.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                running.append(proc)
        if not running:
            break
    for proc in procs:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)  # children that outlived the leader
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(5)
