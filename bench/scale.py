"""Scale figures for `make bench`: the real app with an extra layer of 1,000 to 100,000
synthetic points (cold load, filter change, server peak memory), and the offline HTML
bundle (size, time to markers from file://).

The extra layer goes in through ``ATLAS_EXTRA_LAYERS``, as an analyst's folder would:
each size gets its own server of ``app.py``, so its peak RSS (VmHWM) is that layer's
cost. ``bench/extra_layers.py`` compares drawing modes on a stripped page; this module
measures what a user of the app gets.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from bench.measure import (
    REPO_ROOT,
    Budget,
    OutOfTime,
    diag_dict,
    fresh_page,
    log,
    measure_filter,
    peak_rss_mb,
    timed_load,
)
from tests.browser_support import StreamlitServer, file_only

APP_SCRIPT = REPO_ROOT / "app.py"
LOAD_TIMEOUT_MS = 120_000  # 100,000 points on a busy 2-core machine: be patient
MARKERS_JS = ".leaflet-marker-pane .atlas-marker"


def _synthetic_folder(root: Path, points: int) -> Path:
    from tests.factories import synthetic_points

    folder = root / f"points-{points}"
    folder.mkdir()
    raw = synthetic_points(points, seed=points)
    (folder / f"synthetic-{points}.geojson").write_bytes(raw)
    log(f"  synthetic layer of {points:,} points: {len(raw) / 1e6:.1f} MB of GeoJSON")
    return folder


def measure_extra_layer(
    browser,
    points: int,
    runs: int,
    filter_reps: int,
    budget: Budget,
    errors: list[str],
    out: dict[str, Any],
) -> None:
    """One server of app.py with a ``points``-point extra layer; fills ``out`` as it goes."""
    out.update({"points": points, "first": None, "cold": [], "diagnostics": []})
    with tempfile.TemporaryDirectory(prefix="atlas-bench-extra-") as tmp:
        folder = _synthetic_folder(Path(tmp), points)
        env = {"PYTHONPATH": str(REPO_ROOT), "ATLAS_EXTRA_LAYERS": str(folder)}
        server = StreamlitServer(APP_SCRIPT.relative_to(REPO_ROOT), env=env, cwd=REPO_ROOT)
        try:
            server.start()
            out["rss_after_start_mb"] = peak_rss_mb(server.proc.pid)
            for kind in ["first"] + ["cold"] * runs:
                budget.check(20)
                with fresh_page(browser) as (page, diagnostics):
                    try:
                        sample = timed_load(page, server.url, points, LOAD_TIMEOUT_MS)
                    finally:
                        out["diagnostics"].append(diag_dict(diagnostics))
                sample.pop("phases", None)
                if kind == "first":
                    out["first"] = sample
                else:
                    out["cold"].append(sample)
                log(f"  {points:>7,} points, {kind} load: {sample['s']:.2f} s")
            if filter_reps:
                budget.check(30)
                out["filter"] = {}
                try:
                    measure_filter(
                        browser, server.url, filter_reps, budget, out["filter"], points=points
                    )
                finally:
                    if "diagnostics" in out["filter"]:
                        out["filter"]["diagnostics"] = diag_dict(out["filter"]["diagnostics"])
        except OutOfTime:
            raise
        except Exception as exc:
            errors.append(f"extra layer {points:,}: {exc}".splitlines()[0][:300])
            log(f"  {points:,} points FAILED: {exc}\n--- server output (tail) ---")
            log(server.output()[-1500:])
        finally:
            if server.proc is not None:
                out["rss_peak_mb"] = peak_rss_mb(server.proc.pid)
            server.cleanup()


def measure_bundle(browser, runs: int, errors: list[str], out: dict[str, Any]) -> None:
    """The offline HTML bundle of the whole atlas: bytes, and navigation -> every located
    site's marker drawn, opened from file:// with every other request aborted."""
    from layers.data.filters import Filters, sites_shown
    from layers.data.load import DEFAULT_DATA_DIR, load_atlas
    from layers.export import export

    atlas = load_atlas(DEFAULT_DATA_DIR)
    located = len(sites_shown(atlas, Filters(), list(atlas.events)))
    out.update({"samples_ms": [], "blocked": [], "errors": [], "located": located})
    with tempfile.TemporaryDirectory(prefix="atlas-bench-bundle-") as tmp:
        t0 = time.perf_counter()
        path = export(atlas, Filters(), "html", Path(tmp) / "atlas.html")
        out["export_s"] = time.perf_counter() - t0
        out["bytes"] = path.stat().st_size
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            try:
                context.route("**/*", lambda route: file_only(route, out["blocked"]))
                page = context.new_page()
                page.on("pageerror", lambda exc: out["errors"].append(str(exc)))
                page.goto(path.as_uri(), wait_until="commit")
                shown = page.wait_for_function(
                    f"() => document.querySelectorAll('{MARKERS_JS}').length === {located}"
                    " && performance.now()",
                    polling="raf",
                    timeout=30_000,
                ).json_value()
                out["samples_ms"].append(shown)
            except Exception as exc:
                errors.append(f"bundle: {exc}".splitlines()[0][:300])
                break
            finally:
                context.close()
    log(
        f"  {out['bytes'] / 1e3:.0f} kB, markers visible after "
        + ", ".join(f"{ms:.0f}" for ms in out["samples_ms"])
        + " ms"
    )
