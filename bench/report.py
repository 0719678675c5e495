"""The benchmark's report: the targets, the table of figures against their baselines
(ratios measured in the same run), and the load phases; `bench.run` measures, this
module words and prints what was measured."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench.measure import log, median, percentile, ratio

TARGET_LOAD_RATIO = 1.10
TARGET_FILTER_S = 0.50
TARGET_RERUN_MS = 50.0
TARGET_EXTRA_RATIO = 2.0
TARGET_EXTRA_FILTER_S = 1.0
TARGET_RSS_MB = 300.0
TARGET_FIGURE_S = 2.0
TARGET_BIG_LAYER_RERUN_S = 0.5
BIG_LAYER_EVENTS = 20_000


# --------------------------------------------------------------------------- report


def fmt(x: float | None, unit: str) -> str:
    if x is None:
        return "—"
    if unit == "s":
        return f"{x:.2f} s"
    if unit == "ms":
        return f"{x:.0f} ms" if x >= 100 else f"{x:.1f} ms"
    if unit in ("MB", "kB"):
        return f"{x:.0f} {unit}"
    if unit == "x":
        return f"{x:.2f}×"
    return str(x)


def build_table(
    loads, filt, reruns, extra=None, rss=None, bundle=None, figures=None, events=None
) -> list[dict[str, Any]]:
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
    bare_cold = median([x["s"] for x in (loads or {}).get("bare", {}).get("cold", [])])
    for n, e in (extra or {}).items():
        cold = [x["s"] for x in e.get("cold", [])]
        last = n == max(extra, key=int)
        row(
            f"Cold load, extra layer of {int(n):,} points → sites + points drawn, median "
            f"(n={len(cold)})",
            median(cold),
            bare_cold,
            "s",
            f"ratio ≤ {TARGET_EXTRA_RATIO:.0f}" if last else "",
            met_le(ratio(median(cold), bare_cold), TARGET_EXTRA_RATIO) if last else None,
        )
        samples = (e.get("filter") or {}).get("samples", [])
        if samples:
            for label, value in (("median", median(samples)), ("p95", percentile(samples, 95))):
                row(
                    f"Filter change with {int(n):,} points → markers updated, {label} "
                    f"(n={len(samples)})",
                    value,
                    None,
                    "s",
                    f"≤ {TARGET_EXTRA_FILTER_S:.2f} s",
                    met_le(value, TARGET_EXTRA_FILTER_S),
                    r=None,
                )
        if last:
            row(
                f"Server peak RSS with {int(n):,} points (VmHWM)",
                e.get("rss_peak_mb"),
                (rss or {}).get("app"),
                "MB",
                f"≤ {TARGET_RSS_MB:.0f} MB",
                met_le(e.get("rss_peak_mb"), TARGET_RSS_MB),
            )
    if bundle and bundle.get("samples_ms"):
        ms = bundle["samples_ms"]
        row("Offline HTML bundle, size", bundle["bytes"] / 1e3, None, "kB", r=None)
        row(
            f"Offline HTML bundle from file:// → markers visible, median (n={len(ms)})",
            median(ms),
            None,
            "ms",
            r=None,
        )
    base = (figures or {}).get("baseline", {}).get("samples_s", [])
    for fmt in ("png", "svg", "pdf"):
        samples = (figures or {}).get(fmt, {}).get("samples_s", [])
        if samples:
            row(
                f"Figure of the whole map, {fmt.upper()} A4 (all notes), median "
                f"(n={len(samples)}); baseline: the basemap alone, PNG A4 300 dpi",
                median(samples),
                median(base),
                "s",
                f"≤ {TARGET_FIGURE_S:.0f} s",
                met_le(median(samples), TARGET_FIGURE_S),
            )
    if events and events.get("app"):
        with_layer, without = events["app"]["runs_s"], (events.get("bare") or {}).get("runs_s")
        row(
            f"Rerun with a {BIG_LAYER_EVENTS:,}-event layer (baseline: the app without it), "
            f"AppTest, median (n={len(with_layer)})",
            median(with_layer),
            median(without) if without else None,
            "s",
            f"≤ {TARGET_BIG_LAYER_RERUN_S:.2f} s",
            met_le(median(with_layer), TARGET_BIG_LAYER_RERUN_S),
        )
        fresh = (events.get("app-new-view") or {}).get("runs_s")
        if fresh:
            row(
                f"Same, a view not drawn before (page parts rebuilt), median (n={len(fresh)})",
                median(fresh),
                median(without) if without else None,
                "s",
                f"≤ {TARGET_BIG_LAYER_RERUN_S:.2f} s",
                met_le(median(fresh), TARGET_BIG_LAYER_RERUN_S),
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
        fresh = reruns.get("app-new-view")
        if fresh:
            fv = [x * 1000 for x in fresh["runs_s"]]
            row(
                f"Script rerun of a view not drawn before (page parts rebuilt), median "
                f"(n={len(fv)})",
                median(fv),
                median(bv),
                "ms",
                f"app ≤ {TARGET_RERUN_MS:.0f} ms",
                met_le(median(fv), TARGET_RERUN_MS),
            )
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
