"""Pages of the printed handout: the offline HTML export printed to PDF by Chromium, on A4
and Letter, for the whole dataset, each site and each step of the shipped lessons.

Why: issue 15 asks for the whole dataset in six pages and a site or step on one; the test
(tests/browser/test_handout.py) checks them all against their bounds; this prints the counts
(about a minute per ten documents on two cores), with the characters of text on each page,
so a nearly empty last page shows, and how many CSS px the document, laid out unbroken at
the paper's printable width, is over (+) or under (-) one page. Page counts, not timings:
the load of the machine does not change them. Not a test; asserts nothing.

    .venv/bin/python -m bench.handout_pages            # everything
    .venv/bin/python -m bench.handout_pages all S1 7   # the whole dataset, site S1, step 7
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

from pypdf import PdfReader

from layers.data.filters import Filters, filter_events, sites_shown
from layers.data.lessons import load_lessons, step_filters
from layers.data.load import DEFAULT_DATA_DIR, load_atlas
from layers.export import export
from tests.browser_support import CHROMIUM_ARGS, CHROMIUM_PATH

#: Printable width and height in CSS px (96 a inch): the paper less the @page margins of
#: bundle.css, 8 mm top and bottom, 9 mm a side.
PAPERS = {"A4": (726, 1062), "Letter": (756, 995)}
SPARE = "() => Math.round(document.querySelector('.atlas-doc').getBoundingClientRect().height)"
MARKERS = ".leaflet-marker-pane .atlas-marker"


def documents(wanted: list[str]) -> list[tuple[str, Filters]]:
    """(name, filters): "all", each site id, each lesson step by number; or those wanted."""
    atlas = load_atlas()
    lessons, _ = load_lessons(DEFAULT_DATA_DIR, atlas)
    found = [("all", Filters())]
    found += [(site_id, Filters(site_ids=frozenset({site_id}))) for site_id in sorted(atlas.sites)]
    for lesson in lessons[:1]:
        found += [(str(n), step_filters(step, atlas)) for n, step in enumerate(lesson.steps, 1)]
    return [doc for doc in found if not wanted or doc[0] in wanted]


def main(wanted: list[str]) -> None:
    from playwright.sync_api import sync_playwright

    atlas = load_atlas()
    folder = Path(tempfile.mkdtemp())
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        try:
            for name, filters in documents(wanted):
                path = export(atlas, filters, "html", folder / "handout.html")
                page = browser.new_page(viewport={"width": 1200, "height": 900})
                page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(
                    ("file:", "data:")) else r.abort("blockedbyclient"))  # fmt: skip
                page.goto(path.as_uri(), wait_until="commit")
                events = filter_events(atlas, filters)
                if any(site.located for site in sites_shown(atlas, filters, events)):
                    page.wait_for_selector(MARKERS, timeout=30_000)
                else:  # no marker to wait for (a site with no coordinate)
                    page.wait_for_load_state("load")
                page.emulate_media(media="print")
                counts = []
                for paper, (width, height) in PAPERS.items():
                    # One page's worth more (+) or less (-) than the whole document laid out
                    # unbroken: how far a document on two pages is from fitting on one.
                    page.set_viewport_size({"width": width, "height": height})
                    over = page.evaluate(SPARE) - height
                    pdf = PdfReader(io.BytesIO(page.pdf(format=paper, print_background=True)))
                    chars = [len(p.extract_text().strip()) for p in pdf.pages]
                    counts.append(f"{paper} {len(chars)} pages {chars} {over:+d} px")
                page.close()
                print(f"{name:>4}  {len(events):3d} events  " + "  ".join(counts), flush=True)
        finally:
            browser.close()


if __name__ == "__main__":
    main(sys.argv[1:])
