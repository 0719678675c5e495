"""Benchmark: extra (bring-your-own) layers of 1,000 to 100,000 synthetic points.

Run with ``.venv/bin/python -m bench.extra_layers`` (``--help`` for options). Prints a
table and writes ``bench/results/extra_layers.json``. Not a test: it asserts nothing
about the figures, and exits non-zero only when it could not measure something.

For each configuration (a drawing mode of ``bench/extra_page.py`` and a layer size) it
starts a Streamlit server with ``ATLAS_EXTRA_LAYERS`` pointing at a temporary folder
holding one ``layers.synthetic_points`` file, and measures in headless Chromium
(the test harness's flags, a new browser context per load, every non-loopback request
aborted):

* first load after server start (includes reading the file on the server);
* cold load: navigation start -> the five site markers visible *and* every point drawn
  (the canvas sets ``data-points-drawn`` on the map container);
* filter change: click "Hide Al Kibar" -> the site marker count changes (5 -> 4 -> 5),
  and how many websocket bytes that rerun sent;
* the server's script time per rerun (printed by the page itself);
* the server's peak RSS (VmHWM from /proc) after all of that.

The baseline is ``bench/bare_page.py`` (five plain folium Markers), as in bench/run.py.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from tests.browser_support import (
    APP_IDLE,
    CHROMIUM_ARGS,
    CHROMIUM_PATH,
    EXCEPTION,
    FOLIUM_IFRAME,
    RUNNING_ICON,
    VIEWPORT,
    PageDiagnostics,
    StreamlitServer,
    browser_available,
    police_requests,
    record_errors,
    wait_for_app,
)

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent

PAGE = BENCH_DIR / "extra_page.py"
BARE = BENCH_DIR / "bare_page.py"
RESULTS = BENCH_DIR / "results" / "extra_layers.json"
SITES = 5
WAIT_MS = 90_000
TARGET_RATIO = 2.0
TARGET_FILTER_S = 1.0
TARGET_RSS_MB = 300.0

# (label, EXTRA_BENCH_MODE or None for the bare page, points)
DEFAULT_CONFIGS = [
    ("bare", None, 0),
    ("none", "none", 0),
    ("url", "url", 1_000),
    ("url", "url", 10_000),
    ("url", "url", 100_000),
    ("url-base", "url-base", 100_000),
    ("media", "media", 100_000),
    ("inline", "inline", 100_000),
    ("inline-base", "inline-base", 100_000),
    ("markers", "markers", 10_000),
    ("markers", "markers", 100_000),
]

# Every animation frame: the time (page clock) when the st_folium iframe shows at least
# `sites` markers and its map container says at least `points` points were drawn.
JS_READY = f"""
([sites, points]) => {{
  const exc = document.querySelector('{EXCEPTION}');
  if (exc) return {{error: exc.innerText.split('\\n').slice(0, 3).join(' | ')}};
  const f = document.querySelector('{FOLIUM_IFRAME}');
  const d = f && f.contentDocument;
  if (!d) return false;
  const m = d.querySelectorAll('.leaflet-marker-pane > *').length;
  const c = d.querySelector('.leaflet-container');
  const p = c ? Number(c.getAttribute('data-points-drawn') || 0) : 0;
  return (m >= sites && p >= points) ? {{t: performance.now(), markers: m, points: p}} : false;
}}
"""

JS_MARKERS_NOT = f"""
(n) => {{
  const f = document.querySelector('{FOLIUM_IFRAME}');
  const d = f && f.contentDocument;
  const c = d ? d.querySelectorAll('.leaflet-marker-pane .atlas-marker').length : -1;
  return (c >= 0 && c !== n) ? {{t: performance.now(), count: c}} : false;
}}
"""

JS_IDLE = f"""
() => (document.querySelector('{APP_IDLE}') && !document.querySelector('{RUNNING_ICON}'))
  ? performance.now() : false
