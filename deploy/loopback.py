"""Servers on loopback: a free port to start one on, and waiting until it answers its
health endpoint. Shared by the replica launcher (replicas and nginx), the test harness
and the benchmarks."""

from __future__ import annotations

import socket
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
