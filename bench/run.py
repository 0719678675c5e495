"""Benchmark: how fast the atlas shows its sites, compared with a bare st_folium page.

Run with ``make bench`` (``.venv/bin/python bench/run.py``); ``--help`` for options.
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
import contextlib
import importlib.metadata
import json
import math
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
# The repo (for `layers`, which bare_page.py imports under AppTest) and tests/ (harness).
sys.path[:0] = [str(REPO_ROOT), str(REPO_ROOT / "tests")]

from browser_support import (  # noqa: E402
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

APP_SCRIPT = REPO_ROOT / "app.py"
BARE_SCRIPT = BENCH_DIR / "bare_page.py"
RESULTS = BENCH_DIR / "results" / "latest.json"
SITES = 5  # located sites: S1..S5; both pages draw one marker each
FILTER_LAYER = "Al Kibar"  # sidebar checkbox label starts with this (site S1)
MARKER_PANE = ".leaflet-marker-pane > *"
WAIT_MS = 30_000  # every single browser wait is bounded by this
VENDOR = "/app/static/vendor/"

TARGET_LOAD_RATIO = 1.10
TARGET_FILTER_S = 0.50
TARGET_RERUN_MS = 50.0


# --------------------------------------------------------------------------- small helpers


class OutOfTime(Exception):
    """The run's time budget is spent; loops stop and report what they have."""


class Budget:
    def __init__(self, seconds: float) -> None:
        self.t0 = time.monotonic()
        self.seconds = seconds

    def elapsed(self) -> float:
        return time.monotonic() - self.t0

    def left(self) -> float:
        return self.seconds - self.elapsed()

    def check(self, need: float = 0.0) -> None:
        if self.left() < need:
            raise OutOfTime(
                f"stopped: {self.left():.0f} s left of the {self.seconds:.0f} s budget "
                f"(--budget), {need:.0f} s needed for the next step"
            )


