"""Figure figures for `make bench`: how long a figure of the whole map takes to draw on the
server (layers.export.figure), against a baseline of the same A4 page at 300 dpi holding the
offline basemap alone (what matplotlib cannot avoid: the page's pixels and the basemap).

In-process, no browser: one warm-up render per format (imports, fonts, the basemap's
GeoDataFrames), then `runs` timed renders each, wall time of `figure_bytes` returning bytes.
"""

from __future__ import annotations

import time
from typing import Any

from bench.measure import Budget, log, median

FORMATS = ("png", "svg", "pdf")


def _baseline_png() -> bytes:
    """An A4 page at 300 dpi with the offline basemap only: no sites, no text."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from layers.data.geo import SYRIA_BOX
    from layers.export.figure import DPI, SIZES, draw_basemap
    from layers.export.figure.png import png_bytes

    fig = Figure(figsize=SIZES["a4"])
    ax = fig.add_axes((0.03, 0.04, 0.6, 0.8))
    draw_basemap(ax)
    west, south, east, north = SYRIA_BOX
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    canvas = FigureCanvasAgg(fig)  # drawn and written as figure_bytes draws a PNG
    fig.dpi = DPI
    canvas.draw()
    return png_bytes(np.asarray(canvas.buffer_rgba()), DPI, {})


def measure_figures(runs: int, budget: Budget, errors: list[str], out: dict[str, Any]) -> None:
    """Fill `out` with the seconds of each render: out[fmt] and out["baseline"]."""
    from layers.data.filters import Filters
    from layers.data.load import load_atlas
    from layers.export.figure import figure_bytes

    atlas = load_atlas()
    jobs = {fmt: (lambda fmt=fmt: figure_bytes(atlas, Filters(), fmt)) for fmt in FORMATS}
    jobs["baseline"] = _baseline_png
    for name, job in jobs.items():
        try:
            budget.check(10)
            size = len(job())  # warm-up
            samples = []
            for _ in range(runs):
                start = time.perf_counter()
                job()
                samples.append(time.perf_counter() - start)
            out[name] = {"samples_s": samples, "bytes": size}
            log(f"  {name}: median {median(samples):.2f} s over {runs}, {size / 1e3:.0f} kB")
        except Exception as exc:
            errors.append(f"figure {name}: {exc}")
            log(f"  {name}: FAILED: {exc}")
