"""The lesson editor end to end in Chromium (network blocked): build a three-step lesson from
the map's views, download it, open the file in a new session (a new browser context) and
play it on the projector stage. Screenshots of the editor at 1440x900 and 1024x768 go to
tests/artifacts/lesson-editor-<width>x<height>.png."""

from __future__ import annotations

import io
import re

import pytest
import yaml
from PIL import Image

from browser_support import REPO_ROOT, app_exceptions, goto_app, wait_for_app

pytestmark = pytest.mark.browser

ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
EDITOR = ".st-key-atlas-lesson-editor"
STAGE_TEXT = ".st-key-atlas-stage-text"
UPLOAD_INPUT = f'{EDITOR} [data-testid="stFileUploaderDropzoneInput"]'
STEPS = [
    # (search, the hit to choose, title, text, notes, the event to cite)
    (None, None, "The whole atlas", "Relations since 1966, according to Yonhap.", "Start.", "E27"),
    (
        "Al Kibar",
        "Site: Al Kibar",
        "Al Kibar",
        "The US government said North Korea assisted the reactor.",
        "Government statement.",
        "E07",
    ),
    (
        "Jamraya",
        "Site: SSRC Jamraya",
        "Jamraya",
        "Reportedly a research site, according to press accounts.",
        "Reported.",
        "E20",
    ),
]


CREDIT = "Drawing: the test suite, CC0"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def _open_editor(page) -> None:
    editor = page.locator(EDITOR)
    editor.get_by_text("Write or open a lesson").click()
    editor.get_by_role("textbox", name="Lesson title").wait_for()
    wait_for_app(page)


def _commit(page, label: str, value: str, *, area: bool = False) -> None:
    """Type into a field of the editor and send it (Enter, or Ctrl+Enter in a text area)."""
    box = page.locator(EDITOR).get_by_role("textbox", name=label, exact=True)
    box.fill(value)
    box.press("Control+Enter" if area else "Enter")
    wait_for_app(page)


def _type(page, label: str, value: str) -> None:
    """Type into a field of the step's form: nothing is sent until its Save."""
    page.locator(EDITOR).get_by_role("textbox", name=label, exact=True).fill(value)


def _click(page, name: str, scope: str = EDITOR) -> None:
    page.locator(scope).get_by_role("button", name=name, exact=True).click()
    wait_for_app(page)


def _choose_view(page, query: str, hit: str) -> None:
    search = page.get_by_role("textbox", name="Search")
    search.fill(query)
    search.press("Enter")
    wait_for_app(page)
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name=hit).first.click()
    wait_for_app(page)


def _cite(page, event_id: str) -> None:
    """Choose the event in the step's multiselect (its label ends with the id)."""
    form = page.locator(".st-key-editor-step-form")
    box = form.get_by_role("combobox").first
    box.click()
    box.type(event_id)  # the list draws only the options in sight: narrow it first
    page.get_by_role("option", name=re.compile(rf"· {event_id}$")).click()
    menu = page.get_by_role("listbox")
    for _ in range(3):  # the first Escape may only clear the typed filter
        if not menu.count():
            break
        page.keyboard.press("Escape")
    menu.wait_for(state="detached")  # else the next click only closes the menu
    form.locator(f'[data-event-id="{event_id}"][data-link-grade]').wait_for()  # beside the text
    wait_for_app(page)  # the run that drew it is over


def _screenshot(page, width: int, height: int) -> None:
    """The open step form (the grades beside the text) at this size."""
    page.set_viewport_size({"width": width, "height": height})
    page.locator(".st-key-editor-step-form").scroll_into_view_if_needed()
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"lesson-editor-{width}x{height}.png"))