def percentile(xs: list[float], p: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not xs:
        return None
    s = sorted(xs)
    k = (len(s) - 1) * p / 100
    lo, hi = math.floor(k), math.ceil(k)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def median(xs: list[float]) -> float | None:
    return statistics.median(xs) if xs else None


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def log(msg: str) -> None:
    print(msg, flush=True)


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


# --------------------------------------------------------------------------- browser JS

# Polled on every animation frame of the main page. Reads the st_folium iframe (same
# origin) directly, so it keeps working if the iframe is re-created. Returns the time
# since navigation start (main page's performance.now()) once `n` markers are drawn.
JS_MARKERS_AT_LEAST = f"""
(n) => {{
  const exc = document.querySelector('{EXCEPTION}');
  if (exc) return {{error: exc.innerText.split('\\n').slice(0, 3).join(' | ')}};
  const f = document.querySelector('{FOLIUM_IFRAME}');
  const d = f && f.contentDocument;
  const c = d ? d.querySelectorAll('{MARKER_PANE}').length : -1;
  return c >= n ? {{t: performance.now(), count: c}} : false;
}}
"""

JS_MARKERS_EXACTLY = JS_MARKERS_AT_LEAST.replace("c >= n", "c === n")
JS_MARKERS_NOT = JS_MARKERS_AT_LEAST.replace("c >= n", "c >= 0 && c !== n")

JS_IDLE = f"""
() => (document.querySelector('{APP_IDLE}') && !document.querySelector('{RUNNING_ICON}'))
  ? performance.now() : false
"""

# Where the time of a load went, on the main page's clock (ms since navigation start).
JS_BREAKDOWN = f"""
() => {{
  const pick = (r, off) => ({{
    name: r.name, type: r.initiatorType, start: r.startTime + off,
    end: r.responseEnd + off, bytes: r.transferSize, body: r.decodedBodySize,
  }});
  const nav = performance.getEntriesByType('navigation')[0];
  const out = {{
    main: {{
      response_end: nav.responseEnd, dom_content_loaded: nav.domContentLoadedEventEnd,
      load: nav.loadEventEnd,
      resources: performance.getEntriesByType('resource').map(r => pick(r, 0)),
    }},
    ws: window.__benchWs || [],
  }};
  const f = document.querySelector('{FOLIUM_IFRAME}');
  if (f && f.contentWindow) {{
    const w = f.contentWindow;
    const off = w.performance.timeOrigin - performance.timeOrigin;
    const fnav = w.performance.getEntriesByType('navigation')[0];
    out.iframe = {{
      created: off,
      response_end: fnav ? fnav.responseEnd + off : null,
      dom_content_loaded: fnav ? fnav.domContentLoadedEventEnd + off : null,
      resources: w.performance.getEntriesByType('resource').map(r => pick(r, off)),
    }};
  }}
  return out;
}}
"""

# Installed before any page script runs (top frame only): records when the websocket
# opened and when each message arrived, with its size, on the page's clock. Streamlit
# sends the script run's output as these messages; the st_folium element is the big one.
JS_WS_PROBE = """
(() => {
  if (window.top !== window || !window.WebSocket) return;
  const log = (window.__benchWs = []);
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      log.push({ev: 'create', t: performance.now()});
      this.addEventListener('open', () => log.push({ev: 'open', t: performance.now()}));
      this.addEventListener('message', (e) => {
        const d = e.data;
        log.push({ev: 'msg', t: performance.now(),
                  bytes: d.byteLength ?? d.size ?? d.length ?? 0});
      });
    }
  };
})();
"""

JS_VIEW = f"""
() => {{
  const f = document.querySelector('{FOLIUM_IFRAME}');
  const m = f && f.contentWindow && f.contentWindow.map;
  if (!m) return null;
  const c = m.getCenter();
  return {{zoom: m.getZoom(), lat: c.lat, lng: c.lng, same_map: m.__bench === 1,
           same_iframe: f.__bench === 1}};
}}
"""

JS_SET_VIEW = f"""
([lat, lng, zoom]) => new Promise((resolve) => {{
  const f = document.querySelector('{FOLIUM_IFRAME}');
  const m = f.contentWindow.map;
  f.__bench = 1; m.__bench = 1;
  m.once('moveend', () => resolve(true));
  m.setView([lat, lng], zoom, {{animate: false}});
}})
"""

JS_ARM_CLICK = """
() => {
  window.__benchClick = null;
  document.addEventListener('click', (e) => { window.__benchClick = e.timeStamp; },
                            {capture: true, once: true});
}
"""


# --------------------------------------------------------------------------- page loads


class LoadError(RuntimeError):
    pass


def wait_markers(page, n: int, how: str = "at least") -> dict[str, Any]:
    """Wait until the marker count is at least / exactly / not ``n``; when, and how many."""
    js = {"at least": JS_MARKERS_AT_LEAST, "exactly": JS_MARKERS_EXACTLY, "not": JS_MARKERS_NOT}[
        how
    ]
    result = page.wait_for_function(js, arg=n, polling="raf", timeout=WAIT_MS).json_value()
    if "error" in result:
        raise LoadError(f"the page shows an exception: {result['error']}")
    return result


def summarize_breakdown(b: dict[str, Any], t_markers: float) -> dict[str, Any]:
    """Phases of one load, ms since navigation start."""
    main_res = b["main"]["resources"]
    dcl = b["main"]["dom_content_loaded"]
    late = [r for r in main_res if r["start"] > dcl]  # chunks fetched after DOMContentLoaded
    msgs = [e for e in b.get("ws", []) if e["ev"] == "msg"]
    opened = [e["t"] for e in b.get("ws", []) if e["ev"] == "open"]
    biggest = max(msgs, key=lambda e: e["bytes"], default=None)
    created = (b.get("iframe") or {}).get("created")
    out: dict[str, Any] = {
        "main_dom_content_loaded": dcl,
        "main_resources": len(main_res),
        "main_bytes": sum(r["bytes"] or 0 for r in main_res),
        "main_late_chunks": len(late),
        "main_late_bytes": sum(r["bytes"] or 0 for r in late),
        "main_late_last_end": max((r["end"] for r in late), default=None),
        "ws_open": opened[0] if opened else None,
        "ws_first_msg": msgs[0]["t"] if msgs else None,
        "ws_biggest_msg": biggest["t"] if biggest else None,
        "ws_biggest_bytes": biggest["bytes"] if biggest else None,
        "ws_msgs_before_iframe": sum(1 for e in msgs if created is None or e["t"] <= created),
        "ws_bytes_before_iframe": sum(
            e["bytes"] for e in msgs if created is None or e["t"] <= created
        ),
        "markers": t_markers,
    }
    fr = b.get("iframe")
    if fr:
        vendor = [r for r in fr["resources"] if VENDOR in r["name"]]
        vjs = [r for r in vendor if r["name"].endswith(".js")]
        out.update(
            {
                "iframe_created": fr["created"],
                "iframe_dom_content_loaded": fr["dom_content_loaded"],
                "iframe_resources": len(fr["resources"]),
                "iframe_bytes": sum(r["bytes"] or 0 for r in fr["resources"]),
                "vendor_files": len(vendor),
                "vendor_bytes": sum(r["bytes"] or 0 for r in vendor),
                "vendor_first_start": min((r["start"] for r in vendor), default=None),
                "vendor_js_last_end": max((r["end"] for r in vjs), default=None),
                "vendor_js_fetch_sum": sum(r["end"] - r["start"] for r in vjs),
                "vendor_js": [
                    {
                        "file": r["name"].split(VENDOR, 1)[1],
                        "start": round(r["start"], 1),
                        "ms": round(r["end"] - r["start"], 1),
                        "bytes": r["bytes"],
                    }
                    for r in sorted(vjs, key=lambda r: r["start"])
                ],
            }
        )
    return out


def timed_load(page, url: str) -> dict[str, Any]:
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=WAIT_MS)
    hit = wait_markers(page, SITES)
    wall = time.perf_counter() - t0
    breakdown = summarize_breakdown(page.evaluate(JS_BREAKDOWN), hit["t"])
    return {"s": hit["t"] / 1000, "wall_s": wall, "markers": hit["count"], "phases": breakdown}


