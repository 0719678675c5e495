"""The printed handout (the offline HTML export, printed to PDF by Chromium): its page count
on A4 and Letter, no blank page, no grade chip broken across lines, timeline text of 8 pt or
more. The print styles are static/atlas/bundle.css's @media print block."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader

from factories import shipped_atlas
from layers.data.filters import Filters
from layers.export import export

MARKERS = ".leaflet-marker-pane .atlas-marker"
MM = 96 / 25.4  # CSS px per millimetre
#: The printable width of each paper at the stylesheet's 12 mm margins, in CSS px.
PRINTABLE_PX = {"A4": round((210 - 24) * MM), "Letter": round((215.9 - 24) * MM)}
#: Pages of the whole dataset (54 events, 111 sources) when the print styles were made
#: compact: 48 A4 pages before. Issue 15 asks for 6, which this much text reaches only in type
#: smaller than 7 pt; a change that makes the handout longer fails here.
WHOLE_DATASET_PAGES = 12
ONE_SITE_PAGES = 3


def _print(browser, html_path, paper: str) -> tuple[bytes, dict]:
    """The page printed to PDF, and what the print layout measures at that paper's width."""
    context = browser.new_context(viewport={"width": PRINTABLE_PX[paper], "height": 900})
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(("file:", "data:"))
            else route.abort("blockedbyclient")
        ),
    )
    try:
        page = context.new_page()
        page.goto(html_path.as_uri(), wait_until="commit")
        page.wait_for_selector(MARKERS, timeout=20_000)
        page.emulate_media(media="print")
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        layout = page.evaluate(
            """() => {
              const svg = document.querySelector('.atlas-timeline');
              const scale = svg ? svg.getBoundingClientRect().width / svg.viewBox.baseVal.width
                                : 1;
              const texts = svg ? [...svg.querySelectorAll('text')] : [];
              const chips = [...document.querySelectorAll('.atlas-badge, .atlas-link')];
              return {
                timeline_px: texts.map(t => parseFloat(getComputedStyle(t).fontSize) * scale),
                broken_chips: chips.filter(c => {
                  const lines = c.getClientRects().length;
                  const tall = c.getBoundingClientRect().height >
                               1.9 * parseFloat(getComputedStyle(c).fontSize);
                  return lines > 1 || tall;
                }).map(c => c.textContent.trim()),
                chips: chips.length,
              };
            }"""
        )
        return page.pdf(format=paper, print_background=True), layout
    finally:
        context.close()


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_whole_dataset_prints_compactly_with_no_blank_page(browser, tmp_path, paper):
    path = export(shipped_atlas(), Filters(), "html", tmp_path / "all.html")
    pdf, layout = _print(browser, path, paper)
    pages = _pages(pdf)
    assert len(pages) <= WHOLE_DATASET_PAGES + (paper == "Letter"), len(pages)
    assert all(len(text.strip()) > 300 for text in pages), [len(t) for t in pages]
    assert layout["chips"] > 100 and layout["broken_chips"] == []
    points = [px * 72 / 96 for px in layout["timeline_px"]]
    assert points and min(points) >= 8.0, json.dumps(sorted(points)[:3])


@pytest.mark.parametrize("site", ["S1", "S5"])
def test_one_site_prints_in_a_few_full_pages(browser, tmp_path, site):
    path = export(shipped_atlas(), Filters(site_ids=frozenset({site})), "html", tmp_path / "s.html")
    for paper in ("A4", "Letter"):
        pdf, layout = _print(browser, path, paper)
        pages = _pages(pdf)
        assert len(pages) <= ONE_SITE_PAGES, (paper, len(pages))
        assert all(len(text.strip()) > 300 for text in pages), [len(t) for t in pages]
        assert layout["broken_chips"] == []
