"""Extra layers in the real app: a folder named by ATLAS_EXTRA_LAYERS and an upload."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from browser_support import (
    REPO_ROOT,
    app_exceptions,
    folium_frame,
    goto_app,
    popup_at,
    wait_for_app,
)
from tests.factories import synthetic_points, tree_digest

PAYLOAD = '<img src=x onerror="window.__pwned=1">'
HOSTILE_AT = (38.2, 32.9)  # lon, lat: in the desert south-east of Damascus


@pytest.fixture(scope="module")
def extra_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("extra")
    (folder / "points-10k.geojson").write_bytes(synthetic_points(10_000, seed=7))
    hostile = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": list(HOSTILE_AT)},
                "properties": {PAYLOAD: PAYLOAD, "note": "<script>window.__pwned=1</script>"},
            }
        ],
    }
    (folder / "hostile.geojson").write_text(json.dumps(hostile), encoding="utf-8")
    return folder


def test_folder_and_uploaded_layers_render_and_stay_inert(page, start_app, extra_folder, tmp_path):
    geodata_before = tree_digest(REPO_ROOT / "geodata")
    url = start_app("app.py", env={"ATLAS_EXTRA_LAYERS": str(extra_folder)})
    goto_app(page, url)
    frame = folium_frame(page)
    frame.wait_for_selector(".atlas-marker", timeout=30_000)
    # The first draw waits for a fresh server to read 10,000 points in its worker process:
    # over 30 s once on a machine running two other test suites, so a minute.
    frame.wait_for_selector(
        ".leaflet-container[data-points-drawn='10001']", state="attached", timeout=60_000
    )
    # An upload: a plain layer of three points, for this session only.
    upload = tmp_path / "my-points.geojson"
    upload.write_bytes(synthetic_points(3, seed=1))
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
    frame.wait_for_selector(
        ".leaflet-container[data-points-drawn='10004']", state="attached", timeout=30_000
    )
    wait_for_app(page)
    assert page.get_by_text("my-points", exact=False).count() >= 1
    # The hostile point's popup shows the payload as text.
    popup = popup_at(page, frame, *HOSTILE_AT, zoom=11)
    assert PAYLOAD in popup.inner_text() and popup.locator("img, script").count() == 0
    assert frame.evaluate("window.__pwned === undefined")
    assert page.evaluate("window.__pwned === undefined")
    assert app_exceptions(page) == [] and page.external_requests == []
    assert page.console_errors == []
    assert tree_digest(REPO_ROOT / "geodata") == geodata_before
    page.screenshot(path=str(REPO_ROOT / "tests" / "artifacts" / "app-extra-layers.png"))
