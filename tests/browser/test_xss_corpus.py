"""An XSS corpus (OWASP filter-evasion style) in every text field of the data, of an extra
layer (the ATLAS_EXTRA_LAYERS folder), of an upload and in URL parameters: in Chromium
nothing runs, no dialog opens, nothing is fetched, and the payloads show as text. The
shipped geodata/ is unchanged afterwards."""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path

import pytest

from browser_support import (
    REPO_ROOT,
    app_exceptions,
    click_map_at,
    folium_frame,
    goto_app,
    images_settled,
    marker_centre,
    wait_for_app,
)
from layers import extra
from layers.ui.page import WORD_JOINER
from tests.factories import event, layer, site_feature, source, tree_digest

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
SOURCE_TEXT = ("publisher", "title", "via", "note", "author")


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
            if "nk_link" in record:  # the North Korean link's note is shown in every panel
                record["nk_link"]["note"] = CORPUS[(n + 7) % len(CORPUS)]
        (root / name).write_text(json.dumps(document), encoding="utf-8")
    return root


@pytest.mark.parametrize(
    "path", ["/?site=S1&lesson=north-korea-in-syria&step=2", "/claims", "/about"]
)
def test_payloads_in_data_and_url_show_as_text_and_never_run(page, start_app, hostile_data, path):
    before = tree_digest(REPO_ROOT / "geodata")
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
    images_settled(page)
    assert page.evaluate("window.__xss === undefined")
    assert dialogs == []
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert sum(payload.strip() in text for payload in CORPUS) >= 5  # shown as text
    assert page.locator('[data-testid="stMain"] iframe[src^="javascript"]').count() == 0
    assert app_exceptions(page) == []
    assert page.external_requests == []
    if path.startswith("/?"):  # (a deep link to another page makes Streamlit probe
        assert page.console_errors == []  # /<page>/_stcore/health first: a harmless 404)
    assert tree_digest(REPO_ROOT / "geodata") == before


# --------------------------------------------------------------------------- extra layers
# The same three hostile files come from the ATLAS_EXTRA_LAYERS folder or through the
# sidebar's upload widget: one that follows the site schema (sites, events, sources: every
# text field, and the layer title), a plain GeoJSON layer (common and unknown properties,
# payloads as keys) and a broken file whose problems quote payloads. The file names carry
# payloads too (legal on any filesystem: no "/").

EXTRA_SITE_TEXT = (*SITE_TEXT, "name_ar")
EXTRA_SOURCE_TEXT = ("publisher", "title", "document_number", "via", "note", "author")
PLAIN_TEXT = ("name", "title", "description", "date", "source")
EXTRA_SITES = {"S901": (37.45, 33.65), "S902": (40.9, 36.45)}  # id: (lon, lat)
PLAIN_POINTS = ((38.9, 34.6), (39.6, 35.0), (40.3, 34.2), (41.0, 35.3), (39.2, 33.6))
MARKDOWN = CORPUS[20]
SCHEMA_FILE = f"{CORPUS[2]} sites.geojson"
PLAIN_FILE = f"{CORPUS[4]}.geojson"  # no '"': Chromium sends it as %22 in an upload
BROKEN_FILE = f"{CORPUS[12]} broken.geojson"
UPLOAD_INPUT = '[data-testid="stFileUploaderDropzoneInput"]'
POPUP_TAGS = ("DIV", "B", "TABLE", "TBODY", "TR", "TH", "TD", "SMALL")  # all a popup may hold