"""

JS_ARM_CLICK = """
() => {
  window.__benchClick = null;
  document.addEventListener('click', (e) => { window.__benchClick = e.timeStamp; },
                            {capture: true, once: true});
}
"""

# Before any page script: log each websocket message's arrival time and size.
JS_WS_PROBE = """
(() => {
  if (window.top !== window || !window.WebSocket) return;
  const log = (window.__benchWs = []);
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        const d = e.data;
        log.push({t: performance.now(), bytes: d.byteLength ?? d.size ?? d.length ?? 0});
      });
    }
  };
})();
"""


def log(msg: str) -> None:
    print(msg, flush=True)


def median(xs: list[float]) -> float | None:
    return statistics.median(xs) if xs else None


def p95(xs: list[float]) -> float | None:
    if not xs:
        return None
    s = sorted(xs)
    k = (len(s) - 1) * 0.95
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def peak_rss_mb(pid: int) -> tuple[float | None, float | None]:
    """(VmHWM, VmRSS) of a process in MB, from /proc (psutil is not installed)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None, None
    values = {}
    for key in ("VmHWM", "VmRSS"):
        match = re.search(rf"^{key}:\s+(\d+) kB", status, re.MULTILINE)
        values[key] = int(match.group(1)) / 1024 if match else None
    return values["VmHWM"], values["VmRSS"]


def ensure_static_link() -> None:
    """bench/static -> ../static, so pages in bench/ get /app/static (as bench/run.py)."""
    link = BENCH_DIR / "static"
    if not link.exists() and not link.is_symlink():
        link.symlink_to(Path("..") / "static", target_is_directory=True)


@contextlib.contextmanager
def fresh_page(browser):
    diagnostics = PageDiagnostics()
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(WAIT_MS)
    try:
        context.add_init_script(JS_WS_PROBE)
        police_requests(context, diagnostics)
        page = context.new_page()
        record_errors(page, diagnostics)
        yield page, diagnostics
    finally:
        context.close()


def timed_load(page, url: str, points: int) -> dict[str, Any]:
    page.goto(url, wait_until="commit", timeout=WAIT_MS)
    hit = page.wait_for_function(
        JS_READY, arg=[SITES, points], polling="raf", timeout=WAIT_MS
    ).json_value()
    if "error" in hit:
        raise RuntimeError(f"the page shows an exception: {hit['error']}")
    ws = page.evaluate("() => window.__benchWs || []")
    return {
        "s": hit["t"] / 1000,
        "points": hit["points"],
        "ws_bytes": sum(m["bytes"] for m in ws if m["t"] <= hit["t"]),
        "ws_biggest": max((m["bytes"] for m in ws), default=0),
    }


def script_ms(page) -> float | None:
    texts = page.locator('[data-testid="stText"]').all_inner_texts()
    for text in texts:
        match = re.search(r"script run (\d+) ms", text)
        if match:
            return float(match.group(1))
    return None


def measure_filter(page, url: str, points: int, reps: int) -> dict[str, Any]:
    out: dict[str, Any] = {"map_s": [], "idle_s": [], "ws_bytes": [], "script_ms": []}
    page.goto(url, wait_until="commit", timeout=WAIT_MS)
    page.wait_for_function(JS_READY, arg=[SITES, points], polling="raf", timeout=WAIT_MS)
    wait_for_app(page, timeout=WAIT_MS, settle_ms=300)
    box = page.locator('[data-testid="stCheckbox"]').filter(has_text="Hide Al Kibar")
    label = box.locator("label").first
    shown = SITES
    for _ in range(reps):
        for _direction in ("off", "on"):
            page.evaluate(JS_ARM_CLICK)
            before = page.evaluate("() => (window.__benchWs || []).length")
            label.click(timeout=WAIT_MS)
            hit = page.wait_for_function(
                JS_MARKERS_NOT, arg=shown, polling="raf", timeout=WAIT_MS
            ).json_value()
            clicked = page.evaluate("() => window.__benchClick")
            idle = page.wait_for_function(JS_IDLE, polling="raf", timeout=WAIT_MS).json_value()
            wait_for_app(page, timeout=WAIT_MS, settle_ms=50)
            ws = page.evaluate("(n) => (window.__benchWs || []).slice(n)", before)
            shown = hit["count"]
            out["map_s"].append((hit["t"] - clicked) / 1000)
            out["idle_s"].append(max(0.0, idle - clicked) / 1000)
            out["ws_bytes"].append(sum(m["bytes"] for m in ws))
            out["script_ms"].append(script_ms(page))
    # Still drawn after the reruns?
    out["points_after"] = page.evaluate(
        f"""() => {{
          const d = document.querySelector('{FOLIUM_IFRAME}').contentDocument;
          const c = d.querySelector('.leaflet-container');
          return Number(c.getAttribute('data-points-drawn') || 0);
        }}"""
    )
    return out


