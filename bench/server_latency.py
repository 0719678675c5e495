"""The server's own time per action, with many sessions: light protocol-level clients (no
browser), each changing a filter like a person would, timed from the WebSocket message
that asks for the rerun to the server's "script finished" (issue 13 §4).

    .venv/bin/python -m bench.server_latency                  # 1, 5, 20 and 50 sessions
    .venv/bin/python -m bench.server_latency --sessions 20 --actions 15 --think 2

Why protocol clients: `make load-test` drives real Chromium pages, and 20 of them use far
more of this machine's two cores than the server does, so their rendering is timed too.
Here a client only sends a BackMsg (the "Syria-wide events" checkbox toggled, with the
widget id the server gave it) and reads ForwardMsgs: what is timed is the server's work
(queueing, the script run, sending the deltas) on loopback. Each session waits
``--think`` seconds (±50 %, seeded) between actions. Prints p50/p95/max per session
count, the server's CPU seconds, and whether p95 ≤ 150 ms at 20 sessions (the issue's
target). A benchmark: it prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.measure import percentile
from tests.browser_support import StreamlitServer
from tests.st_protocol import FINISHED_SUCCESSFULLY, Session, connect

TOGGLED = "Syria-wide events (chronology only)"  # the checkbox each action toggles
TARGET_MS, TARGET_SESSIONS = 150, 20
CLOCK_TICKS = 100


async def _until_finished(session: Session, widgets: dict[str, str], timeout: float) -> None:
    """Read messages until a run finishes; note each checkbox's widget id by its label."""
    deadline = time.monotonic() + timeout
    while True:
        msg: ForwardMsg = await session.next_msg(max(0.1, deadline - time.monotonic()))
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            if element.WhichOneof("type") == "checkbox":
                widgets[element.checkbox.label] = element.checkbox.id
        elif kind == "script_finished" and msg.script_finished == FINISHED_SUCCESSFULLY:
            return


def _toggle(widget_id: str, value: bool) -> bytes:
    """The BackMsg a browser sends when the checkbox is clicked."""
    msg = BackMsg()
    msg.rerun_script.query_string = ""
    state = msg.rerun_script.widget_states.widgets.add()
    state.id, state.bool_value = widget_id, value
    return msg.SerializeToString()


async def _one_session(url: str, actions: int, think: float, seed: int, times: list[float]) -> None:
    rng = random.Random(seed)
    session = await connect(url)
    widgets: dict[str, str] = {}
    try:
        await session.ws.send(_first_run())
        await _until_finished(session, widgets, 120)
        value = True
        for _ in range(actions):
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))
            value = not value
            start = time.monotonic()
            await session.ws.send(_toggle(widgets[TOGGLED], value))
            await _until_finished(session, widgets, 120)
            times.append((time.monotonic() - start) * 1000)
    finally:
        await session.close()


def _first_run() -> bytes:
    msg = BackMsg()
    msg.rerun_script.query_string = ""
    return msg.SerializeToString()


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


async def _round(url: str, sessions: int, actions: int, think: float) -> list[float]:
    times: list[float] = []
    await asyncio.gather(
        *(_one_session(url, actions, think, seed, times) for seed in range(sessions))
    )
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 5, 20, 50])
    parser.add_argument("--actions", type=int, default=12, help="filter changes per session")
    parser.add_argument("--think", type=float, default=2.0, help="seconds between actions")
    args = parser.parse_args()
    server = StreamlitServer("app.py")
    url = server.start()
    try:
        assert server.proc is not None
        print(f"{'sessions':>8} {'actions':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
              f"{'server CPU s':>13}")  # fmt: skip
        for count in args.sessions:
            cpu = _cpu_seconds(server.proc.pid)
            times = asyncio.run(_round(url, count, args.actions, args.think))
            cpu = _cpu_seconds(server.proc.pid) - cpu
            times.sort()
            print(
                f"{count:>8} {len(times):>8} {percentile(times, 50):>8.0f} "
                f"{percentile(times, 95):>8.0f} {times[-1]:>8.0f} {cpu:>13.1f}"
            )
            if count == TARGET_SESSIONS:
                verdict = "met" if percentile(times, 95) <= TARGET_MS else "NOT met"
                print(f"target p95 <= {TARGET_MS} ms at {count} sessions: {verdict}")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