@contextlib.contextmanager
def fresh_page(browser) -> Iterator[tuple[Any, PageDiagnostics]]:
    """A page in a new context (empty cache), with the harness's request policing."""
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


def diag_dict(d: PageDiagnostics) -> dict[str, list[str]]:
    return {
        "external_requests": list(d.external_requests),
        "console_errors": list(d.console_errors),
        "page_errors": list(d.page_errors),
    }


def measure_loads(
    browser,
    urls: dict[str, str],
    runs: int,
    warm: bool,
    budget: Budget,
    errors: list[str],
    out: dict[str, Any],
) -> None:
    """Fill ``out`` as samples come in, so they survive running out of time."""
    for name in urls:
        out[name] = {"first": None, "cold": [], "warm": [], "diagnostics": []}
    alive = dict.fromkeys(urls, True)

    def one(name: str, kind: str) -> None:
        with fresh_page(browser) as (page, diagnostics):
            try:
                sample = timed_load(page, urls[name])
                if kind == "first":
                    out[name]["first"] = sample
                else:
                    out[name]["cold"].append(sample)
                if warm and kind == "cold":
                    budget.check(15)
                    out[name]["warm"].append(timed_load(page, urls[name]))
            finally:
                out[name]["diagnostics"].append(diag_dict(diagnostics))

    # One unmeasured-in-the-summary load per server first: the first script run of a
    # fresh server imports modules and fills st.cache_resource. Reported separately.
    for name in urls:
        budget.check(15)
        try:
            one(name, "first")
            log(f"  first load after server start, {name}: {out[name]['first']['s']:.2f} s")
        except OutOfTime:
            raise
        except Exception as exc:  # report it, go on with the other page
            alive[name] = False
            errors.append(f"load {name}: first load failed: {exc}")
            log(f"  {name}: first load FAILED, skipping its loads: {exc}")

    for i in range(runs):
        order = list(urls) if i % 2 == 0 else list(reversed(urls))  # ABBA: no order bias
        for name in order:
            if not alive[name]:
                continue
            budget.check(20)
            try:
                one(name, "cold")
                c = out[name]["cold"][-1]["s"]
                w = out[name]["warm"][-1]["s"] if warm and out[name]["warm"] else None
                log(
                    f"  run {i + 1}/{runs} {name:4s}: cold {c:.2f} s"
                    + (f", warm {w:.2f} s" if w is not None else "")
                )
            except OutOfTime:
                raise
            except Exception as exc:
                errors.append(f"load {name} run {i + 1}: {exc}")
                log(f"  run {i + 1}/{runs} {name}: FAILED: {exc}")
                if len([e for e in errors if e.startswith(f"load {name}")]) >= 2:
                    alive[name] = False


# --------------------------------------------------------------------------- filter change


def sidebar_checkbox(page, label_start: str):
    box = page.locator('[data-testid="stSidebar"] [data-testid="stCheckbox"]').filter(
        has_text=label_start
    )
    if box.count() != 1:
        raise LoadError(
            f"expected one sidebar checkbox labelled {label_start!r}, found {box.count()}"
        )
    return box.locator("label").first


