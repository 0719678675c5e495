"""Benchmark: how fast the atlas shows its sites, compared with a bare st_folium page.

Run with ``make bench`` (``.venv/bin/python -m bench.run``); ``--help`` for options.
It prints figures and writes them to ``bench/results/latest.json``. It is not a test:
it asserts nothing about the figures, and exits non-zero only if it could not measure.

What it measures (details in bench/README.md):

1. Cold page load, app.py vs bench/bare_page.py: navigation start -> five markers in the
   st_folium iframe's ``.leaflet-marker-pane``. Headless Chromium, a fresh browser
   context per load (empty cache), every non-loopback request aborted. Loads alternate
   between the two pages. Warm loads: the same page navigated again in the same context.
2. Filter change in the app: click a sidebar layer checkbox -> marker count in the
   iframe changes; and back. Checks that the map's zoom/centre survive.
3. Server-side script rerun, app.py vs bare_page.py, with streamlit.testing.v1.AppTest:
   wall time of ``at.run()`` (in-process; no browser, no websocket, no rendering).

Both servers run from the repo root, so ``.streamlit/config.toml`` (static serving)
applies to both. The browser harness is shared with the tests: tests/browser_support.py.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import signal
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from bench.figures import measure_figures
from bench.lesson_bundle import lesson_rows, measure_lesson_bundle
from bench.measure import (
    FILTER_LAYER,
    Budget,
    OutOfTime,
    diag_dict,
    log,
    measure_filter,
    measure_loads,
    median,
    peak_rss_mb,
)
from bench.report import BIG_LAYER_EVENTS, build_table, print_phases, print_table
from bench.scale import measure_bundle, measure_extra_layer
from tests.browser_support import (
    CHROMIUM_ARGS,
    CHROMIUM_PATH,
    StreamlitServer,
    browser_available,
)

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent

APP_SCRIPT = REPO_ROOT / "app.py"
BARE_SCRIPT = BENCH_DIR / "bare_page.py"
RESULTS = BENCH_DIR / "results" / "latest.json"


# --------------------------------------------------------------------------- machine


def version(pkg: str) -> str:
    try:
        return importlib.metadata.version(pkg)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def machine_info() -> dict[str, Any]:
    try:
        chromium = subprocess.run(
            [CHROMIUM_PATH, "--version"], capture_output=True, text=True, timeout=20
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError) as exc:
        chromium = f"unknown ({exc})"
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_count": os.cpu_count(),
        "loadavg_1m_at_start": os.getloadavg()[0],
        "python": platform.python_version(),
        "platform": platform.platform(),
        "chromium": chromium,
        "streamlit": version("streamlit"),
        "folium": version("folium"),
        "streamlit-folium": version("streamlit-folium"),
        "playwright": version("playwright"),
    }


def busy_warning(load: float, nproc: int, when: str) -> None:
    """The figures are only comparable on an otherwise idle machine; say so when it is not."""
    if load > 0.5 * nproc:
        log(
            f"WARNING: 1-minute load average {load:.2f} {when} on {nproc} CPUs: something "
            "else is running, and the figures will be noisy and slow"
        )


def ensure_static_link() -> str:
    """Make /app/static resolve for bench/bare_page.py.

    Streamlit serves ``<main script dir>/static`` (file_util.get_app_static_dir), so the
    baseline, which lives in bench/, would get 404s for the vendored Leaflet and render
    nothing. A relative symlink ``bench/static -> ../static`` serves the very same files
    (Streamlit resolves the root with realpath). It is created here rather than
    committed, and ignored by bench/.gitignore.
    """
    link = BENCH_DIR / "static"
    if link.is_symlink():
        if link.resolve() == (REPO_ROOT / "static").resolve():
            return "existing bench/static symlink"
        raise RuntimeError(f"{link} is a symlink to {os.readlink(link)}, expected ../static")
    if link.exists():
        raise RuntimeError(f"{link} exists and is not a symlink to ../static")
    link.symlink_to(Path("..") / "static", target_is_directory=True)
    return "created bench/static -> ../static"


# --------------------------------------------------------------------------- AppTest reruns


def measure_reruns(
    script: Path, runs: int, warmup: int, budget: Budget, *, new_view: bool = False
) -> dict[str, Any]:
    """AppTest reruns of ``script``. An unchanged rerun finds the page's parts kept
    (layers/state/memo.py); with ``new_view`` they are dropped before every run, as for a
    view no session has drawn yet (the base map stays prepared: it is once per process)."""
    from streamlit.testing.v1 import AppTest

    from layers.state import memo

    at = AppTest.from_file(str(script), default_timeout=60)
    t0 = time.perf_counter()
    at.run()
    first = time.perf_counter() - t0
    if at.exception:
        raise RuntimeError(f"{script.name} raised: {at.exception[0].message}")
    for _ in range(warmup):
        at.run()
    times = []
    for _ in range(runs):
        budget.check(2)
        if new_view:
            memo.clear()
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
    if at.exception:
        raise RuntimeError(f"{script.name} raised: {at.exception[0].message}")
    return {"first_s": first, "warmup": warmup, "runs_s": times}


def measure_big_layer(args, budget: Budget, errors: list[str], result: dict[str, Any]) -> None:
    """The security review's chronology probe: a schema layer of 20,000 events on one
    site (ATLAS_EXTRA_LAYERS), AppTest reruns of app.py with it and, as the baseline,
    without it, in this process. The rerun throttle (layers/ui/rerun_throttle.py) is
    lifted: it spaces a client's back-to-back reruns on purpose, and this measures the
    script's own cost."""
    import tempfile

    from layers.ui import rerun_throttle
    from tests.factories import schema_events_layer

    log(f"\nA {BIG_LAYER_EVENTS:,}-event schema layer, AppTest reruns with and without it:")
    rerun_throttle.RUNS_PER_S = 1e9
    result["events"] = {}
    with tempfile.TemporaryDirectory(prefix="atlas-bench-events-") as tmp:
        (Path(tmp) / "events.geojson").write_bytes(schema_events_layer(BIG_LAYER_EVENTS))
        for name, folder, new_view in (
            ("bare", None, False),
            ("app", tmp, False),
            ("app-new-view", tmp, True),
        ):
            previous = os.environ.pop("ATLAS_EXTRA_LAYERS", None)
            if folder:
                os.environ["ATLAS_EXTRA_LAYERS"] = folder
            try:
                budget.check(10)
                r = measure_reruns(APP_SCRIPT, args.events_runs, 2, budget, new_view=new_view)
                result["events"][name] = r
                log(
                    f"  {'with' if folder else 'without'} the layer"
                    f"{', a view not drawn before' if new_view else ''}: first run "
                    f"{r['first_s']:.2f} s, median rerun {median(r['runs_s']):.3f} s"
                )
            except Exception as exc:
                errors.append(f"events {name}: {exc}")
                log(f"  {name}: FAILED: {exc}")
            finally:
                os.environ.pop("ATLAS_EXTRA_LAYERS", None)
                if previous is not None:
                    os.environ["ATLAS_EXTRA_LAYERS"] = previous


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=5, help="cold loads per page (default 5)")
    p.add_argument("--no-warm", action="store_true", help="skip the warm (cached) reloads")
    p.add_argument(
        "--filter-reps",
        type=int,
        default=5,
        help="filter off/on cycles in the app (default 5, i.e. 10 changes)",
    )
    p.add_argument("--rerun-runs", type=int, default=30, help="timed AppTest reruns (30)")
    p.add_argument("--rerun-warmup", type=int, default=3, help="AppTest warm-up runs (3)")
    p.add_argument(
        "--budget",
        type=float,
        default=600,
        help="stop measuring after this many seconds (default 600)",
    )
    p.add_argument(
        "--extra-points",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[1_000, 10_000, 100_000],
        help="sizes of the synthetic extra layer, comma-separated (1000,10000,100000)",
    )
    p.add_argument("--extra-runs", type=int, default=3, help="cold loads per layer size (3)")
    p.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=["loads", "filter", "extra", "bundle", "lesson", "reruns", "figure", "events"],
        help="skip a part (repeatable)",
    )
    p.add_argument("--figure-runs", type=int, default=3, help="timed renders per format (3)")
    p.add_argument(
        "--events-runs", type=int, default=10, help="timed reruns per script, events part (10)"
    )
    p.add_argument("--out", type=Path, default=RESULTS, help=f"JSON output ({RESULTS})")
    return p.parse_args(argv)


