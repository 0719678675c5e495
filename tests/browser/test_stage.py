"""The projector stage in Chromium, measured: at the three projector sizes and on a phone the
map and the step are both on screen with nothing to scroll, no visible text is under 18 px
(on the page or on the map), the step's title is larger than its text, the marker key is on
the map and no control label is cut. Also the lesson keys with the map focused, and a step
link's map view. Screenshots go to tests/artifacts/stage-<width>x<height>.png."""

from __future__ import annotations

import pytest

from browser_support import REPO_ROOT, app_exceptions, folium_frame, goto_app, wait_for_app
from tests.factories import shipped_atlas

ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
LESSON = "north-korea-in-syria"
STEP_TEXT = ".st-key-atlas-stage-text"
MIN_PX = 18

# Every rendered text node under `root` whose font is smaller than the minimum.
SMALL_TEXT_JS = """([root, least]) => {
  root = root ? document.querySelector(root) : document.body;
  const small = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const element = node.parentElement;
    if (!node.textContent.trim() || !element || element.closest("style, script")) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    // Shown: a box of some size that overlaps the viewport (a "skip to content" link waits
    // off-screen, or clipped to a pixel, until it has focus).
    const shown = [...range.getClientRects()].some((r) => r.width > 2 && r.height > 2
      && r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight);
    const own = element.getBoundingClientRect();
    if (!shown || own.width <= 2 || own.height <= 2) continue;
    const style = getComputedStyle(element);
    if (style.visibility === "hidden" || style.opacity === "0") continue;
    const size = parseFloat(style.fontSize);
    if (size < least) small.push(`${node.textContent.trim().slice(0, 40)} (${size}px)`);
  }
  return small;
}"""

RINGS_INSIDE_JS = """() => [...document.querySelectorAll('.atlas-highlight')].every((ring) => {
  const box = ring.getBoundingClientRect();
  return box.left >= 0 && box.top >= 0 && box.right <= innerWidth && box.bottom <= innerHeight;
})"""

BOX_JS = """(selector) => {
  const box = document.querySelector(selector).getBoundingClientRect();
  return {left: box.left, top: box.top, right: box.right, bottom: box.bottom};
}"""


def _inside(box: dict, width: int, height: int) -> bool:
    return (
        box["left"] >= 0
        and box["top"] >= 0
        and box["right"] <= width + 0.5
        and (box["bottom"] <= height + 0.5)
    )


def _open_stage(page, width: int, height: int, step: int):
    """The lesson at `step` in projector view, the type fitted and the map at the step's zoom."""
    page.set_viewport_size({"width": width, "height": height})
    goto_app(page, f"{page.app_url}/?lesson={LESSON}&step={step}")
    page.get_by_text("Projector view").click()
    wait_for_app(page)
    page.wait_for_selector(f'{STEP_TEXT}[data-fitted^="{step}/"]', state="attached")
    frame = folium_frame(page)
    frame.wait_for_selector(".atlas-present .atlas-map-legend", timeout=20_000)
    return frame


def _wait_zoom(frame, zoom: float) -> None:
    frame.wait_for_function(f"window.map && Math.abs(window.map.getZoom() - {zoom}) < 0.01")


@pytest.fixture
def app_page(page, app_url):
    page.app_url = app_url
    return page


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (1366, 768), (1920, 1080), (390, 844)])
def test_the_stage_fits_one_screen_in_large_type(app_page, width, height):
    page = app_page
    frame = _open_stage(page, width, height, step=2)  # five cited events: the step to fit
    _wait_zoom(frame, 9)

    # Nothing to scroll: neither the page nor Streamlit's main pane.
    scroll = page.evaluate(
        "[document.scrollingElement.scrollHeight, document.scrollingElement.scrollWidth,"
        " document.querySelector('[data-testid=stMain]').scrollHeight]"
    )
    assert scroll[0] <= height and scroll[1] <= width and scroll[2] <= height, scroll

    # The map and the step are both inside the viewport; the map takes most of a projector.
    map_box = page.evaluate(BOX_JS, 'iframe[title="streamlit_folium.st_folium"]')
    text_box = page.evaluate(BOX_JS, STEP_TEXT)
    assert _inside(map_box, width, height), map_box
    assert _inside(text_box, width, height), text_box
    map_area = (map_box["right"] - map_box["left"]) * (map_box["bottom"] - map_box["top"])
    if width >= 1024:
        assert map_area >= 0.48 * width * height
        assert map_box["bottom"] - map_box["top"] >= 0.95 * height
        # The whole step fits beside the map, without scrolling inside its box either.
        assert page.get_attribute(STEP_TEXT, "data-overflow") == "false"
    else:  # a phone stacks them: the map above, the step under it
        assert map_box["bottom"] <= text_box["top"] + 1
        assert map_area >= 0.35 * width * height

    # No visible text under 18 px, on the page or on the map; the title is the largest.
    assert page.evaluate(SMALL_TEXT_JS, [None, MIN_PX]) == []
    assert frame.evaluate(SMALL_TEXT_JS, [".leaflet-container", MIN_PX]) == []
    title, body = page.evaluate(
        "['.atlas-stage-title', '.atlas-stage-text p'].map((s) =>"
        " parseFloat(getComputedStyle(document.querySelector(s)).fontSize))"
    )
    assert title > body >= MIN_PX

    # The marker key is on the map, inside it; the markers' words are there too.
    legend = frame.evaluate(BOX_JS, ".atlas-map-legend")
    inner = frame.evaluate("[innerWidth, innerHeight]")
    assert _inside(legend, *inner)
    assert "alleged" in frame.inner_text(".atlas-map-legend")
    assert "government statement" in frame.inner_text('.atlas-marker[data-site-id="S1"]')

    # Every control is on screen with its whole label (no "Pre…", "Nex…").
    controls = page.locator(".st-key-atlas-stage-controls")
    assert _inside(page.evaluate(BOX_JS, ".st-key-atlas-stage-controls"), width, height)
    cut = controls.evaluate(
        "el => [...el.querySelectorAll('*')].filter((e) => e.scrollWidth > e.clientWidth + 1"
        " && getComputedStyle(e).overflowX !== 'visible' && e.textContent.trim())"
        ".map((e) => e.textContent)"
    )
    assert cut == []
    labels = controls.inner_text()
    for label in ("Back", "Next", "2 / 11", "Projector view"):
        assert label in labels

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"stage-{width}x{height}.png"))
    assert app_exceptions(page) == [] and page.external_requests == []


