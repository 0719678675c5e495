"""Measuring primitives shared by the benchmarks: a time budget, statistics, and the
browser steps (fresh context, cold load until the sites' markers show, filter change until
the map updates). Pages are driven with the test harness (tests/browser_support.py), so
benchmarks and tests see the same browser, flags and request policing."""

from __future__ import annotations

import contextlib
import math
import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.browser_support import (
    APP_IDLE,
    EXCEPTION,
    FOLIUM_IFRAME,
    RUNNING_ICON,
    VIEWPORT,
    PageDiagnostics,
    police_requests,
    record_errors,
    wait_for_app,
)

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent

SITES = 5  # located sites: S1..S5; both pages draw one marker each
FILTER_LAYER = "Al Kibar"  # sidebar checkbox label starts with this (site S1)
MARKER_PANE = ".leaflet-marker-pane > *"
WAIT_MS = 30_000  # every single browser wait is bounded by this
VENDOR = "/app/static/vendor/"


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

# The map's canvas layers (extra layers) set data-points-drawn on the map container.
JS_POINTS_DRAWN = f"""
(n) => {{
  const f = document.querySelector('{FOLIUM_IFRAME}');
  const c = f && f.contentDocument && f.contentDocument.querySelector('.leaflet-container');
  return (c && Number(c.getAttribute('data-points-drawn') || 0) >= n) ? performance.now() : false;
}}
"""

JS_POINTS_COUNT = f"""
() => {{
  const f = document.querySelector('{FOLIUM_IFRAME}');
  const c = f && f.contentDocument && f.contentDocument.querySelector('.leaflet-container');
  return c ? Number(c.getAttribute('data-points-drawn') || 0) : -1;
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


def wait_points(page, points: int, timeout_ms: float = WAIT_MS) -> float:
    """Wait until the map's canvas layers say ``points`` points are drawn; when (ms)."""
    return page.wait_for_function(
        JS_POINTS_DRAWN, arg=points, polling="raf", timeout=timeout_ms
    ).json_value()


def timed_load(page, url: str, points: int = 0, timeout_ms: float = WAIT_MS) -> dict[str, Any]:
    """Navigation start -> the five sites' markers visible (and ``points`` extra points
    drawn), on the page's own clock."""
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=timeout_ms)
    hit = wait_markers(page, SITES)
    t_shown = max(hit["t"], wait_points(page, points, timeout_ms)) if points else hit["t"]
    wall = time.perf_counter() - t0
    breakdown = summarize_breakdown(page.evaluate(JS_BREAKDOWN), hit["t"])
    return {
        "s": t_shown / 1000,
        "wall_s": wall,
        "markers": hit["count"],
        "points": points,
        "phases": breakdown,
    }


def peak_rss_mb(pid: int) -> float | None:
    """Peak resident memory (VmHWM) of a process in MB, from /proc."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


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


def measure_filter(
    browser, url: str, reps: int, budget: Budget, out: dict[str, Any], points: int = 0
) -> None:
    """Fill ``out`` as samples come in, so they survive an error or running out of time.
    With ``points``, the extra layer's points are drawn before the first change and are
    counted again after the last one."""
    out.update({"samples": [], "idle": [], "views": []})
    with fresh_page(browser) as (page, diagnostics):
        out["diagnostics"] = diagnostics
        page.goto(url, wait_until="commit", timeout=WAIT_MS)
        wait_markers(page, SITES)
        if points:
            wait_points(page, points)
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
        if points:
            out["points_after"] = page.evaluate(JS_POINTS_COUNT)
