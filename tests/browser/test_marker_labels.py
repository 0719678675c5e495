"""Site markers' labels stay inside the map on a phone (390 px), in headless Chromium.

A marker near the map's right edge used to have its label cut there (seen on the stage, in
the lesson file and on a phone): the label now goes on the marker's left where it would not
fit on its right, after loading and after the map is moved.
"""

from __future__ import annotations

import pytest

from browser_support import REPO_ROOT, app_exceptions, bring_map_into_view, folium_frame, goto_app

ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
SITE_MARKERS = ".leaflet-marker-pane .atlas-marker"
AL_KIBAR = (35.70722, 39.83306)  # site S1, as geodata/sites gives it (rounded for the URL)

# Every site marker's icon and label box, and the map's box, in the frame's viewport, after
# the layout that follows the last map change.
_MARKERS_JS = """
() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => {
  const box = el => { const r = el.getBoundingClientRect();
    return {x1: r.left, x2: r.right, y1: r.top, y2: r.bottom}; };
  const markers = [...document.querySelectorAll('.leaflet-marker-icon.atlas-site')].map(icon => ({
    id: icon.querySelector('.atlas-marker').dataset.siteId,
    icon: box(icon), label: box(icon.querySelector('.atlas-marker-label')),
    left: icon.classList.contains('atlas-label-left')}));
  done({view: box(document.querySelector('.leaflet-container')), markers});
})))
"""


def _settled(frame) -> None:
    frame.wait_for_selector(".leaflet-container[data-places-settled]", timeout=20_000)


def _cut_labels(drawn: dict) -> list[str]:
    """Sites whose marker is in the map but whose label is not wholly inside it."""
    view = drawn["view"]
    cut = []
    for m in drawn["markers"]:
        centre_x = (m["icon"]["x1"] + m["icon"]["x2"]) / 2
        centre_y = (m["icon"]["y1"] + m["icon"]["y2"]) / 2
        if not (view["x1"] <= centre_x <= view["x2"] and view["y1"] <= centre_y <= view["y2"]):
            continue  # a marker off the map: its label is off it too
        b = m["label"]
        inside_x = view["x1"] <= b["x1"] and b["x2"] <= view["x2"]
        if not (inside_x and view["y1"] <= b["y1"] and b["y2"] <= view["y2"]):
            cut.append(m["id"])
    return cut


@pytest.mark.parametrize(
    "view",
    ["", f"center={AL_KIBAR[0]},{AL_KIBAR[1] - 0.8}&zoom=8", "site=S2&zoom=10"],
    ids=["national", "al-kibar-at-the-right-edge", "masyaf-zoom-10"],
)
def test_every_marker_label_is_inside_the_map_at_390_pixels(page, app_url, view):
    page.set_viewport_size({"width": 390, "height": 844})
    goto_app(page, f"{app_url}/?{view}")
    frame = folium_frame(page)
    frame.wait_for_selector(SITE_MARKERS, timeout=30_000)
    bring_map_into_view(page)
    _settled(frame)
    drawn = frame.evaluate(_MARKERS_JS)
    name = view.split("&")[0].replace("=", "-") or "national"
    page.screenshot(path=str(ARTIFACTS / f"marker-labels-390-{name}.png"))
    assert drawn["markers"], "no site marker measured"
    assert _cut_labels(drawn) == []
    if "center=" in view:  # Al Kibar sits 70 px from the right edge: its label is on its left
        assert {m["id"]: m["left"] for m in drawn["markers"]}["S1"] is True
    assert app_exceptions(page) == [] and page.external_requests == []


def test_a_label_moves_to_the_left_when_the_map_is_panned_to_the_edge(page, app_url):
    page.set_viewport_size({"width": 390, "height": 844})
    lat, lon = AL_KIBAR
    goto_app(page, f"{app_url}/?center={lat},{lon}&zoom=8")
    frame = folium_frame(page)
    frame.wait_for_selector(SITE_MARKERS, timeout=30_000)
    bring_map_into_view(page)
    _settled(frame)
    before = {m["id"]: m["left"] for m in frame.evaluate(_MARKERS_JS)["markers"]}
    assert before["S1"] is False  # in the middle of the map, the label is on the right
    frame.evaluate("window.map.panBy([-130, 0], {animate: false})")  # S1 to the right edge
    frame.wait_for_function(
        "document.querySelector('.atlas-marker[data-site-id=S1]')"
        ".closest('.leaflet-marker-icon').classList.contains('atlas-label-left')",
        timeout=10_000,
    )
    drawn = frame.evaluate(_MARKERS_JS)
    assert _cut_labels(drawn) == []
    assert app_exceptions(page) == [] and page.external_requests == []


@pytest.mark.parametrize("width", [390, 1400])
def test_the_scale_bar_clears_the_credit(page, app_url, width):
    """The credit runs the map's width (two lines on a phone); the scale bar sits above it."""
    page.set_viewport_size({"width": width, "height": 844})
    goto_app(page, app_url)
    frame = folium_frame(page)
    frame.wait_for_selector(SITE_MARKERS, timeout=30_000)
    boxes = frame.evaluate(
        """() => ['.leaflet-control-scale', '.leaflet-control-attribution'].map(s => {
             const r = document.querySelector(s).getBoundingClientRect();
             return {x1: r.left, x2: r.right, y1: r.top, y2: r.bottom}; })"""
    )
    scale, credit = boxes
    overlap_x = min(scale["x2"], credit["x2"]) - max(scale["x1"], credit["x1"])
    overlap_y = min(scale["y2"], credit["y2"]) - max(scale["y1"], credit["y1"])
    assert overlap_x <= 0 or overlap_y <= 0, boxes
