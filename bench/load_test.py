"""Concurrent sessions: N browser sessions against one app server, each changing a filter
and opening sites for a fixed time; prints errors and p50/p95 of filter change → map
updated, and where the machine's CPU went. A benchmark (prints figures, asserts nothing);
traffic stays on loopback.

    make load-test                      # 20 sessions, 60 s
    .venv/bin/python -m bench.load_test --sessions 30 --seconds 90 --think 2

All sessions open the page at the same moment (a class opening one link). Each then
loops: click a sidebar layer checkbox, wait until the map's marker count changes, click a
site marker and wait for its panel beside the map, pause ``--think`` seconds. Latency is
measured on the page's own clock (the click event's timestamp to the animation frame
that shows the new marker count), so Playwright's round trips are not counted. The
server and every browser page share this machine's cores; the CPU split printed at the
end says how much of the machine the server itself used.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path

from playwright.async_api import async_playwright

from bench.measure import (
    JS_ARM_CLICK,
    JS_MARKERS_AT_LEAST,
    JS_MARKERS_NOT,
    SITES,
    median,
    peak_rss_mb,
    percentile,
)
from tests.browser_support import (
    CHROMIUM_ARGS,
    CHROMIUM_PATH,
    FOLIUM_IFRAME,
    StreamlitServer,
    is_local_url,
)

BENCH_DIR = Path(__file__).resolve().parent

MARKERS = ".leaflet-marker-pane .atlas-marker"
LAYER = "DPRK Embassy"  # a sidebar layer checkbox
WAIT_MS = 60_000
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def machine_cpu_seconds() -> float:
    """Busy CPU time of the whole machine, all cores (from /proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / CLOCK_TICKS


async def _session(browser, url: str, seconds: float, think: float, number: int) -> dict:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    blocked: list[str] = []
    errors: list[str] = []

    async def police(route) -> None:
        if is_local_url(route.request.url):
            await route.continue_()
        else:
            blocked.append(route.request.url)
            await route.abort("blockedbyclient")

    await context.route("**/*", police)
    page = await context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    timings: list[float] = []
    opened = 0
    load_s = None
    try:
        await page.goto(url, wait_until="commit", timeout=WAIT_MS)
        shown = await page.wait_for_function(
            JS_MARKERS_AT_LEAST, arg=SITES, polling="raf", timeout=WAIT_MS * 2
        )
        load_s = (await shown.json_value())["t"] / 1000
        frame = await (await page.wait_for_selector(FOLIUM_IFRAME)).content_frame()
        checkbox = page.get_by_role("checkbox", name=LAYER)
        await page.locator(FOLIUM_IFRAME).scroll_into_view_if_needed()
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            count = await frame.locator(MARKERS).count()
            await page.evaluate(JS_ARM_CLICK)
            await checkbox.click(force=True)
            changed = await page.wait_for_function(
                JS_MARKERS_NOT, arg=count, polling="raf", timeout=WAIT_MS
            )
            clicked = await page.evaluate("() => window.__benchClick")
            hit = await changed.json_value()
            if "error" in hit:
                raise RuntimeError(f"the page shows an exception: {hit['error']}")
            timings.append((hit["t"] - clicked) / 1000)
            marker = frame.locator(MARKERS).nth((number + opened) % 4)
            site = await marker.get_attribute("data-site-id")
            await marker.click()
            await page.locator(f'section[data-site-id="{site}"]').wait_for(timeout=WAIT_MS)
            opened += 1
            await page.wait_for_timeout(think * 1000)
    except Exception as exc:  # a failed session is a result here, not a crash
        errors.append(f"{type(exc).__name__}: {exc}"[:300])
    finally:
        await context.close()
    return {
        "load_s": load_s,
        "timings": timings,
        "errors": errors,
        "blocked": blocked,
        "opened": opened,
    }


async def run(sessions: int, seconds: float, think: float) -> dict:
    server = StreamlitServer("app.py")
    url = server.start()
    pid = server.proc.pid
    try:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
            server_cpu, machine_cpu, wall = cpu_seconds(pid), machine_cpu_seconds(), time.time()
            results = await asyncio.gather(
                *(_session(browser, url, seconds, think, n) for n in range(sessions))
            )
            wall = time.time() - wall
            server_cpu = cpu_seconds(pid) - server_cpu
            machine_cpu = machine_cpu_seconds() - machine_cpu
            await browser.close()
        rss = peak_rss_mb(pid)
    finally:
        server.stop()
    timings = [t for r in results for t in r["timings"]]
    loads = [r["load_s"] for r in results if r["load_s"] is not None]
    cores = len(os.sched_getaffinity(0))
    return {
        "sessions": sessions,
        "seconds": seconds,
        "think_s": think,
        "cores": cores,
        "first_load_all_sites_p50_s": median(loads),
        "first_load_all_sites_max_s": max(loads, default=None),
        "filter_changes": len(timings),
        "sites_opened": sum(r["opened"] for r in results),
        "filter_to_map_p50_s": median(timings),
        "filter_to_map_p95_s": percentile(timings, 95),
        "sessions_with_errors": sum(1 for r in results if r["errors"]),
        "errors": [e for r in results for e in r["errors"]][:10],
        "blocked_requests": sum(len(r["blocked"]) for r in results),
        "wall_s": wall,
        "server_cpu_s": server_cpu,
        "server_cpu_s_per_filter_change": server_cpu / len(timings) if timings else None,
        "machine_busy_pct": 100 * machine_cpu / (wall * cores),
        "server_share_of_busy_pct": 100 * server_cpu / machine_cpu if machine_cpu else None,
        "server_peak_rss_mb": rss,
    }


def report(figures: dict) -> None:
    def s(key: str, fmt: str = "{:.2f}") -> str:
        value = figures.get(key)
        return "—" if value is None else fmt.format(value)

    print(
        f"\n{figures['sessions']} sessions × {figures['seconds']:.0f} s on "
        f"{figures['cores']} cores (think time {figures['think_s']:.1f} s)\n"
        f"  first load → 5 sites visible      p50 {s('first_load_all_sites_p50_s')} s, "
        f"max {s('first_load_all_sites_max_s')} s\n"
        f"  filter change → map updated       p50 {s('filter_to_map_p50_s')} s, "
        f"p95 {s('filter_to_map_p95_s')} s over {figures['filter_changes']} changes\n"
        f"  sites opened                      {figures['sites_opened']}\n"
        f"  sessions with errors              {figures['sessions_with_errors']} "
        f"(blocked requests: {figures['blocked_requests']})\n"
        f"  machine busy                      {s('machine_busy_pct', '{:.0f}')} % of all cores; "
        f"the server {s('server_share_of_busy_pct', '{:.0f}')} % of that\n"
        f"  server CPU per filter change      {s('server_cpu_s_per_filter_change', '{:.3f}')} s "
        f"(includes the site clicks and page loads)\n"
        f"  server peak RSS                   {s('server_peak_rss_mb', '{:.0f}')} MB"
    )
    for error in figures["errors"]:
        print(f"  error: {error}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--think", type=float, default=0.3, help="pause after each step (s)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    result = asyncio.run(run(args.sessions, args.seconds, args.think))
    report(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    sys.exit(1 if result["sessions_with_errors"] or not result["filter_changes"] else 0)
