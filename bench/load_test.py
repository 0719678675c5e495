"""Concurrent sessions: N browser sessions against one app server, each changing a filter
and opening sites for a fixed time; prints errors and p50/p95 of filter change → map
updated. A benchmark (prints figures, asserts nothing); traffic stays on loopback.

    .venv/bin/python bench/load_test.py --sessions 20 --seconds 60
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
sys.path[:0] = [str(REPO_ROOT), str(REPO_ROOT / "tests")]

from playwright.async_api import async_playwright  # noqa: E402

from browser_support import (  # noqa: E402
    CHROMIUM_ARGS,
    CHROMIUM_PATH,
    FOLIUM_IFRAME,
    StreamlitServer,
    is_local_url,
)

MARKERS = ".leaflet-marker-pane .atlas-marker"
COUNT_JS = f"() => document.querySelectorAll({json.dumps(MARKERS)}).length"


async def _session(browser, url: str, seconds: float, number: int) -> dict:
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
    try:
        await page.goto(url, wait_until="domcontentloaded", timeout=120_000)
        iframe = await page.wait_for_selector(FOLIUM_IFRAME, timeout=120_000)
        frame = await iframe.content_frame()
        await frame.wait_for_selector(MARKERS, timeout=120_000)
        checkbox = page.get_by_role("checkbox", name="DPRK Embassy")
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            before = await frame.evaluate(COUNT_JS)
            start = time.monotonic()
            await checkbox.click(force=True)
            await frame.wait_for_function(f"({COUNT_JS})() !== {before}", timeout=30_000)
            timings.append(time.monotonic() - start)
            marker = frame.locator(MARKERS).nth(number % 4)
            await marker.click()
            opened += 1
            await page.wait_for_timeout(300)
    except Exception as exc:  # a failed session is a result here, not a crash
        errors.append(f"{type(exc).__name__}: {exc}"[:300])
    finally:
        await context.close()
    return {"timings": timings, "errors": errors, "blocked": blocked, "opened": opened}


async def main(sessions: int, seconds: float) -> dict:
    server = StreamlitServer("app.py")
    url = server.start()
    try:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
            results = await asyncio.gather(
                *(_session(browser, url, seconds, n) for n in range(sessions))
            )
            await browser.close()
    finally:
        server.stop()
    timings = sorted(t for r in results for t in r["timings"])
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)] if timings else None
    return {
        "sessions": sessions,
        "seconds": seconds,
        "filter_changes": len(timings),
        "sites_opened": sum(r["opened"] for r in results),
        "p50_s": statistics.median(timings) if timings else None,
        "p95_s": p95,
        "sessions_with_errors": sum(1 for r in results if r["errors"]),
        "errors": [e for r in results for e in r["errors"]][:10],
        "blocked_requests": sum(len(r["blocked"]) for r in results),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    figures = asyncio.run(main(args.sessions, args.seconds))
    print(json.dumps(figures, indent=2))