def measure_filter(browser, url: str, reps: int, budget: Budget, out: dict[str, Any]) -> None:
    """Fill ``out`` as samples come in, so they survive an error or running out of time."""
    out.update({"samples": [], "idle": [], "views": []})
    with fresh_page(browser) as (page, diagnostics):
        out["diagnostics"] = diagnostics
        page.goto(url, wait_until="commit", timeout=WAIT_MS)
        wait_markers(page, SITES)
        wait_for_app(page, timeout=WAIT_MS, settle_ms=300)
        shown = wait_markers(page, SITES)["count"]  # all sites, with the default filters
        # A view the app would never choose by itself: Damascus, zoom 10.
        target = (33.53, 36.29, 10)
        page.evaluate(JS_SET_VIEW, list(target))
        page.wait_for_timeout(400)  # st_folium's moveend handler is debounced (250 ms)
        wait_for_app(page, timeout=WAIT_MS, settle_ms=100)
        before = page.evaluate(JS_VIEW)
        out["view_before"] = before
        checkbox = sidebar_checkbox(page, FILTER_LAYER)
        for rep in range(reps):
            for label, how in (("off", "not"), ("on", "exactly")):
                budget.check(10)
                page.evaluate(JS_ARM_CLICK)
                checkbox.click(timeout=WAIT_MS)
                hit = wait_markers(page, shown, how)
                clicked = page.evaluate("() => window.__benchClick")
                if clicked is None:
                    raise LoadError("the click on the checkbox was not seen by the page")
                idle_t = page.wait_for_function(
                    JS_IDLE, polling="raf", timeout=WAIT_MS
                ).json_value()
                wait_for_app(page, timeout=WAIT_MS, settle_ms=50)
                view = page.evaluate(JS_VIEW)
                kept = bool(
                    view
                    and before
                    and view["zoom"] == before["zoom"]
                    and abs(view["lat"] - before["lat"]) < 1e-6
                    and abs(view["lng"] - before["lng"]) < 1e-6
                )
                out["samples"].append((hit["t"] - clicked) / 1000)
                out["idle"].append(max(0.0, idle_t - clicked) / 1000)
                out["views"].append(
                    {"rep": rep + 1, "checkbox": label, "kept": kept, **(view or {})}
                )
                recreated = "" if view and view["same_map"] else " (map was re-created)"
                log(
                    f"  rep {rep + 1}/{reps} layer {label:3s}: markers {hit['count']} after "
                    f"{out['samples'][-1] * 1000:.0f} ms, view kept: {kept}{recreated}"
                )


# --------------------------------------------------------------------------- AppTest reruns


def measure_reruns(script: Path, runs: int, warmup: int, budget: Budget) -> dict[str, Any]:
    from streamlit.testing.v1 import AppTest

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
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
    if at.exception:
        raise RuntimeError(f"{script.name} raised: {at.exception[0].message}")
    return {"first_s": first, "warmup": warmup, "runs_s": times}


# --------------------------------------------------------------------------- report


def fmt(x: float | None, unit: str) -> str:
    if x is None:
        return "—"
    if unit == "s":
        return f"{x:.2f} s"
    if unit == "ms":
        return f"{x:.0f} ms" if x >= 100 else f"{x:.1f} ms"
    if unit == "x":
        return f"{x:.2f}×"
    return str(x)


