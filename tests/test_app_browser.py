"""The real app in headless Chromium with every non-local request blocked: what a person sees."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from browser_support import REPO_ROOT, app_exceptions, folium_frame, goto_app, wait_for_app

ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
SITE_MARKERS = ".leaflet-marker-pane .atlas-marker"
PAYLOAD = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>'
SHORT_PAYLOAD = "<img src=x onerror=window.__pwned=1>"  # fits the 40-character map label


def _markers(frame) -> list[str]:
    return frame.eval_on_selector_all(SITE_MARKERS, "els => els.map(e => e.dataset.siteId)")


def _wait_markers(frame, count: int) -> None:
    frame.wait_for_function(
        f"document.querySelectorAll({json.dumps(SITE_MARKERS)}).length === {count}",
        timeout=20_000,
    )


def _open(page, url: str):
    goto_app(page, url)
    frame = folium_frame(page)
    frame.wait_for_selector(SITE_MARKERS, timeout=30_000)
    return frame


def _assert_clean(page) -> None:
    assert app_exceptions(page) == []
    assert page.external_requests == []
    assert page.console_errors == []


def test_five_sites_are_drawn_offline_with_grade_labels(page, app_url):
    frame = _open(page, app_url)
    _wait_markers(frame, 5)
    assert sorted(_markers(frame)) == ["S1", "S2", "S3", "S4", "S5"]
    labels = frame.inner_text(".leaflet-marker-pane")
    assert "official finding" in labels and "alleged" in labels
    assert frame.locator(".leaflet-overlay-pane path").count() >= 5  # basemap and halos
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "app-default.png"), full_page=True)
    _assert_clean(page)


def test_clicking_a_site_lists_its_dated_graded_sourced_events(page, app_url):
    frame = _open(page, app_url)
    frame.click('.atlas-marker[data-site-id="S1"]')
    panel = page.locator('section[data-site-id="S1"]')
    panel.wait_for(timeout=20_000)
    wait_for_app(page)
    text = panel.inner_text()
    assert "Al Kibar" in text
    assert "6 September 2007" in text and "24 May 2011" in text and "2001 (uncertain)" in text
    assert "Official finding (international body)" in text and "Alleged" in text
    events = panel.locator("li.atlas-event")
    assert events.count() >= 10
    assert panel.locator('a[href^="https://"]').count() >= 1
    # The Leaflet popup opened by the click carries grades and sources too.
    popup = frame.locator(".leaflet-popup-content")
    if popup.count():
        assert "Sources:" in popup.inner_text()
    page.screenshot(path=str(ARTIFACTS / "app-site-selected.png"), full_page=True)
    _assert_clean(page)


def test_a_filter_change_updates_markers_and_keeps_the_view(page, app_url):
    frame = _open(page, app_url)
    _wait_markers(frame, 5)
    frame.evaluate("window.map.setView([33.6, 36.3], 9, {animate: false})")
    before = frame.evaluate("[window.map.getZoom(), window.map.getCenter().lat]")
    page.get_by_role("checkbox", name="DPRK Embassy").uncheck(force=True)
    _wait_markers(frame, 4)
    wait_for_app(page)
    assert "S5" not in _markers(frame)
    after = frame.evaluate("[window.map.getZoom(), window.map.getCenter().lat]")
    assert after[0] == before[0] and abs(after[1] - before[1]) < 1e-6
    _assert_clean(page)


@pytest.fixture(scope="module")
def hostile_data(tmp_path_factory) -> Path:
    """A copy of geodata/ with a script-like payload in a site name and an event title."""
    root = tmp_path_factory.mktemp("hostile") / "geodata"
    shutil.copytree(REPO_ROOT / "geodata", root)
    layer_path = root / "sites" / "al-kibar.geojson"
    layer = json.loads(layer_path.read_text(encoding="utf-8"))
    layer["features"][0]["properties"]["name"] = f"Al Kibar {PAYLOAD}"
    layer["features"][0]["properties"]["short_name"] = SHORT_PAYLOAD
    layer_path.write_text(json.dumps(layer), encoding="utf-8")
    events_path = root / "events.json"
    events = json.loads(events_path.read_text(encoding="utf-8"))
    events["events"][0]["title"] = PAYLOAD
    events_path.write_text(json.dumps(events), encoding="utf-8")
    return root


def test_script_in_data_shows_as_text_and_never_runs(page, start_app, hostile_data):
    url = start_app("app.py", env={"ATLAS_DATA_DIR": str(hostile_data)})
    frame = _open(page, url)
    frame.click('.atlas-marker[data-site-id="S1"]')
    page.locator('section[data-site-id="S1"]').wait_for(timeout=20_000)
    wait_for_app(page)
    assert SHORT_PAYLOAD in frame.inner_text(".leaflet-marker-pane")
    assert "<script>window.__pwned=1</script>" in page.locator(
        'section[data-site-id="S1"]'
    ).inner_text()
    assert frame.evaluate("window.__pwned === undefined")
    assert page.evaluate("window.__pwned === undefined")
    _assert_clean(page)


def test_a_broken_layer_is_named_and_the_rest_of_the_map_renders(page, start_app, tmp_path):
    root = tmp_path / "geodata"
    shutil.copytree(REPO_ROOT / "geodata", root)
    (root / "sites" / "masyaf.geojson").write_text('{"type": "FeatureCollection", "feat',
                                                   encoding="utf-8")
    frame = _open(page, start_app("app.py", env={"ATLAS_DATA_DIR": str(root)}))
    _wait_markers(frame, 4)
    assert "S2" not in _markers(frame)
    warning = page.get_by_text("geodata/sites/masyaf.geojson", exact=False).first
    assert "not valid JSON" in warning.inner_text()
    assert app_exceptions(page) == [] and page.external_requests == []
