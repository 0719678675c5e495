"""An XSS corpus (OWASP filter-evasion style) in every text field of the data and in URL
parameters: in Chromium nothing runs, no dialog opens, nothing is fetched, and the
payloads show as text. The shipped geodata/ is unchanged afterwards."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from browser_support import REPO_ROOT, app_exceptions, folium_frame, goto_app, wait_for_app

FLAG = "window.__xss=1"
CORPUS = [
    f"<script>{FLAG}</script>",
    f'<img src=x onerror="{FLAG}">',
    f"<svg onload={FLAG}>",
    f'"><script>{FLAG}</script>',
    f"'><img src=x onerror={FLAG}>",
    '<iframe src="javascript:window.top.__xss=1"></iframe>',
    f"<body onload={FLAG}>",
    f'<a href="javascript:{FLAG}">link</a>',
    "<IMG SRC=JaVaScRiPt:window.__xss=1>",
    f'<img """><script>{FLAG}</script>">',
    f"<scr<script>ipt>{FLAG}</scr</script>ipt>",
    f"<details open ontoggle={FLAG}>",
    f"<input autofocus onfocus={FLAG}>",
    f"<math><mtext><table><mglyph><style><img src=x onerror={FLAG}>",
    f"</title></style></textarea></script><svg/onload='{FLAG}'>",
    "<style>@import 'javascript:window.__xss=1';</style>",
    '<object data="javascript:window.__xss=1"></object>',
    f"<!--<script>{FLAG}</script>-->",
    f"]]><script>{FLAG}</script>",
    f"\u2028<script>{FLAG}</script>",
    "[click](javascript:window.__xss=1) ![x](http://example.com/x.png)",
    "{{constructor.constructor('window.__xss=1')()}}",
]
SHORT = [p for p in CORPUS if len(p) <= 40]
SITE_TEXT = ("name", "description", "caveat", "precision_note", "coordinate_source")
EVENT_TEXT = ("title", "summary", "grade_note", "date_note", "caveat")
SOURCE_TEXT = ("publisher", "title", "via", "note")


def _digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode() + path.read_bytes())
    return digest.hexdigest()


def _poison(record: dict, fields: tuple[str, ...], start: int) -> None:
    for offset, field in enumerate(fields):
        record[field] = CORPUS[(start + offset) % len(CORPUS)]


@pytest.fixture(scope="module")
def hostile_data(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("xss") / "geodata"
    shutil.copytree(REPO_ROOT / "geodata", root)
    for n, path in enumerate(sorted((root / "sites").glob("*.geojson"))):
        layer = json.loads(path.read_text(encoding="utf-8"))
        layer["atlas_layer"]["title"] = CORPUS[n % len(CORPUS)]
        for feature in layer["features"]:
            props = feature["properties"]
            _poison(props, SITE_TEXT, n * 5)
            props["short_name"] = SHORT[n % len(SHORT)]
            props["alt_names"] = CORPUS[:3]
        path.write_text(json.dumps(layer), encoding="utf-8")
    for name, key, fields in (
        ("events.json", "events", EVENT_TEXT),
        ("sources.json", "sources", SOURCE_TEXT),
    ):
        document = json.loads((root / name).read_text(encoding="utf-8"))
        for n, record in enumerate(document[key]):
            _poison(record, fields, n)
        (root / name).write_text(json.dumps(document), encoding="utf-8")
    return root


@pytest.mark.parametrize(
    "path", ["/?site=S1&lesson=north-korea-in-syria&step=2", "/claims", "/about"]
)
def test_payloads_in_data_and_url_show_as_text_and_never_run(page, start_app, hostile_data, path):
    before = _digest(REPO_ROOT / "geodata")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    url = start_app("app.py", env={"ATLAS_DATA_DIR": str(hostile_data)})
    hostile_query = "&".join(f"zz{i}={payload}" for i, payload in enumerate(CORPUS[:5]))
    goto_app(
        page,
        f"{url}{path}{'&' if '?' in path else '?'}{hostile_query}"
        f"&years={CORPUS[0]}&site={CORPUS[1]}",
    )
    if path.startswith("/?"):
        frame = folium_frame(page)
        frame.wait_for_selector(".atlas-marker", timeout=30_000)
        assert frame.evaluate("window.__xss === undefined")
        labels = frame.inner_text(".leaflet-marker-pane")
        assert any(payload in labels for payload in SHORT)
    wait_for_app(page)
    page.wait_for_timeout(500)
    assert page.evaluate("window.__xss === undefined")
    assert dialogs == []
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert sum(payload.strip() in text for payload in CORPUS) >= 5  # shown as text
    assert page.locator('[data-testid="stMain"] iframe[src^="javascript"]').count() == 0
    assert app_exceptions(page) == []
    assert page.external_requests == []
    if path.startswith("/?"):  # (a deep link to another page makes Streamlit probe
        assert page.console_errors == []  # /<page>/_stcore/health first: a harmless 404)
    assert _digest(REPO_ROOT / "geodata") == before