def test_build_download_open_and_play_a_three_step_lesson(page, browser, app_url, tmp_path):
    page.set_viewport_size({"width": 1440, "height": 900})
    goto_app(page, app_url)
    _open_editor(page)
    _commit(page, "Lesson title", "Three places")
    _commit(page, "Audience (who it is for, how long it takes)", "A class, ten minutes")
    _commit(page, "Summary", "Three sites tied to North Korea.", area=True)

    for number, (query, hit, title, text, notes, event_id) in enumerate(STEPS, start=1):
        if query:
            _choose_view(page, query, hit)
        _click(page, "Add this view as a step")
        _type(page, "Step title", title)
        _type(page, "Text (what the class reads)", text)
        _type(page, "Presenter notes", notes)
        if number == 2:  # a picture, with its credit and alt text (sent with Save)
            form = page.locator(".st-key-editor-step-form")
            form.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
                {"name": "square.png", "mimeType": "image/png", "buffer": _png()}
            )
            form.get_by_text("square.png").wait_for()
            _type(page, "Picture credit (who made it; licence or permission)", CREDIT)
            _type(page, "Picture alt text (what it shows)", "A red square")
        if number == 1:  # saving before citing an event is refused, in words
            _click(page, "Save step")
            assert "cites no event" in page.locator('[data-editor-note="error"]').inner_text()
        _cite(page, event_id)  # a rerun: the typed words wait in their form
        _click(page, "Save step")
        page.locator(EDITOR).get_by_text(f"Step {number}: {title}").wait_for()

    _click(page, "Edit", scope=".st-key-editor-edit-2")
    _screenshot(page, 1440, 900)
    _screenshot(page, 1024, 768)
    with page.expect_download() as info:
        page.locator(EDITOR).get_by_role("button", name="Download lesson").click()
    download = info.value
    assert download.suggested_filename == "three-places.yaml"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert [step["title"] for step in document["steps"]] == [s[2] for s in STEPS]
    assert [step["view"].get("site") for step in document["steps"]] == [None, "S1", "S3"]
    assert [step["citations"] for step in document["steps"]] == [[s[5]] for s in STEPS]
    assert [step["text"] for step in document["steps"]] == [s[3] for s in STEPS]
    assert [bool(step.get("image")) for step in document["steps"]] == [False, True, False]
    assert document["steps"][1]["image"]["credit"] == CREDIT
    assert app_exceptions(page) == [] and page.external_requests == []

    # A new session: open the file, then play it on the stage.
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(app_url)
            else route.abort("blockedbyclient")
        ),
    )
    other = context.new_page()
    try:
        goto_app(other, app_url)
        _open_editor(other)
        # A bad file first: named in words, and the page keeps working.
        hostile = "<img src=x onerror=alert(1)>.yaml"
        bad = path.read_text(encoding="utf-8").replace("[E07]", "[E999]").encode()
        other.locator(UPLOAD_INPUT).set_input_files(
            {"name": hostile, "mimeType": "application/yaml", "buffer": bad}
        )
        note = other.locator('[data-editor-note="error"]')
        note.wait_for()
        assert note.inner_text() == (
            f"Not opened: {hostile}, step 2, cited events: event 'E999' is not in events.json"
        )  # the file's name shown as text: no image element was made of it
        assert other.locator(f"{EDITOR} img").count() == 0
        other.locator(UPLOAD_INPUT).set_input_files(str(path))
        other.locator('[data-editor-note="opened"]').wait_for()
        wait_for_app(other)
        _click(other, "Play it on the stage")
        for number, (_, _, title, *_) in enumerate(STEPS, start=1):
            text = other.locator(f'{STAGE_TEXT}[data-fitted^="{number}/"]')
            text.wait_for(state="attached")
            assert title in other.locator(STAGE_TEXT).inner_text()
            assert f"step {number} of 3" in other.locator(STAGE_TEXT).inner_text()
            if number == 2:  # the picture, as an image with its alt text and credit
                figure = other.locator(f"{STAGE_TEXT} .atlas-step-image")
                assert figure.locator("img").get_attribute("alt") == "A red square"
                assert figure.locator("img").evaluate("i => i.complete && i.naturalWidth") == 64
                assert figure.locator("figcaption").inner_text() == CREDIT
                fitted = other.get_attribute(STAGE_TEXT, "data-fitted")
                other.set_viewport_size({"width": 1024, "height": 768})
                other.wait_for_function(  # the type refitted to the new size
                    "([s, before]) => { const f = document.querySelector(s).dataset.fitted;"
                    " return f && f !== before && f.startsWith('2/'); }",
                    arg=[STAGE_TEXT, fitted],
                )
                other.screenshot(path=str(ARTIFACTS / "lesson-editor-stage-1024x768.png"))
            if number < len(STEPS):
                _click(other, "Next", scope=".st-key-atlas-stage-controls")
        assert app_exceptions(other) == []
    finally:
        context.close()