def build_table(loads, filt, reruns) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []

    def row(metric, app, bare, unit, target="", met=None, r="auto"):
        rr = ratio(app, bare) if r == "auto" else r
        rows.append(
            {
                "metric": metric,
                "app": app,
                "baseline": bare,
                "ratio": rr,
                "unit": unit,
                "target": target,
                "met": met,
            }
        )

    def met_le(x, limit):
        return None if x is None else x <= limit

    if loads:
        a, b = loads.get("app", {}), loads.get("bare", {})
        for kind in ("cold", "warm"):
            av = [s["s"] for s in a.get(kind, [])]
            bv = [s["s"] for s in b.get(kind, [])]
            if not av and not bv:
                continue
            am, bm = median(av), median(bv)
            n = f"n={len(av)}/{len(bv)}"
            row(
                f"{kind.title()} load → 5 sites visible, median ({n})",
                am,
                bm,
                "s",
                f"ratio ≤ {TARGET_LOAD_RATIO:.2f}",
                met_le(ratio(am, bm), TARGET_LOAD_RATIO),
            )
            row(
                f"{kind.title()} load → 5 sites visible, min",
                min(av, default=None),
                min(bv, default=None),
                "s",
            )
        af, bf = a.get("first"), b.get("first")
        row("First load after server start (1 sample)", af and af["s"], bf and bf["s"], "s")
    if filt and filt.get("samples"):
        s = filt["samples"]
        n = len(s)
        row(
            f"Filter change → markers updated, median (n={n})",
            median(s),
            None,
            "s",
            f"≤ {TARGET_FILTER_S:.2f} s",
            met_le(median(s), TARGET_FILTER_S),
            r=None,
        )
        row(
            "Filter change → markers updated, p95",
            percentile(s, 95),
            None,
            "s",
            f"≤ {TARGET_FILTER_S:.2f} s",
            met_le(percentile(s, 95), TARGET_FILTER_S),
            r=None,
        )
        row(
            "Filter change → rerun finished (page idle), median",
            median(filt["idle"]),
            None,
            "s",
            r=None,
        )
        kept = sum(v["kept"] for v in filt["views"])
        rows.append(
            {
                "metric": "Map zoom/centre kept across filter changes",
                "app": f"{kept}/{len(filt['views'])}",
                "baseline": None,
                "ratio": None,
                "unit": "",
                "target": "all",
                "met": kept == len(filt["views"]),
            }
        )
    if reruns:
        a, b = reruns.get("app"), reruns.get("bare")
        av = [x * 1000 for x in a["runs_s"]] if a else []
        bv = [x * 1000 for x in b["runs_s"]] if b else []
        n = f"n={len(av)}/{len(bv)}"
        row(
            f"Script rerun, AppTest at.run(), median ({n})",
            median(av),
            median(bv),
            "ms",
            f"app ≤ {TARGET_RERUN_MS:.0f} ms",
            met_le(median(av), TARGET_RERUN_MS),
        )
        row("Script rerun, AppTest at.run(), p95", percentile(av, 95), percentile(bv, 95), "ms")
        row(
            "First AppTest run (imports, caches; 1 sample)",
            a and a["first_s"] * 1000,
            b and b["first_s"] * 1000,
            "ms",
        )
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    cells = [["metric", "app", "baseline", "app/base", "target", "met?"]]
    for r in rows:
        app = r["app"] if isinstance(r["app"], str) else fmt(r["app"], r["unit"])
        met = {True: "yes", False: "NO", None: ""}[r["met"]]
        cells.append(
            [
                r["metric"],
                app,
                fmt(r["baseline"], r["unit"]),
                fmt(r["ratio"], "x"),
                r["target"],
                met,
            ]
        )
    widths = [max(len(c[i]) for c in cells) for i in range(len(cells[0]))]
    for k, c in enumerate(cells):
        log(
            "  ".join(
                v.ljust(w) if i == 0 else v.rjust(w)
                for i, (v, w) in enumerate(zip(c, widths, strict=True))
            )
        )
        if k == 0:
            log("  ".join("-" * w for w in widths))


PHASES = [
    ("main_dom_content_loaded", "Streamlit page DOMContentLoaded"),
    ("ws_open", "websocket open"),
    ("ws_first_msg", "first websocket message (script run started)"),
    ("ws_biggest_msg", "biggest websocket message arrived (the map's delta)"),
    ("main_late_last_end", "last JS/CSS chunk fetched after DOMContentLoaded"),
    ("iframe_created", "st_folium iframe created"),
    ("iframe_dom_content_loaded", "iframe DOMContentLoaded (component bundle)"),
    ("vendor_first_start", "first vendored asset requested (render args arrived)"),
    ("vendor_js_last_end", "last vendored script loaded (one after another)"),
    ("markers", "5 markers in the marker pane (folium script ran)"),
]


