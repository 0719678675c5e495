"""The lesson's offline file (issue 14 §5): its size, and how soon the first step's markers are
visible after it is opened from file://, against the single-view bundle in the same run.

Both files are written by the exporter into a temporary folder: the lesson (every shipped
lesson's first one, `layers.export.lesson_html`) and, as the baseline, the single-view
bundle of the whole atlas (`layers.export.export(..., "html")`, what `make bench`'s bundle
row opens). Each load is a new browser context at 1024×768 (a projector) with every request
but file: and data: aborted; the loads alternate lesson / baseline, the order flipped every
run (ABBA). The time is the page's own clock (`performance.now()`, navigation start = 0) on
the animation frame where the lesson's stage says its first step is drawn (``data-step`` =
1 on #atlas-lesson, set once that step's site markers are in the marker pane; their count
is checked) or, for the baseline, where every located site's marker is in the pane.
Targets: ≤ 1 s (the issue's figure) and ≤ 3 MB.

Run alone: ``.venv/bin/python -m bench.lesson_bundle [--runs 5]``; ``make bench`` runs it
after the single-view bundle row (``--skip lesson`` leaves it out).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.measure import log, median, ratio
from tests.browser_support import file_only

TARGET_FIRST_STEP_MS = 1000.0
TARGET_BYTES = 3 * 1024 * 1024
VIEWPORT = {"width": 1024, "height": 768}
_MARKERS = ".leaflet-marker-pane .atlas-marker"


def _drawn(count: int, stage: bool) -> str:
    """The JavaScript condition that says `count` site markers are drawn (and, on the lesson's
    stage, that its first step is the one shown)."""
    drawn = f"document.querySelectorAll({json.dumps(_MARKERS)}).length === {count}"
    step = "document.getElementById('atlas-lesson')?.dataset.step === '1' && "
    return (step if stage else "") + drawn


def _load(browser, path: Path, condition: str, out: dict[str, Any]) -> float:
    context = browser.new_context(viewport=VIEWPORT)
    try:
        context.route("**/*", lambda route: file_only(route, out["blocked"]))
        page = context.new_page()
        page.on("pageerror", lambda exc: out["errors"].append(str(exc)))
        page.on("console", lambda m: out["errors"].append(m.text) if m.type == "error" else None)
        page.goto(path.as_uri(), wait_until="commit")
        return page.wait_for_function(
            f"() => ({condition}) && performance.now()", polling="raf", timeout=30_000
        ).json_value()
    finally:
        context.close()


def measure_lesson_bundle(browser, runs: int, errors: list[str], out: dict[str, Any]) -> None:
    """Fill `out` with the files' sizes and the load samples (ms) of both."""
    from layers.data.filters import Filters, sites_shown
    from layers.data.lessons import load_lessons
    from layers.data.load import DEFAULT_DATA_DIR, load_atlas
    from layers.export import export, lesson_html

    atlas = load_atlas(DEFAULT_DATA_DIR)
    lessons, _ = load_lessons(DEFAULT_DATA_DIR, atlas)
    if not lessons:
        errors.append("lesson bundle: no valid lesson in geodata/lessons/")
        return
    lesson = lessons[0]
    located = len(sites_shown(atlas, Filters(), list(atlas.events)))
    out.update({"lesson": lesson.id, "lesson_ms": [], "single_ms": [], "blocked": [], "errors": []})
    with tempfile.TemporaryDirectory(prefix="atlas-bench-lesson-") as tmp:
        t0 = time.perf_counter()
        data = lesson_html(atlas, lesson)
        out["export_s"] = time.perf_counter() - t0
        lesson_path = Path(tmp) / "lesson.html"
        lesson_path.write_bytes(data)
        single_path = export(atlas, Filters(), "html", Path(tmp) / "single.html")
        out["bytes"] = len(data)
        out["single_bytes"] = single_path.stat().st_size
        first = json.loads(data.split(b'id="atlas-lesson-data">', 1)[1].split(b"</script>", 1)[0])[
            "steps"
        ][0]
        files = {
            "lesson": (lesson_path, _drawn(len(first["sites"]), stage=True)),
            "single": (single_path, _drawn(located, stage=False)),
        }
        try:
            for run in range(runs):
                order = ("lesson", "single") if run % 2 == 0 else ("single", "lesson")
                for name in order:
                    path, condition = files[name]
                    out[f"{name}_ms"].append(_load(browser, path, condition, out))
        except Exception as exc:
            errors.append(f"lesson bundle: {exc}".splitlines()[0][:300])
    if out["blocked"] or out["errors"]:
        errors.append(f"lesson bundle: blocked {out['blocked'][:3]}, errors {out['errors'][:3]}")
    log(
        f"  lesson file {out['bytes'] / 1e3:.0f} kB ({lesson.id}), single-view bundle "
        f"{out['single_bytes'] / 1e3:.0f} kB; first step's markers after "
        + ", ".join(f"{ms:.0f}" for ms in out["lesson_ms"])
        + " ms; single-view bundle's markers after "
        + ", ".join(f"{ms:.0f}" for ms in out["single_ms"])
        + " ms"
    )


def lesson_rows(out: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The report's rows (bench.report.print_table's form) for what was measured."""
    if not out or not out.get("lesson_ms"):
        return []
    app, base = median(out["lesson_ms"]), median(out["single_ms"])
    return [
        {
            "metric": "Lesson offline file, size; baseline: the single-view bundle",
            "app": out["bytes"] / 1e3,
            "baseline": out["single_bytes"] / 1e3,
            "ratio": ratio(out["bytes"], out["single_bytes"]),
            "unit": "kB",
            "target": "≤ 3 MB",
            "met": out["bytes"] <= TARGET_BYTES,
        },
        {
            "metric": f"Lesson offline file from file:// → first step's markers, median "
            f"(n={len(out['lesson_ms'])}); baseline: the single-view bundle's markers",
            "app": app,
            "baseline": base,
            "ratio": ratio(app, base),
            "unit": "ms",
            "target": f"≤ {TARGET_FIRST_STEP_MS:.0f} ms",
            "met": app is not None and app <= TARGET_FIRST_STEP_MS,
        },
    ]


def main(argv: list[str] | None = None) -> int:
    from playwright.sync_api import sync_playwright

    from bench.report import print_table
    from tests.browser_support import CHROMIUM_ARGS, CHROMIUM_PATH

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="loads of each file (default 5)")
    args = parser.parse_args(argv)
    errors: list[str] = []
    out: dict[str, Any] = {}
    log(f"Lesson offline file vs single-view bundle ({args.runs} loads each from file://):")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        try:
            measure_lesson_bundle(browser, args.runs, errors, out)
        finally:
            browser.close()
    log("")
    print_table(lesson_rows(out))
    if errors:
        log("\nCould not measure everything:\n  " + "\n  ".join(errors))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
