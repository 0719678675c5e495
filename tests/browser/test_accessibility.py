"""An axe-core scan of each page in Chromium: no serious or critical WCAG A/AA violation."""

from __future__ import annotations

import pytest

from browser_support import REPO_ROOT, folium_frame, goto_app, wait_for_app

AXE = REPO_ROOT / "tests" / "vendor" / "axe-core-4.14.1" / "axe.min.js"
RUN_AXE = """async () => {
  const result = await axe.run(document, {runOnly: ["wcag2a", "wcag2aa", "wcag21aa"]});
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ` +
                v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | "));
}"""


def _violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE)


@pytest.mark.parametrize("path", ["", "/about", "/claims"])
def test_pages_have_no_serious_accessibility_violations(page, app_url, path):
    goto_app(page, app_url + path)
    if not path:
        folium_frame(page).wait_for_selector(".atlas-marker", timeout=30_000)
    wait_for_app(page)
    assert _violations(page) == []


def test_the_map_page_with_a_lesson_and_a_site_open(page, app_url):
    goto_app(page, app_url + "/?lesson=north-korea-in-syria&step=3&site=S1")
    folium_frame(page).wait_for_selector(".atlas-marker", timeout=30_000)
    wait_for_app(page)
    assert _violations(page) == []


def test_the_page_is_usable_at_390_pixels(browser, app_url):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(app_url) or route.request.url.startswith("data:")
            else route.abort()
        ),
    )
    page = context.new_page()
    try:
        goto_app(page, app_url)
        frame = folium_frame(page)
        frame.wait_for_selector(".atlas-marker", timeout=30_000)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways ({width} px)"
        box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
        assert box and box["width"] >= 300
        page.screenshot(path=str(REPO_ROOT / "tests" / "artifacts" / "app-390.png"))

        # Issue 13: the site's details opened ~1,000 px below the map; the table broke
        # words letter by letter.
        goto_app(page, app_url + "/?site=S3")
        folium_frame(page).wait_for_selector(".atlas-marker", timeout=30_000)
        wait_for_app(page)
        map_box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
        panel = page.locator('section[data-site-id="S3"]').bounding_box()
        gap = panel["y"] - (map_box["y"] + map_box["height"])
        assert 0 <= gap <= 200, f"the details start {gap:.0f} px below the map"
        page.locator('section[data-site-id="S3"]').scroll_into_view_if_needed()
        page.screenshot(path=str(REPO_ROOT / "tests" / "artifacts" / "app-390-site.png"))
        cell = page.locator(".atlas-table td").first.bounding_box()
        assert cell["width"] >= 300, f"a table cell is {cell['width']:.0f} px wide"
    finally:
        context.close()