def run_config(browser, label: str, mode: str | None, points: int, data_dir: Path | None, args):
    env = {"PYTHONPATH": str(REPO_ROOT)}
    if mode is not None:
        env["EXTRA_BENCH_MODE"] = mode
        env["ATLAS_EXTRA_LAYERS"] = str(data_dir) if data_dir else str(REPO_ROOT / "nonexistent")
    script = BARE if mode is None else PAGE
    server = StreamlitServer(script.relative_to(REPO_ROOT), env=env, cwd=REPO_ROOT)
    result: dict[str, Any] = {"label": label, "mode": mode, "points": points}
    diagnostics: list[dict[str, list[str]]] = []
    try:
        t0 = time.perf_counter()
        server.start()
        result["server_start_s"] = time.perf_counter() - t0
        _, rss_idle = peak_rss_mb(server.proc.pid)
        result["rss_after_start_mb"] = rss_idle
        with fresh_page(browser) as (page, diag):
            first = timed_load(page, server.url, points)
            result["first"] = first
            diagnostics.append(_diag(diag))
        result["cold"] = []
        for _ in range(args.runs):
            with fresh_page(browser) as (page, diag):
                result["cold"].append(timed_load(page, server.url, points))
                diagnostics.append(_diag(diag))
        if mode is not None and args.filter_reps:
            with fresh_page(browser) as (page, diag):
                result["filter"] = measure_filter(page, server.url, points, args.filter_reps)
                diagnostics.append(_diag(diag))
        hwm, rss = peak_rss_mb(server.proc.pid)
        result["rss_peak_mb"], result["rss_end_mb"] = hwm, rss
    except Exception as exc:
        result["error"] = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
        tail = server.output()[-1500:]
        log(f"  FAILED: {result['error']}\n--- server output (tail) ---\n{tail}")
        if server.proc is not None:
            hwm, rss = peak_rss_mb(server.proc.pid)
            result["rss_peak_mb"], result["rss_end_mb"] = hwm, rss
    finally:
        server.cleanup()
    result["diagnostics"] = diagnostics
    return result


def _diag(d: PageDiagnostics) -> dict[str, list[str]]:
    return {
        "external_requests": list(d.external_requests),
        "console_errors": list(d.console_errors),
        "page_errors": list(d.page_errors),
    }


def summarize(r: dict[str, Any], bare_s: float | None) -> dict[str, Any]:
    cold = [c["s"] for c in r.get("cold", [])]
    f = r.get("filter") or {}
    load = median(cold)
    scripts = [x for x in f.get("script_ms", []) if x is not None]
    diag = r.get("diagnostics", [])
    return {
        "config": f"{r['label']} {r['points']:,}" if r["points"] else r["label"],
        "first_s": (r.get("first") or {}).get("s"),
        "cold_s": load,
        "cold_min_s": min(cold) if cold else None,
        "ratio": load / bare_s if load and bare_s else None,
        "filter_s": median(f.get("map_s", [])),
        "filter_p95_s": p95(f.get("map_s", [])),
        "idle_s": median(f.get("idle_s", [])),
        "script_ms": median(scripts),
        "ws_filter_kb": (median(f.get("ws_bytes", [])) or 0) / 1e3 if f else None,
        "ws_load_kb": (median([c["ws_bytes"] for c in r.get("cold", [])]) or 0) / 1e3
        if cold
        else None,
        "rss_peak_mb": r.get("rss_peak_mb"),
        "errors": sum(len(d["console_errors"]) + len(d["page_errors"]) for d in diag),
        "external": sum(len(d["external_requests"]) for d in diag),
        "failed": r.get("error"),
    }


