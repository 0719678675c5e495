"""The "Download figure" button in the real app: Chromium gets a figure file of the map."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from browser_support import app_exceptions, goto_app, wait_for_app

pytestmark = pytest.mark.browser


def _download(page) -> bytes:
    page.get_by_role("button", name="Download figure").wait_for(timeout=30_000)
    # The figure is drawn when the button is clicked, on a busy 2-core machine: be patient.
    with page.expect_download(timeout=90_000) as info:
        page.get_by_role("button", name="Download figure").click()
    return info.value.path().read_bytes()


def test_download_figure_serves_a_png_and_an_svg_of_the_map(page, app_url):
    goto_app(page, app_url)
    page.get_by_test_id("stExpander").filter(has_text="Figure of the map").locator(
        "summary"
    ).click()
    png = _download(page)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width > 3000  # A4 landscape at 300 dpi
    page.get_by_text("SVG", exact=True).click()
    wait_for_app(page)
    svg = ET.fromstring(_download(page))
    words = " ".join("".join(t.itertext()) for t in svg.iter("{http://www.w3.org/2000/svg}text"))
    assert "Al Kibar" in words and "Official finding (international body)" in words
    assert app_exceptions(page) == []
    assert page.external_requests == []