def _schema_file() -> dict:
    """Two sites, two events at both, two sources. Payloads are dealt in the order the
    S901 panel shows them, so that panel alone shows all of them."""
    deal = itertools.cycle(CORPUS).__next__

    def site_text(n: int) -> dict:
        alt_names = [deal(), deal()]
        return {"short_name": SHORT[n], "alt_names": alt_names} | {
            name: deal() for name in EXTRA_SITE_TEXT
        }

    sites = {"S901": site_text(0)}
    events = [
        event(
            f"E90{n}",
            site_ids=["S901", "S902"],
            source_ids=["xss-src-1", "xss-src-2"],
            **{name: deal() for name in EVENT_TEXT},
            nk_link={"types": ["nuclear"], "grade": "reported", "note": deal()},
        )
        for n in (1, 2)
    ]
    sources = [
        source(
            f"xss-src-{n}",
            document_number_status="unverified",
            **{name: deal() for name in EXTRA_SOURCE_TEXT},
        )
        for n in (1, 2)
    ]
    sites["S902"] = site_text(1) | {"name": MARKDOWN}  # search results are widget labels
    features = [
        site_feature(site_id, lon=lon, lat=lat, **sites[site_id])
        for site_id, (lon, lat) in EXTRA_SITES.items()
    ]
    document = layer("xss-extra", *features, order=9)
    document["atlas_layer"]["title"] = MARKDOWN  # a widget label: Streamlit reads Markdown
    return {**document, "events": events, "sources": sources}


def _plain_file() -> dict:
    """Points with the usual text properties and a payload as a key; one feature whose
    geometry type is a payload (its problem quotes it)."""
    deal = itertools.cycle(CORPUS).__next__
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {
                **{name: deal() for name in PLAIN_TEXT},
                deal(): "the key is a payload",
                "nested": {"list": [CORPUS[n]], "n": n},
            },
        }
        for n, (lon, lat) in enumerate(PLAIN_POINTS)
    ]
    features.append({"type": "Feature", "geometry": {"type": CORPUS[2], "coordinates": [38, 35]}})
    return {"type": "FeatureCollection", "features": features}


#: What the broken file's problem messages must quote (as text).
BROKEN_QUOTES = (CORPUS[0], MARKDOWN, CORPUS[1], CORPUS[2])


def _broken_file() -> dict:
    """Schema records that are refused: payloads as an unknown field's name and as
    values of enumerated fields. Each problem names the file, feature and field."""
    unknown_fields = site_feature("S903", lon=38.5, lat=34.0)
    unknown_fields["properties"].update({CORPUS[0]: "x", MARKDOWN: "y"})
    bad_value = site_feature("S904", lon=38.6, lat=34.1, precision_class=CORPUS[1])
    document = layer("xss-broken", unknown_fields, bad_value, order=10)
    document["events"] = [event("E903", site_ids=["S901"], grade=CORPUS[2])]
    return document