def print_table(rows: list[dict[str, Any]]) -> None:
    def s(x, fmt="{:.2f}"):
        return "—" if x is None else fmt.format(x)

    head = (
        f"{'configuration':22s} {'first s':>8s} {'cold s':>7s} {'min s':>6s} {'×bare':>6s} "
        f"{'filter s':>9s} {'p95 s':>6s} {'rerun s':>8s} {'script ms':>9s} "
        f"{'ws kB/chg':>10s} {'ws kB load':>10s} {'peak RSS MB':>11s} {'err':>4s}"
    )
    log(head)
    log("-" * len(head))
    for r in rows:
        log(
            f"{r['config']:22s} {s(r['first_s']):>8s} {s(r['cold_s']):>7s} "
            f"{s(r['cold_min_s']):>6s} {s(r['ratio']):>6s} {s(r['filter_s']):>9s} "
            f"{s(r['filter_p95_s']):>6s} {s(r['idle_s']):>8s} {s(r['script_ms'], '{:.0f}'):>9s} "
            f"{s(r['ws_filter_kb'], '{:,.0f}'):>10s} {s(r['ws_load_kb'], '{:,.0f}'):>10s} "
            f"{s(r['rss_peak_mb'], '{:.0f}'):>11s} {r['errors'] + r['external']:>4d}"
            + (f"  FAILED: {r['failed']}" if r["failed"] else "")
        )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=3, help="cold loads per configuration (3)")
    p.add_argument(
        "--filter-reps", type=int, default=3, help="hide/show cycles per configuration (3)"
    )
    p.add_argument(
        "--only",
        action="append",
        default=[],
        help="run only configurations whose label matches (repeatable; bare always runs), "
        "e.g. --only url --only none",
    )
    p.add_argument("--max-points", type=int, default=100_000, help="skip larger layers")
    p.add_argument("--out", type=Path, default=RESULTS)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not browser_available():
        log(f"{CHROMIUM_PATH} not found (make browser)")
        return 1
    from playwright.sync_api import sync_playwright

    from tests.factories import synthetic_points

    ensure_static_link()
    configs = [
        c
        for c in DEFAULT_CONFIGS
        if c[2] <= args.max_points and (not args.only or c[0] == "bare" or c[0] in args.only)
    ]
    load1 = os.getloadavg()[0]
    log(f"machine: {len(os.sched_getaffinity(0))} CPUs, load average {load1:.2f} at start")
    if load1 > 0.5 * len(os.sched_getaffinity(0)):
        log("WARNING: the machine is busy; figures will be noisy and slow")
    tmp = Path(tempfile.mkdtemp(prefix="atlas-extra-bench-"))
    data_dirs: dict[int, Path] = {}
    results: list[dict[str, Any]] = []
    t_start = time.perf_counter()
    try:
        for n in sorted({c[2] for c in configs if c[2]}):
            folder = tmp / f"n{n}"
            folder.mkdir()
            raw = synthetic_points(n, seed=n)
            (folder / f"synthetic-{n}.geojson").write_bytes(raw)
            data_dirs[n] = folder
            log(f"synthetic layer of {n:,} points: {len(raw) / 1e6:.1f} MB GeoJSON")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
            try:
                for label, mode, n in configs:
                    log(f"\n{label} {n:,} points" if n else f"\n{label}")
                    r = run_config(browser, label, mode, n, data_dirs.get(n), args)
                    results.append(r)
                    if "first" in r:
                        cold = ", ".join(f"{c['s']:.2f}" for c in r.get("cold", []))
                        f = r.get("filter") or {}
                        log(
                            f"  first {r['first']['s']:.2f} s; cold {cold} s; filter "
                            + ", ".join(f"{x:.2f}" for x in f.get("map_s", []))
                            + f" s; peak RSS {r.get('rss_peak_mb') or 0:.0f} MB"
                        )
            finally:
                browser.close()
    except Exception:
        traceback.print_exc()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    bare = next((r for r in results if r["mode"] is None), None)
    bare_s = median([c["s"] for c in bare.get("cold", [])]) if bare else None
    rows = [summarize(r, bare_s) for r in results]
    log(
        "\nExtra layers (cold = new browser context, median of "
        f"{args.runs}; ×bare = cold / bare page cold; filter = click -> site markers "
        "updated; rerun = click -> script finished; script ms = server script time per "
        "rerun (the page's own clock); ws kB/chg = websocket bytes per filter change; "
        "peak RSS = server VmHWM):\n"
    )
    print_table(rows)
    log(
        f"\ntargets: 100,000 points cold load ≤ {TARGET_RATIO:.0f}× bare, filter change ≤ "
        f"{TARGET_FILTER_S:.0f} s, peak RSS ≤ {TARGET_RSS_MB:.0f} MB"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "loadavg_start": load1,
                "loadavg_end": os.getloadavg()[0],
                "args": {k: str(v) for k, v in vars(args).items()},
                "table": rows,
                "raw": results,
            },
            indent=2,
        )
        + "\n"
    )
    log(f"wrote {args.out}; whole run {time.perf_counter() - t_start:.0f} s")
    return 1 if any(r.get("error") for r in results) or len(results) < len(configs) else 0


if __name__ == "__main__":
    sys.exit(main())
