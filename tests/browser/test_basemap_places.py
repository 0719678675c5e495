"""Town names on the offline basemap, in headless Chromium with the network blocked.

What a reader should see: at the national view only the large cities are named; zoomed on
a site, the towns around it are named, and no name covers a site marker.
"""

from __future__ import annotations

import math

import pytest

from browser_support import (
    REPO_ROOT,
    app_exceptions,
    boxes_overlap,
    open_settled_map,
)
from layers.data.places import places

ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
SITE_MARKERS = ".leaflet-marker-pane .atlas-marker"
MASYAF = (35.04417, 36.32139)  # site S2, from geodata/sites/masyaf.geojson

# Boxes in the map's frame: the drawn place names (label and dot) and the site markers
# (icon and its label), after the layout that follows the last map change has run.
_BOXES_JS = """
() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => {
  const box = el => { const r = el.getBoundingClientRect();
    return {x1: r.left, x2: r.right, y1: r.top, y2: r.bottom}; };
  const view = document.querySelector('.leaflet-container').getBoundingClientRect();
  const inView = b => b.x2 > view.left && b.x1 < view.right
    && b.y2 > view.top && b.y1 < view.bottom;
  const names = [...document.querySelectorAll('.atlas-place:not(.atlas-place-hidden)')]
    .map(el => ({name: el.querySelector('.atlas-place-name').textContent,
                 ar: (el.querySelector('.atlas-place-ar') || {}).textContent || null,
                 boxes: [box(el.querySelector('.atlas-place-label')),
                         box(el.querySelector('.atlas-place-dot'))]}))
    .filter(p => inView(p.boxes[0]));
  const sites = [...document.querySelectorAll('.atlas-site, .atlas-site .atlas-marker-label')]
    .map(box);
  done({names, sites, shown: document.querySelector('.leaflet-container').dataset.placesShown});
})))
"""


def _clashes(drawn: dict) -> list[str]:
    """Names of drawn places whose label or dot touches a site marker or its label."""
    assert drawn["sites"], "no site marker measured"
    return [
        p["name"]
        for p in drawn["names"]
        if any(boxes_overlap(b, s) for b in p["boxes"] for s in drawn["sites"])
    ]


def _nearest_names(lat: float, lon: float, count: int) -> list[str]:
    def km(p) -> float:
        dx = (p.lon - lon) * 111.32 * math.cos(math.radians(lat))
        return math.hypot(dx, (p.lat - lat) * 110.57)

    return [p.name for p in sorted(places(), key=km)[:count]]


@pytest.mark.parametrize("size", [(1400, 900), (1024, 768)], ids=["desktop", "1024x768"])
def test_a_view_zoomed_on_a_site_names_the_towns_around_it_off_the_markers(page, app_url, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    lat, lon = MASYAF
    frame = open_settled_map(page, f"{app_url}/?site=S2&center={lat},{lon}&zoom=10", zoom=10)
    drawn = frame.evaluate(_BOXES_JS)
    page.screenshot(path=str(ARTIFACTS / f"places-masyaf-z10-{size[0]}x{size[1]}.png"))

    names = [p["name"] for p in drawn["names"]]
    assert len(names) >= 5, names  # the page around the site is not blank
    nearest = _nearest_names(lat, lon, 8)
    assert len(set(nearest) & set(names)) >= 3, (nearest, names)
    assert any(p["ar"] for p in drawn["names"])  # Arabic beside English where the data has it
    assert _clashes(drawn) == []
    assert app_exceptions(page) == [] and page.external_requests == []


def test_the_national_view_names_only_the_large_cities(page, app_url):
    frame = open_settled_map(page, app_url)
    drawn = frame.evaluate(_BOXES_JS)
    page.screenshot(path=str(ARTIFACTS / "places-national.png"))
    names = [p["name"] for p in drawn["names"]]
    assert "Aleppo" in names, names  # Damascus lies under the embassy's city-level marker
    assert len(names) <= 25, names  # the thresholds keep the overview clean
    small = {p.name for p in places() if p.population < 20_000}
    assert not small & set(names)
    assert _clashes(drawn) == []
    assert app_exceptions(page) == [] and page.external_requests == []


def test_a_lesson_step_on_a_site_names_the_city_beside_it(page, app_url):
    """Step 6 (Barzeh, zoom 12) at projector size: Damascus is named, not the governorate."""
    page.set_viewport_size({"width": 1024, "height": 768})
    frame = open_settled_map(page, f"{app_url}/?lesson=north-korea-in-syria&step=6", zoom=12)
    drawn = frame.evaluate(_BOXES_JS)
    page.screenshot(path=str(ARTIFACTS / "places-lesson-step6-1024x768.png"))
    assert "Damascus" in [p["name"] for p in drawn["names"]]
    assert _clashes(drawn) == []
    hidden = frame.evaluate(
        "[...document.querySelectorAll('.atlas-basemap-label')]"
        ".every(el => getComputedStyle(el).visibility === 'hidden')"
    )
    assert hidden  # zoomed in, the governorate names give way to the towns
    assert app_exceptions(page) == [] and page.external_requests == []
