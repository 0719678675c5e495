"""The lesson editor on the map page, through AppTest: a view becomes a step, a step that
cites no event is refused, the cited events' grades show beside the text, steps move and
go, the draft previews on the stage, and the lesson file it offers loads back as the same
lesson through the shipped lessons' checks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from streamlit.testing.v1 import AppTest

from layers.data.lesson_file import lesson_yaml, read_lesson_file
from layers.state import keys
from layers.state import lesson_draft as drafting
from page_support import fragments
from tests.factories import shipped_atlas, shipped_lessons

APP = str(Path(__file__).resolve().parents[2] / "app.py")
F = drafting.STEP_FIELDS


def _markdown(at: AppTest) -> str:
    return "\n".join(fragments(at))


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _add_step(at: AppTest, title: str, text: str, notes: str, cite: list[str] | None) -> None:
    at.button(key="editor-add-view").click().run()
    _ok(at)
    if cite is not None:  # outside the words' form: it reruns at once
        at.multiselect(key=F["citations"]).set_value(cite).run()
    # The words are in a form: they are sent with its Save.
    at.text_input(key=F["title"]).input(title)
    at.text_area(key=F["text"]).input(text)
    at.text_area(key=F["notes"]).input(notes)
    at.button(key="editor-save-step").click().run()
    _ok(at)


def _editor(at: AppTest) -> AppTest:
    """Turn the editor on (it draws nothing until then)."""
    assert not [w for w in at.text_input if (w.key or "").startswith("editor-")]
    return at.toggle(key="editor-shown").set_value(True).run()


def test_write_refuse_reorder_preview_and_download() -> None:
    at = _editor(AppTest.from_file(APP, default_timeout=60).run())
    _ok(at)
    at.text_input(key="editor-title").input("Al Kibar in two steps").run()
    at.text_input(key="editor-audience").input("A class, 10 minutes").run()
    at.text_area(key="editor-summary").input("The strike and the claim.").run()

    # A view: Al Kibar, 2007-2008. Its events are the multiselect's options, in words.
    at.selectbox(key=keys.SITE_KEY).set_value("S1")
    at.slider(key=keys.YEARS_KEY).set_value((2007, 2008)).run()
    at.button(key="editor-add-view").click().run()
    _ok(at)
    options = at.multiselect(key=F["citations"]).options
    assert any("E06" in o and "alleged" in o for o in options), options

    # A step that cites no event is refused, in words, and stays open.
    at.multiselect(key=F["citations"]).set_value([]).run()
    at.text_input(key=F["title"]).input("The strike")
    at.text_area(key=F["text"]).input("Israel destroyed a building at Al Kibar.")
    at.text_area(key=F["notes"]).input("A government statement about its own action.")
    at.button(key="editor-save-step").click().run()
    _ok(at)
    refusals = [m for m in fragments(at) if 'data-editor-note="error"' in m]
    assert len(refusals) == 1 and "cites no event" in refusals[0], refusals
    assert drafting.draft(at.session_state).steps == ()
    assert at.session_state[keys.EDITING_KEY] is not None

    # Citing an alleged event shows its link grade in words beside the text.
    at.multiselect(key=F["citations"]).set_value(["E06"]).run()
    assert 'data-link-grade="alleged"' in _markdown(at)
    assert "North Korean link: alleged" in _markdown(at)
    at.button(key="editor-save-step").click().run()
    _ok(at)
    # Saved, with advice: the text attributes nothing of an alleged claim.
    assert len(drafting.draft(at.session_state).steps) == 1
    assert "Check the wording" in _markdown(at)

    _add_step(
        at,
        "A claim of casualties",
        "According to NHK, North Koreans were reportedly killed.",
        "Alleged: one chain of anonymous sources.",
        ["E06"],
    )
    titles = [s.title for s in drafting.draft(at.session_state).steps]
    assert titles == ["The strike", "A claim of casualties"]

    at.button(key="editor-move-up-1").click().run()
    assert [s.title for s in drafting.draft(at.session_state).steps] == titles[::-1]
    at.button(key="editor-remove-0").click().run()
    assert [s.title for s in drafting.draft(at.session_state).steps] == ["The strike"]

    # Edit a saved step: the form opens with its values.
    at.button(key="editor-edit-0").click().run()
    assert at.text_input(key=F["title"]).value == "The strike"
    at.text_area(key=F["text"]).input("Israel destroyed a building; NHK reported a claim.")
    at.button(key="editor-save-step").click().run()
    assert drafting.draft(at.session_state).steps[0].text.startswith("Israel destroyed")

    # The file offered loads back, through the shipped checks, as the same lesson.
    atlas = shipped_atlas()
    shipped = {lesson.id for lesson in shipped_lessons()}
    lesson, problems = drafting.draft_lesson(
        drafting.draft(at.session_state), atlas, shipped, dt.date.today()
    )
    assert lesson is not None, problems
    [download] = [b for b in at.get("download_button") if b.proto.label == "Download lesson"]
    assert not download.proto.disabled
    back, found = read_lesson_file(lesson_yaml(lesson).encode(), "x.yaml", atlas, shipped)
    assert back == lesson and not [p for p in found if p.severity == "error"]

    # Preview on the stage: the draft plays as a lesson in projector view.
    at.button(key="editor-preview-0").click().run()
    _ok(at)
    assert at.session_state[keys.PROJECTOR_KEY] is True
    assert at.session_state[keys.LESSON_KEY] == lesson.id
    assert "The strike" in _markdown(at) and "atlas-stage-step" in _markdown(at)
    # Back from the stage, the editor, the draft and the lesson's fields are still there.
    at.toggle(key=keys.PROJECTOR_KEY).set_value(False).run()
    _ok(at)
    assert at.toggle(key="editor-shown").value is True
    assert at.text_input(key="editor-title").value == "Al Kibar in two steps"
    assert len(drafting.draft(at.session_state).steps) == 1


def test_a_view_showing_nothing_cannot_be_a_step() -> None:
    at = _editor(AppTest.from_file(APP, default_timeout=60).run())
    at.button_group(key=keys.GRADES_KEY).set_value([]).run()
    at.button(key="editor-add-view").click().run()
    _ok(at)
    assert "cannot be a step" in _markdown(at)
    assert keys.EDITING_KEY not in at.session_state


HOSTILE_TITLE = "www.evil.example :material/warning: :red: & \"quotes\" 'q' javascript:alert(1)"


def test_an_opened_lesson_with_hostile_text_plays_and_shows_it_as_text() -> None:
    """An opened lesson is listed in the Lesson box and plays like a shipped one; text that
    passes the plain-text rule but looks like a link or a Streamlit directive stays text."""
    atlas = shipped_atlas()
    lesson = next(iter(shipped_lessons()))
    lesson = lesson.model_copy(update={"id": "opened", "title": HOSTILE_TITLE})
    hostile_steps = [
        step.model_copy(update={"title": HOSTILE_TITLE, "text": HOSTILE_TITLE})
        for step in lesson.steps[:2]
    ]
    lesson = lesson.model_copy(update={"steps": hostile_steps})
    back, problems = read_lesson_file(lesson_yaml(lesson).encode(), "o.yaml", atlas, set())
    assert back == lesson, problems  # the file keeps the text exactly

    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[keys.OPENED_LESSONS_KEY] = {lesson.id: lesson}
    at.run()
    assert HOSTILE_TITLE in at.selectbox(key=keys.LESSON_KEY).options  # plain text
    at.selectbox(key=keys.LESSON_KEY).set_value("opened").run()
    _ok(at)
    page = _markdown(at)
    assert "step 1 of 2" in page
    # Escaped in HTML, never a link or an element.
    step_html = page.split('class="atlas-panel atlas-step"')[1][:2000]
    assert "&amp; &#34;quotes&#34; &#39;q&#39;" in step_html and "<a " not in step_html
    next(b for b in at.button if b.label == "Next step").click().run()
    _ok(at)
    assert "step 2 of 2" in _markdown(at)
