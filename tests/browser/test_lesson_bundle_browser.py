"""The lesson's offline file played in Chromium from file://, every other request blocked: every
step reached with the clicker keys (the map focused too), its title, its markers and its
highlight rings drawn, its map view; the presenter notes hidden until N; the sources dialog;
hostile text inert. Waits on the attributes lesson-bundle.js sets on #atlas-lesson
(data-step once a step's markers are drawn, data-markers, data-notes), never on time.
How fast the first step shows is measured by `python -m bench.lesson_bundle`, not here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from layers.export import lesson_html
from layers.render.style import GRADE_STYLES
from tests.browser_support import offline_file_page
from tests.factories import hostile_lesson, shipped_atlas, shipped_lessons

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
STAGE = "#atlas-lesson"
# Keys a clicker or keyboard sends for "next", used in turn so that every one is exercised.
NEXT_KEYS = ("ArrowRight", "PageDown", "Space")
HOSTILE = '</script><script>window.pwned=1</script><!--<script> & "q" {{ 7*7 }}'


@pytest.fixture
def offline(browser):
    """A 1024×768 page (a projector) that may load file: and data: URLs only."""
    blocked: list[str] = []
    errors: list[str] = []
    context, page = offline_file_page(browser, blocked, errors, width=1024, height=768)
    context.set_default_timeout(10_000)
    try:
        yield page, blocked, errors
    finally:
        context.close()


def _at_step(page, number: int) -> None:
    page.wait_for_function(
        f"() => document.querySelector({json.dumps(STAGE)}).dataset.step === '{number}'"
    )


def _check_step(page, atlas, lesson, data, number: int) -> None:
    """The shown step is `number` (1-based): its title, its markers, rings and view."""
    step, drawn = lesson.steps[number - 1], data["steps"][number - 1]
    visible = page.locator(".lb-step:not([hidden]) h2.atlas-stage-title")
    assert visible.count() == 1 and visible.inner_text() == step.title, number
    expected = len(drawn["sites"])
    assert page.get_attribute(STAGE, "data-markers") == str(expected), number
    pane = page.locator(".leaflet-marker-pane .atlas-marker")
    assert pane.count() == expected, number
    for index in range(expected):
        assert pane.nth(index).is_visible(), (number, index)
    rings = sum(1 for r in drawn["sites"] if r["highlight"])
    assert page.locator(".atlas-highlight").count() == rings, number
    # The step's centre in the middle of the map (within 2 px: Leaflet rounds to pixels).
    off, zoom = page.evaluate(
        f"() => {{ const m = window[{json.dumps(data['map'])}];"
        f" const p = m.latLngToContainerPoint([{drawn['lat']}, {drawn['lon']}]);"
        " return [p.distanceTo(m.getSize().divideBy(2)), m.getZoom()]; }"
    )
    assert off <= 2, number
    # The step's zoom, or less where site-markers.js zooms out to keep the rings in sight.
    assert zoom <= drawn["zoom"] and (zoom == drawn["zoom"] or rings), number
    in_view = page.evaluate(
        f"() => {{ const m = window[{json.dumps(data['map'])}]; const b = m.getBounds();"
        f" return {json.dumps([[r['lat'], r['lon']] for r in drawn['sites'] if r['highlight']])}"
        ".every(p => b.contains(p)); }"
    )
    assert in_view, number


def test_the_whole_lesson_plays_offline_with_the_keys(offline, tmp_path):
    page, blocked, errors = offline
    atlas, lesson = shipped_atlas(), shipped_lessons()[0]
    path = tmp_path / "lesson.html"
    path.write_bytes(lesson_html(atlas, lesson))
    page.goto(path.as_uri())
    data = json.loads(page.locator("#atlas-lesson-data").text_content())
    count = len(lesson.steps)
    _at_step(page, 1)
    _check_step(page, atlas, lesson, data, 1)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "lesson-bundle-1024x768.png"))

    # Presenter notes: hidden to begin with, shown with N, hidden again with N.
    notes = page.locator("#lb-notes")
    assert page.get_attribute(STAGE, "data-notes") == "hidden" and not notes.is_visible()
    page.keyboard.press("n")
    page.wait_for_function(f"() => document.querySelector('{STAGE}').dataset.notes === 'shown'")
    assert notes.is_visible()
    assert page.locator(".lb-note:not([hidden])").inner_text() == lesson.steps[0].presenter_notes
    page.screenshot(path=str(ARTIFACTS / "lesson-bundle-notes-1024x768.png"))
    page.keyboard.press("N")
    page.wait_for_function(f"() => document.querySelector('{STAGE}').dataset.notes === 'hidden'")
    assert not notes.is_visible()

    # Every step, forward, with each "next" key in turn; the map clicked (focused) half way.
    for number in range(2, count + 1):
        if number == count // 2:
            page.locator(".lb-map .leaflet-container").click(position={"x": 30, "y": 300})
        page.keyboard.press(NEXT_KEYS[number % len(NEXT_KEYS)])
        _at_step(page, number)
        _check_step(page, atlas, lesson, data, number)
    assert page.locator("#lb-next").is_disabled()

    # Back with each "previous" key, then Home, End and a typed step number.
    for key, number in (
        ("ArrowLeft", count - 1),
        ("PageUp", count - 2),
        ("Shift+Space", count - 3),
    ):
        page.keyboard.press(key)
        _at_step(page, number)
    page.keyboard.press("Home")
    _at_step(page, 1)
    assert page.locator("#lb-previous").is_disabled()
    page.keyboard.press("End")
    _at_step(page, count)
    for key in (*str(min(count, 10)), "Enter"):
        page.keyboard.press(key)
    _at_step(page, min(count, 10))
    _check_step(page, atlas, lesson, data, min(count, 10))

    # The sources, with the marker key: a dialog that Escape closes.
    page.locator("#lb-sources-open").click()
    dialog = page.locator("#lb-sources")
    assert dialog.is_visible()
    cited = {c for step in lesson.steps for c in step.citations}
    first_source = next(
        atlas.sources[s] for d in atlas.events if d.id in cited for s in d.event.source_ids
    )
    assert first_source.publisher in dialog.inner_text()
    legend = dialog.locator(".atlas-legend").inner_text()
    assert all(style.label in legend for style in GRADE_STYLES.values())
    # A Korean title among the sources gets the inlined Hangul font (no system font needed).
    korean = dialog.locator("cite").filter(has_text="시리아").first  # Yonhap's, in Korean
    faces = page.evaluate(
        """async (text) => (await document.fonts.load('18px "Source Sans"', text))
            .map(f => [f.status, f.unicodeRange])""",
        korean.inner_text(),
    )
    assert any(status == "loaded" and "AC00" in rng.upper() for status, rng in faces), faces
    korean.screenshot(path=str(ARTIFACTS / "lesson-bundle-korean-source.png"))
    page.keyboard.press("Escape")
    assert not dialog.is_visible()

    # A link to a step opens that step.
    page.goto(path.as_uri() + "#step-3")
    page.reload()
    _at_step(page, 3)
    _check_step(page, atlas, lesson, data, 3)
    assert blocked == [] and errors == []


def test_hostile_text_never_runs_in_the_lesson_file(offline, tmp_path):
    page, blocked, errors = offline
    atlas, lesson = hostile_lesson(tmp_path / "data", HOSTILE)
    path = tmp_path / "hostile.html"
    path.write_bytes(lesson_html(atlas, lesson))
    page.goto(path.as_uri())
    _at_step(page, 1)
    assert page.get_attribute(STAGE, "data-markers") == "1"
    title = page.locator(".lb-step:not([hidden]) h2.atlas-stage-title").inner_text()
    assert title.startswith("</script><script>window.pwned=1</script>")
    page.keyboard.press("ArrowRight")
    _at_step(page, 2)
    page.locator(".leaflet-marker-pane .atlas-site").first.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "window.pwned=1" in popup.inner_text()
    assert page.evaluate("window.pwned") is None
    assert blocked == [] and errors == []