def phase_medians(samples: list[dict[str, Any]]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    keys = [k for k, _ in PHASES] + [
        "vendor_js_fetch_sum",
        "main_bytes",
        "iframe_bytes",
        "vendor_bytes",
        "vendor_files",
        "main_resources",
        "main_late_chunks",
        "main_late_bytes",
        "ws_biggest_bytes",
        "ws_msgs_before_iframe",
        "ws_bytes_before_iframe",
    ]
    for k in keys:
        xs = [s["phases"].get(k) for s in samples]
        xs = [x for x in xs if x is not None]
        out[k] = median(xs)
    return out


def print_phases(loads: dict[str, Any]) -> dict[str, Any]:
    med = {name: phase_medians(loads[name]["cold"]) for name in loads if loads[name]["cold"]}
    if not med:
        return {}
    names = list(med)

    def line(label: str, cell: Callable[[dict[str, Any]], str]) -> None:
        log(f"  {label:58s}" + "".join(f"{cell(med[n]):>18s}" for n in names))

    def ms(key: str) -> Callable[[dict[str, Any]], str]:
        return lambda m: "—" if m[key] is None else f"{m[key]:.0f}"

    def kb(x: float | None) -> str:
        return f"{(x or 0) / 1e3:.0f}"

    log("\nWhere a cold load's time goes (median ms since navigation start):")
    log(f"  {'phase':58s}" + "".join(f"{n:>18s}" for n in names))
    for key, label in PHASES:
        line(label, ms(key))
    line("sum of vendored-script fetch times (ms)", ms("vendor_js_fetch_sum"))
    line(
        "JS/CSS chunks fetched after DOMContentLoaded: n, kB",
        lambda m: f"{m['main_late_chunks'] or 0:.0f}, {kb(m['main_late_bytes'])}",
    )
    line("websocket: biggest message kB", lambda m: kb(m["ws_biggest_bytes"]))
    line(
        "websocket: messages, kB before the iframe was created",
        lambda m: f"{m['ws_msgs_before_iframe'] or 0:.0f}, {kb(m['ws_bytes_before_iframe'])}",
    )
    line(
        "kB transferred: main page / iframe",
        lambda m: f"{kb(m['main_bytes'])} / {kb(m['iframe_bytes'])}",
    )
    line("vendored files, kB", lambda m: f"{m['vendor_files'] or 0:.0f}, {kb(m['vendor_bytes'])}")
    for n in names:
        sample = loads[n]["cold"][len(loads[n]["cold"]) // 2]["phases"].get("vendor_js", [])
        if sample:
            files = ", ".join(
                f"{v['file'].rsplit('/', 1)[-1]} @{v['start']:.0f} ({v['ms']:.0f})" for v in sample
            )
            log(f"  {n}: vendored scripts of one load, start (fetch ms): {files}")
    return med


# --------------------------------------------------------------------------- main


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
        default=230,
        help="stop measuring after this many seconds (default 230)",
    )
    p.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=["loads", "filter", "reruns"],
        help="skip a part (repeatable)",
    )
    p.add_argument("--out", type=Path, default=RESULTS, help=f"JSON output ({RESULTS})")
    return p.parse_args(argv)


def _terminate(signum, _frame):  # SIGTERM/SIGHUP: unwind so every finally block runs
    raise SystemExit(128 + signum)


def run_browser_parts(args, budget: Budget, errors: list[str], result: dict[str, Any]) -> None:
    from playwright.sync_api import sync_playwright

    servers: dict[str, StreamlitServer] = {}
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
            finally:
                browser.close()
    except Exception as exc:
        errors.append(f"browser part: {exc}")
        log(f"browser part FAILED: {exc}")
        traceback.print_exc()
        for name, server in servers.items():
            tail = server.output()[-2000:]
            if tail.strip():
                log(f"--- server {name} output (tail) ---\n{tail}")
    finally:
        for server in servers.values():
            server.cleanup()


def run_reruns(args, budget: Budget, errors: list[str], result: dict[str, Any]) -> None:
    log(
        f"\nScript reruns with AppTest ({args.rerun_warmup} warm-up + {args.rerun_runs} "
        "timed at.run() per script, in this process):"
    )
    result["reruns"] = {}
    for name, script in (("app", APP_SCRIPT), ("bare", BARE_SCRIPT)):
        try:
            budget.check(5)
            r = measure_reruns(script, args.rerun_runs, args.rerun_warmup, budget)
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

    if {"loads", "filter"} - set(args.skip):
        if browser_available():
            run_browser_parts(args, budget, errors, result)
        else:
            errors.append(f"{CHROMIUM_PATH} not found (make browser)")
    if "reruns" not in args.skip:
        run_reruns(args, budget, errors, result)

    loads, filt, reruns = result.get("loads"), result.get("filter"), result.get("reruns")
    rows = build_table(loads, filt, reruns)
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