def _terminate(signum, _frame):  # SIGTERM/SIGHUP: unwind so every finally block runs
    raise SystemExit(128 + signum)


def run_browser_parts(args, budget: Budget, errors: list[str], result: dict[str, Any]) -> None:
    from playwright.sync_api import sync_playwright

    servers: dict[str, StreamlitServer] = {}
    tails: dict[str, str] = {}
    try:
        log(f"\nstatic for the baseline: {ensure_static_link()}")
        env = {"PYTHONPATH": str(REPO_ROOT)}
        for name, script in (("app", APP_SCRIPT), ("bare", BARE_SCRIPT)):
            server = StreamlitServer(script.relative_to(REPO_ROOT), env=env, cwd=REPO_ROOT)
            servers[name] = server
            t0 = time.perf_counter()
            server.start()
            log(
                f"server {name}: {server.url} ({script.relative_to(REPO_ROOT)}), "
                f"healthy after {time.perf_counter() - t0:.1f} s"
            )
        urls = {name: s.url for name, s in servers.items()}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
            try:
                result["machine"]["chromium_playwright"] = browser.version
                if "loads" not in args.skip:
                    log(
                        f"\nPage loads ({args.runs} cold per page, alternating"
                        f"{'' if args.no_warm else ', each followed by a warm reload'}):"
                    )
                    result["loads"] = {}
                    try:
                        measure_loads(
                            browser,
                            urls,
                            args.runs,
                            not args.no_warm,
                            budget,
                            errors,
                            result["loads"],
                        )
                    except OutOfTime as exc:
                        errors.append(f"loads: {exc}")
                if "filter" not in args.skip:
                    log(
                        f"\nFilter change in the app ('{FILTER_LAYER}…' layer checkbox, "
                        f"{args.filter_reps}× off and on):"
                    )
                    result["filter"] = {}
                    try:
                        budget.check(20)
                        measure_filter(
                            browser, urls["app"], args.filter_reps, budget, result["filter"]
                        )
                    except Exception as exc:
                        errors.append(f"filter: {exc}")
                        log(f"  FAILED: {exc}")
                    finally:
                        if "diagnostics" in result["filter"]:
                            result["filter"]["diagnostics"] = diag_dict(
                                result["filter"]["diagnostics"]
                            )
                result["rss_peak_mb"] = {
                    name: peak_rss_mb(s.proc.pid) for name, s in servers.items() if s.proc
                }
                for name, server in servers.items():  # free the cores for what follows
                    tails[name] = server.output()[-2000:]
                    server.stop()
                run_scale_parts(browser, args, budget, errors, result)
            finally:
                browser.close()
    except Exception as exc:
        errors.append(f"browser part: {exc}")
        log(f"browser part FAILED: {exc}")
        traceback.print_exc()
        for name, server in servers.items():
            tail = tails.get(name) or server.output()[-2000:]
            if tail.strip():
                log(f"--- server {name} output (tail) ---\n{tail}")
    finally:
        for server in servers.values():
            server.cleanup()


