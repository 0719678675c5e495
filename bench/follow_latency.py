"""How long a class's audience lags its presenter (the follow link, issue 14 §2).

One server of app.py (its own class store in a temporary folder), a presenter and an
audience in two Chromium contexts at 1024×768. The presenter starts a class on step 1 and
presses Next ``--steps`` times; each time this measures, from the click, when the
presenter's own page shows the new step (the baseline: one rerun of the page) and when
the audience's stage does (its poll, about once a second, then its own rerun). Prints the
medians, their ratio and the poll interval. Not a test; asserts nothing.

    .venv/bin/python -m bench.follow_latency --steps 8
"""

from __future__ import annotations

import argparse
import tempfile
import time

from bench.measure import REPO_ROOT, log, median, percentile, ratio
from layers.state.classroom import ENV
from layers.ui.classroom import POLL_S  # the audience poll
from tests.browser_support import (
    CHROMIUM_ARGS,
    CHROMIUM_PATH,
    StreamlitServer,
    police_requests,
    wait_for_app,
)
from tests.browser_support import PageDiagnostics as Diagnostics

LESSON = "north-korea-in-syria"
STEP = "section[aria-label='Lesson step']"
WAIT_MS = 60_000


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.follow_latency")
    parser.add_argument("--steps", type=int, default=8, help="presses of Next (at most 10)")
    steps = min(max(parser.parse_args().steps, 1), 10)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="atlas-bench-classes-") as store:
        server = StreamlitServer("app.py", env={ENV: store}, cwd=REPO_ROOT)
        try:
            server.start()
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
                pages = []
                for _ in range(2):
                    context = browser.new_context(viewport={"width": 1024, "height": 768})
                    context.set_default_timeout(WAIT_MS)
                    police_requests(context, Diagnostics())
                    pages.append(context.new_page())
                teacher, room = pages
                teacher.goto(f"{server.url}/?lesson={LESSON}&step=1")
                wait_for_app(teacher, timeout=WAIT_MS)
                teacher.get_by_role("button", name="Start a class").click()
                code = teacher.wait_for_selector("[data-class-code]").get_attribute(
                    "data-class-code"
                )
                room.goto(f"{server.url}/?follow={code}")
                room.wait_for_selector("[data-follow='live'][data-follow-step='1']")
                own, audience = [], []
                for step in range(2, steps + 2):
                    wait_for_app(teacher)
                    wait_for_app(room)
                    start = time.monotonic()
                    teacher.locator(".st-key-lesson-next button").click()
                    teacher.wait_for_selector(f"{STEP}[data-step='{step}']")
                    own.append(time.monotonic() - start)
                    room.wait_for_selector(f"[data-follow='live'][data-follow-step='{step}']")
                    audience.append(time.monotonic() - start)
                    log(f"  step {step}: presenter {own[-1]:.2f} s, audience {audience[-1]:.2f} s")
                browser.close()
        finally:
            server.cleanup()
    print(f"Next pressed {steps} times; audience polls every {POLL_S:.1f} s")
    print(f"  presenter's own page updated: median {median(own):.2f} s")
    print(
        f"  audience's stage updated:     median {median(audience):.2f} s, "
        f"p95 {percentile(audience, 95):.2f} s, max {max(audience):.2f} s"
    )
    print(f"  ratio audience / presenter (median): {ratio(median(audience), median(own)):.1f}")


if __name__ == "__main__":
    main()