@pytest.fixture(scope="module")
def hostile_extra(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("xss-extra")
    for name, document in (
        (SCHEMA_FILE, _schema_file()),
        (PLAIN_FILE, _plain_file()),
        (BROKEN_FILE, _broken_file()),
    ):
        (folder / name).write_text(json.dumps(document), encoding="utf-8")
    return folder


def _missing(payloads, text: str) -> list[str]:
    """The payloads not shown in ``text`` (leading and trailing space aside: the schema
    strips it, and innerText may render U+2028 as a line break; and the invisible word
    joiner that keeps a URL in a widget label from becoming a link)."""
    text = text.replace(WORD_JOINER, "")
    return [p for p in payloads if p.strip() not in text]


@pytest.mark.parametrize("how", ["folder", "upload"])
def test_payloads_in_extra_layers_and_uploads_show_as_text_and_never_run(
    page, start_app, hostile_extra, how
):
    before = tree_digest(REPO_ROOT / "geodata")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    files = sorted(hostile_extra.iterdir())
    if how == "folder":
        goto_app(page, start_app("app.py", env={extra.EXTRA_LAYERS_ENV: str(hostile_extra)}))
    else:
        goto_app(page, start_app("app.py"))
        page.locator(UPLOAD_INPUT).set_input_files(
            [
                {"name": p.name, "mimeType": "application/json", "buffer": p.read_bytes()}
                for p in files
            ]
        )
        # The files' problems appear above the map, which is then drawn anew: wait for them.
        page.locator('[role="alert"]', has_text="S903").first.wait_for()
        wait_for_app(page)
    frame = folium_frame(page)
    frame.wait_for_selector(
        f".leaflet-container[data-points-drawn='{len(PLAIN_POINTS)}']", state="attached"
    )
    wait_for_app(page)
    schema = _schema_file()
    plain = _plain_file()

    # Sites: labels on the map, a tooltip, and the panel a click on the marker opens.
    labels = frame.inner_text(".leaflet-marker-pane")
    assert SHORT[0] in labels and SHORT[1] in labels
    x, y = marker_centre(page, frame, "S901")
    page.mouse.move(x, y)
    tooltip = frame.locator(".leaflet-tooltip")
    tooltip.wait_for()
    site_name = schema["features"][0]["properties"]["name"]
    assert site_name.strip() in tooltip.inner_text()
    page.mouse.click(x, y)
    panel = page.locator('section.atlas-panel[data-site-id="S901"]')
    panel.wait_for()
    wait_for_app(page)
    assert _missing(CORPUS, panel.inner_text()) == []

    # Plain layer: each point's popup lists its properties, keys and values, as text.
    shown = []
    for n, (lon, lat) in enumerate(PLAIN_POINTS):
        props = plain["features"][n]["properties"]
        texts = [text for key, value in props.items() if key != "nested" for text in (key, value)]
        click_map_at(page, frame, lon, lat)
        popup = frame.locator(".leaflet-popup-content", has_text=props["name"].strip())
        popup.wait_for(timeout=10_000)
        text = popup.inner_text()
        assert _missing(texts, text) == [], f"popup of point {n}"
        tags = popup.evaluate("el => [...el.querySelectorAll('*')].map(e => e.tagName)")
        assert set(tags) <= set(POPUP_TAGS)
        shown.append(text)
        frame.evaluate("() => window.map.closePopup()")  # it may cover the next point
    assert _missing(CORPUS, "\n".join(shown)) == []

    # Search results are buttons, whose labels Streamlit reads as Markdown.
    page.get_by_label("Search").fill("example.com")
    page.get_by_label("Search").press("Enter")
    buttons = page.locator('[data-testid="stSidebar"] [data-testid="stButton"]')
    buttons.filter(has_text="site: ").first.wait_for()  # (the rerun may start late)
    wait_for_app(page)
    hits = buttons.all_inner_texts()
    assert _missing([MARKDOWN], "\n".join(hits)) == [], hits

    # Problems quote the payloads as text; the layer title is a label, not Markdown.
    alerts = "\n".join(page.locator('[data-testid="stMain"] [role="alert"]').all_inner_texts())
    assert _missing(BROKEN_QUOTES, alerts) == []
    assert "S903" in alerts and "S904" in alerts and "E903" in alerts
    assert f"unknown geometry type '{CORPUS[2]}'" in alerts  # from the plain layer
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert _missing([MARKDOWN], sidebar.inner_text()) == []
    assert extra.safe_name(PLAIN_FILE).removesuffix(".geojson") in sidebar.inner_text()
    if how == "upload":  # the widget lists the uploaded files by their (hostile) names
        chips = page.locator('[data-testid="stFileChipName"]')  # (cut in the middle;
        names = chips.evaluate_all("els => els.map(e => e.title)")  # whole in the title)
        assert sorted(names) == [p.name for p in files]

    images_settled(page)
    images_settled(frame)
    assert frame.evaluate("window.__xss === undefined")
    assert page.evaluate("window.__xss === undefined")
    assert dialogs == []
    # The page's own images are the grade shapes and the timeline, each an SVG data URI.
    ours = "img.atlas-shape, img.atlas-timeline-image"
    sources = page.locator(ours).evaluate_all("imgs => imgs.map(i => i.getAttribute('src'))")
    assert sources and all(src.startswith("data:image/svg+xml") for src in sources)
    injected = (
        "img:not(.atlas-shape):not(.atlas-timeline-image), object, embed, "
        "iframe[src^='javascript'], a[href^='javascript']"
    )
    assert page.locator(injected).count() == 0
    widgets = '[data-testid="stWidgetLabel"], [data-testid="stButton"]'
    assert page.locator(widgets).locator("a, img").count() == 0  # no Markdown from data
    assert app_exceptions(page) == []
    assert page.external_requests == []
    assert page.console_errors == [] and page.page_errors == []
    assert tree_digest(REPO_ROOT / "geodata") == before