def run_scale_parts(browser, args, budget: Budget, errors: list[str], result: dict) -> None:
    """The app with extra layers of growing size, then the offline HTML bundle."""
    if "extra" not in args.skip:
        sizes = ", ".join(f"{n:,}" for n in args.extra_points)
        log(
            f"\nThe app with an extra layer of {sizes} synthetic points (ATLAS_EXTRA_LAYERS; "
            f"{args.extra_runs} cold loads each, filter changes at the largest):"
        )
        result["extra"] = {}
        for n in args.extra_points:
            out = result["extra"][str(n)] = {}
            reps = args.filter_reps if n == max(args.extra_points) else 0
            try:
                measure_extra_layer(browser, n, args.extra_runs, reps, budget, errors, out)
            except OutOfTime as exc:
                errors.append(f"extra layers: {exc}")
                break
    if "bundle" not in args.skip:
        log(f"\nOffline HTML bundle (whole atlas; {args.runs} loads from file://):")
        result["bundle"] = {}
        measure_bundle(browser, args.runs, errors, result["bundle"])
    if "lesson" not in args.skip:
        log(f"\nThe lesson's offline file ({args.runs} loads from file://, vs the bundle):")
        result["lesson_bundle"] = {}
        measure_lesson_bundle(browser, args.runs, errors, result["lesson_bundle"])


