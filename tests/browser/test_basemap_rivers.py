"""River names on the offline basemap, in headless Chromium with every outside request blocked.

What a reader should see: the Euphrates and the Orontes named in italic blue on the map the
atlas draws itself, at the national view and zoomed on the Euphrates' site, never on a site
marker.
"""

from __future__ import annotations

import pytest

from browser_support import (
    REPO_ROOT,
    app_exceptions,
    boxes_overlap,
    open_settled_map,
)

ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
SITE_MARKERS = ".leaflet-marker-pane .atlas-marker"

# The drawn river names and the site markers (icon and label), in the map's frame, after the
# layout that follows the last map change has run.
_RIVERS_JS = """
() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => {
  const box = el => { const r = el.getBoundingClientRect();
    return {x1: r.left, x2: r.right, y1: r.top, y2: r.bottom}; };
  const map = document.querySelector('.leaflet-container');
  const rivers = [...document.querySelectorAll('.atlas-river:not(.atlas-river-hidden)')]
    .map(el => { const s = getComputedStyle(el.querySelector('.atlas-river-name'));
      return {name: el.querySelector('.atlas-river-name').textContent, box: box(el),
              style: s.fontStyle, colour: s.color,
              visible: getComputedStyle(el).visibility}; });
  const sites = [...document.querySelectorAll('.atlas-site, .atlas-site .atlas-marker-label')]
    .map(box);
  done({rivers, sites, view: box(map), shown: map.dataset.riversShown});
})))
"""


def _check(drawn: dict) -> list[str]:
    """The names drawn, after checking each is italic, blue, inside the map and off the
    site markers."""
    assert drawn["sites"], "no site marker measured"
    assert int(drawn["shown"]) == len(drawn["rivers"])
    view = drawn["view"]
    for river in drawn["rivers"]:
        b = river["box"]
        assert river["visible"] == "visible" and river["style"] == "italic", river
        red, green, blue = (int(c) for c in river["colour"][4:-1].split(",")[:3])
        assert blue > red + 40 and blue > green, river["colour"]  # the colour of water
        assert view["x1"] <= b["x1"] and b["x2"] <= view["x2"], river
        assert view["y1"] <= b["y1"] and b["y2"] <= view["y2"], river
        assert not any(boxes_overlap(b, s) for s in drawn["sites"]), river
    return [r["name"] for r in drawn["rivers"]]


def test_the_national_view_names_the_euphrates_offline(page, app_url):
    frame = open_settled_map(page, app_url)
    drawn = frame.evaluate(_RIVERS_JS)
    page.screenshot(path=str(ARTIFACTS / "rivers-national.png"))
    assert "Euphrates" in _check(drawn)
    assert app_exceptions(page) == [] and page.external_requests == []


@pytest.mark.parametrize("size", [(1024, 768), (390, 844)], ids=["1024x768", "390"])
@pytest.mark.parametrize(
    ("river", "view"),
    [("Euphrates", "site=S1&center=35.5,39.9&zoom=9"), ("Orontes", "center=35.2,36.55&zoom=9")],
    ids=["euphrates-at-al-kibar", "orontes-by-hama"],
)
def test_a_view_on_the_river_names_it(page, app_url, size, river, view):
    """Zoomed on a river's stretch (the Euphrates at Al Kibar, site S1; the Orontes between
    Hama and the Ghab, near Masyaf), the river is named, off the site markers."""
    page.set_viewport_size({"width": size[0], "height": size[1]})
    frame = open_settled_map(page, f"{app_url}/?{view}", zoom=9)
    drawn = frame.evaluate(_RIVERS_JS)
    page.screenshot(path=str(ARTIFACTS / f"rivers-{river.lower()}-z9-{size[0]}.png"))
    assert river in _check(drawn)
    assert app_exceptions(page) == [] and page.external_requests == []
