"""A small client that speaks Streamlit's own WebSocket protocol (BackMsg out, ForwardMsg
in, both ``streamlit.proto`` protobufs), for tests that act as a hostile or careless
client would: no browser, just the messages a script could send.

Verified against streamlit 1.67.0: the browser opens ``/_stcore/stream`` with the
subprotocol ``streamlit``, then asks for the first run with a ``rerun_script`` BackMsg;
the server answers with ``new_session``, deltas, and ``script_finished``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
import urllib.request
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

T = TypeVar("T")

# ForwardMsg.script_finished values (streamlit/proto/ForwardMsg.proto: ScriptFinishedStatus).
FINISHED_SUCCESSFULLY = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
FINISHED_EARLY_FOR_RERUN = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(coro)`` in a thread of its own: Playwright's sync API (the browser
    fixtures of the same pytest run) keeps an event loop running in the test's thread,
    where asyncio.run refuses to start another."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def rerun_msg(query_string: str = "") -> bytes:
    """A ``rerun_script`` BackMsg, as the browser sends for a first run or a URL change."""
    msg = BackMsg()
    msg.rerun_script.query_string = query_string
    msg.rerun_script.page_script_hash = ""
    return msg.SerializeToString()


def clear_cache_msg() -> bytes:
    """A ``clear_cache`` BackMsg: what the app menu's "Clear cache" sends."""
    msg = BackMsg()
    msg.clear_cache = True
    return msg.SerializeToString()


@dataclass
class Session:
    """One WebSocket session; ``texts`` collects every Markdown and HTML body the server sent."""

    ws: websockets.ClientConnection
    texts: list[str] = field(default_factory=list)
    finished: list[int] = field(default_factory=list)  # script_finished statuses seen
    received: int = 0

    async def next_msg(self, timeout: float) -> ForwardMsg:
        data = await asyncio.wait_for(self.ws.recv(), timeout)
        msg = ForwardMsg()
        msg.ParseFromString(data if isinstance(data, bytes) else data.encode())
        self.received += 1
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            shown = element.WhichOneof("type")
            if shown in ("markdown", "html"):  # the atlas's fragments come as st.html
                self.texts.append(getattr(element, shown).body)
        elif kind == "script_finished":
            self.finished.append(msg.script_finished)
        return msg

    async def run(self, query_string: str = "", timeout: float = 60) -> float:
        """Ask for a run and wait until one finishes successfully; seconds it took."""
        start = time.monotonic()
        await self.ws.send(rerun_msg(query_string))
        deadline = start + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no finished run within {timeout:.0f} s")
            msg = await self.next_msg(left)
            if (
                msg.WhichOneof("type") == "script_finished"
                and msg.script_finished == FINISHED_SUCCESSFULLY
            ):
                return time.monotonic() - start

    async def drain(self) -> None:
        """Read (and drop, unparsed: the client must not be what is slow) whatever the
        server sends, until the connection closes."""
        try:
            while True:
                await self.ws.recv()
        except (websockets.ConnectionClosed, asyncio.CancelledError, TimeoutError):
            pass

    async def close(self) -> None:
        await self.ws.close()


async def connect(base_url: str, timeout: float = 30) -> Session:
    """Open a session on the server at ``base_url`` (http://host:port), as a browser
    would (no Origin header: Streamlit lets non-browser clients in without one)."""
    url = base_url.replace("http://", "ws://", 1).rstrip("/") + "/_stcore/stream"
    ws = await asyncio.wait_for(
        websockets.connect(
            url,
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=timeout,
            ping_interval=None,  # a busy server answers pings late; that is measured elsewhere
        ),
        timeout,
    )
    return Session(ws)


def health_delay(base_url: str, timeout: float) -> float | None:
    """Seconds until ``/_stcore/health`` answers 200, polling; None if not within timeout."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        left = timeout - (time.monotonic() - start)
        try:
            with urllib.request.urlopen(
                base_url.rstrip("/") + "/_stcore/health", timeout=max(0.1, left)
            ) as response:
                if response.status == 200:
                    return time.monotonic() - start
        except OSError:
            time.sleep(0.1)
    return None