def run_reruns(args, budget: Budget, errors: list[str], result: dict[str, Any]) -> None:
    from layers.ui import rerun_throttle

    # Back-to-back AppTest runs are what the throttle spaces out on purpose (4 a second):
    # lifted, so the row measures the script's own cost, as for the baseline page.
    rerun_throttle.RUNS_PER_S = 1e9
    log(
        f"\nScript reruns with AppTest ({args.rerun_warmup} warm-up + {args.rerun_runs} "
        "timed at.run() per script, in this process):"
    )
    result["reruns"] = {}
    runs = (
        ("app", APP_SCRIPT, False),
        ("app-new-view", APP_SCRIPT, True),
        ("bare", BARE_SCRIPT, False),
    )
    for name, script, new_view in runs:
        try:
            budget.check(5)
            r = measure_reruns(
                script, args.rerun_runs, args.rerun_warmup, budget, new_view=new_view
            )
            result["reruns"][name] = r
            log(
                f"  {name}: first run {r['first_s'] * 1000:.0f} ms, median "
                f"{median(r['runs_s']) * 1000:.1f} ms over {len(r['runs_s'])} runs"
            )
        except Exception as exc:
            errors.append(f"reruns {name}: {exc}")
            log(f"  {name}: FAILED: {exc}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)
    budget = Budget(args.budget)
    errors: list[str] = []
    result: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine_info(),
        "args": {k: str(v) for k, v in vars(args).items()},
    }
    m = result["machine"]
    log(
        f"machine: nproc {m['nproc']}, load {m['loadavg_1m_at_start']:.2f}, python "
        f"{m['python']}, {m['chromium']}; streamlit {m['streamlit']}, folium {m['folium']}, "
        f"streamlit-folium {m['streamlit-folium']}"
    )
    # Checked at the start only: by the end, the load average includes this run's own work.
    busy_warning(m["loadavg_1m_at_start"], m["nproc"], "at start")

    if {"loads", "filter", "extra", "bundle", "lesson"} - set(args.skip):
        if browser_available():
            run_browser_parts(args, budget, errors, result)
        else:
            errors.append(f"{CHROMIUM_PATH} not found (make browser)")
    if "reruns" not in args.skip:
        run_reruns(args, budget, errors, result)
    if "figure" not in args.skip:
        log(f"\nFigures of the whole map ({args.figure_runs} timed renders per format):")
        result["figures"] = {}
        measure_figures(args.figure_runs, budget, errors, result["figures"])
    if "events" not in args.skip:
        measure_big_layer(args, budget, errors, result)

    loads, filt, reruns = result.get("loads"), result.get("filter"), result.get("reruns")
    rows = build_table(
        loads,
        filt,
        reruns,
        result.get("extra"),
        result.get("rss_peak_mb"),
        result.get("bundle"),
        result.get("figures"),
        result.get("events"),
    )
    rows += lesson_rows(result.get("lesson_bundle"))
    result["table"] = rows
    if loads:
        result["phases_median_ms"] = print_phases(loads)
        blocked = sum(len(d["external_requests"]) for v in loads.values() for d in v["diagnostics"])
        errs = sum(
            len(d["console_errors"]) + len(d["page_errors"])
            for v in loads.values()
            for d in v["diagnostics"]
        )
        log(f"\nexternal requests blocked during loads: {blocked}; console/page errors: {errs}")
        hosts = sorted(
            {u for v in loads.values() for d in v["diagnostics"] for u in d["external_requests"]}
        )
        for url in hosts:
            log(f"  blocked: {url}")
    log(
        "\nResults (cold = new browser context, empty cache; warm = same context reloaded;"
        "\n script rerun = server-side only, AppTest at.run() wall time, no browser):\n"
    )
    print_table(rows)
    result["errors"] = errors
    result["duration_s"] = budget.elapsed()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    shown = args.out.relative_to(REPO_ROOT) if args.out.is_relative_to(REPO_ROOT) else args.out
    log(f"\nwrote {shown}; whole run {budget.elapsed():.0f} s")
    if errors:
        log("\nCould not measure everything:\n  " + "\n  ".join(errors))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