def test_every_step_fits_the_smallest_projector_and_the_keys_work_from_the_map(app_page):
    """At 1024x768, after a click on the map (which used to swallow the arrows), the clicker's
    and keyboard's keys step through the lesson; every step fits at 18 px or more."""
    page = app_page
    frame = _open_stage(page, 1024, 768, step=1)
    page.wait_for_function("window.atlasLessonKey !== undefined")
    # A click on an empty part of the map (left edge, half way down) puts focus in its frame.
    box = frame.locator(".leaflet-container").bounding_box()
    page.mouse.click(box["x"] + 60, box["y"] + box["height"] / 2)
    assert page.evaluate("document.activeElement.tagName") == "IFRAME"

    def expect(step: int) -> None:
        page.wait_for_selector(f'{STEP_TEXT}[data-fitted^="{step}/"]', state="attached")
        wait_for_app(page)
        assert page.get_attribute("section[aria-label='Lesson step']", "data-step") == str(step)
        assert page.get_attribute(STEP_TEXT, "data-overflow") == "false", f"step {step}"
        assert int(page.get_attribute(STEP_TEXT, "data-size")) >= MIN_PX
        # The step's highlighted sites are on the map, not cut off at its edge.
        frame.wait_for_function(RINGS_INSIDE_JS)

    presses = [
        ("PageDown", 2),
        ("Space", 3),
        ("ArrowRight", 4),
        ("Shift+Space", 3),
        ("PageUp", 2),
        ("ArrowLeft", 1),
        ("End", 11),
        ("Home", 1),
    ]
    for key, step in presses:
        page.keyboard.press(key)
        expect(step)
    assert page.evaluate("document.activeElement.tagName") == "IFRAME"  # still in the map
    for step in range(5, 11):  # a number then Enter, for the steps not visited yet
        for digit in str(step):
            page.keyboard.press(digit)
        page.keyboard.press("Enter")
        expect(step)
    assert app_exceptions(page) == [] and page.console_errors == []


def test_a_step_link_opens_the_map_at_the_steps_view(page, app_url):
    """Step 6 (Barzeh at zoom 12) used to open at the national view from its link."""
    page.set_viewport_size({"width": 1024, "height": 768})
    goto_app(page, f"{app_url}/?lesson={LESSON}&step=6")
    frame = folium_frame(page)
    frame.wait_for_selector(".atlas-highlight", state="attached", timeout=20_000)
    _wait_zoom(frame, 12)
    barzeh = shipped_atlas().sites["S4"]
    centre = frame.evaluate("[window.map.getCenter().lat, window.map.getCenter().lng]")
    assert centre == pytest.approx([barzeh.lat, barzeh.lon], abs=0.002)
    assert "zoom=12" in page.url and "step=6" in page.url


def test_space_on_a_focused_button_moves_one_step_and_outside_a_lesson_the_map_pans(page, app_url):
    """Space is "next" even on the button just clicked (which it would also press: the step
    must move once, not twice); without a lesson the map keeps its own arrow keys."""
    goto_app(page, f"{app_url}/?lesson={LESSON}&step=1")
    page.wait_for_function("window.atlasLessonKey !== undefined")
    step = page.locator("section[aria-label='Lesson step']")
    page.locator(".st-key-lesson-next button").click()
    step.get_by_text("step 2 of", exact=False).wait_for()
    wait_for_app(page)
    page.keyboard.press("Space")
    step.get_by_text("step 3 of", exact=False).wait_for()
    wait_for_app(page)
    assert "step 3 of" in step.inner_text()

    goto_app(page, app_url)
    frame = folium_frame(page)
    frame.wait_for_selector(".atlas-marker")
    box = frame.locator(".leaflet-container").bounding_box()
    page.mouse.click(box["x"] + 40, box["y"] + box["height"] / 2)
    before = frame.evaluate("window.map.getCenter().lng")
    page.keyboard.press("ArrowRight")
    frame.wait_for_function(f"window.map.getCenter().lng > {before} + 0.1")
    assert app_exceptions(page) == []


def test_the_step_list_closes_once_a_step_is_picked(page, app_url):
    """The review: the list stayed open over the map after a step was chosen."""
    page.set_viewport_size({"width": 1024, "height": 768})
    goto_app(page, f"{app_url}/?lesson={LESSON}&step=2")
    page.locator(".st-key-step-list button").first.click()
    menu = page.locator('[data-testid="stPopoverBody"]')
    menu.wait_for()
    menu.get_by_role("button", name="5. ", exact=False).click()
    page.locator("section[aria-label='Lesson step']").get_by_text(
        "step 5 of", exact=False
    ).wait_for()
    wait_for_app(page)
    assert menu.count() == 0 or not menu.is_visible()
    assert app_exceptions(page) == []
