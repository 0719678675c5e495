"""The lesson editor's rules and its file: a draft becomes the shipped lessons' YAML and
loads back equal through the same checks; a step without an event is refused; hostile
text is refused in words or kept as text; bad files become plain-words problems."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import yaml

from layers.data.lesson_file import (
    file_name,
    free_id,
    lesson_yaml,
    problem_words,
    read_lesson_file,
    slug,
    unique_slugs,
)
from layers.data.lesson_yaml import MAX_LESSON_BYTES
from layers.data.lessons import StepView
from layers.data.problems import errors_only
from layers.data.schema import Grade
from layers.data.view import View
from layers.render.html import cited_grades_html
from layers.state import lesson_draft as drafting
from layers.state.keys import DRAFT_KEY, EDITING_KEY
from tests.factories import shipped_atlas, shipped_lessons

TODAY = dt.date(2026, 11, 29)
SHIPPED = {lesson.id for lesson in shipped_lessons()}
F = drafting.STEP_FIELDS


@pytest.fixture(scope="module")
def atlas():
    return shipped_atlas()


def _write(state: dict, atlas, view: View, highlight=(), **words: object) -> list:
    """Record ``view`` as a new step, fill the form and save it; the save's problems."""
    assert drafting.record_view(state, view, set(highlight), atlas) is None
    for name, value in words.items():
        state[F[name]] = value
    return drafting.save_step(state, atlas)


def _three_steps(atlas) -> dict:
    state: dict = {}
    for name, value in (("title", "Al Kibar"), ("audience", "A class"), ("summary", "Three.")):
        state[f"editor-{name}"] = value
        drafting.set_lesson_field(state, name)
    _write(
        state,
        atlas,
        View(site="S1", zoom=9.0, years=(2007, 2008)),
        highlight={"E06", "E27"},  # E27 (1966, Damascus) is not shown: not kept
        title="A claim",
        text="According to NHK, North Koreans were reportedly killed.",
        notes="Alleged.",
    )
    _write(
        state,
        atlas,
        View(years=(1966, 2015), center=(33.5, 36.3), zoom=8.0, grades=frozenset({Grade.REPORTED})),
        title="Relations",
        text="Relations since 1966, according to Yonhap.",
        notes="Reported.",
        citations=["E27"],
    )
    _write(
        state,
        atlas,
        View(years=(2008, 2011), site="S1", zoom=10.0, layers=frozenset({"al-kibar"})),
        title="The IAEA: “very likely” a reactor",
        text="The IAEA concluded in May 2011 that the building was very likely a reactor.",
        notes="Official finding; its North Korean link is alleged.",
        citations=["E09"],
    )
    return state


def test_a_draft_becomes_the_shipped_schema_and_loads_back_equal(atlas) -> None:
    state = _three_steps(atlas)
    draft = drafting.draft(state)
    assert [step.title for step in draft.steps] == [
        "A claim",
        "Relations",
        "The IAEA: “very likely” a reactor",
    ]
    assert draft.steps[0].citations == ("E06",) and draft.steps[0].highlight == ("E06",)
    assert draft.steps[0].view == StepView(site="S1", zoom=9.0)
    assert draft.steps[1].view == StepView(center=(33.5, 36.3), zoom=8.0)
    assert draft.steps[1].filters.grades == [Grade.REPORTED]
    assert draft.steps[2].filters.layers == ["al-kibar"]

    lesson, problems = drafting.draft_lesson(draft, atlas, SHIPPED, TODAY)
    assert lesson is not None, problems
    text = lesson_yaml(lesson)
    assert file_name(lesson) == "al-kibar.yaml" and lesson.last_reviewed == TODAY
    # The same keys, in the same order, as the shipped lessons' files.
    document = yaml.safe_load(text)
    assert list(document) == ["id", "title", "audience", "summary", "last_reviewed", "steps"]
    assert list(document["steps"][0]) == [
        "id",
        "title",
        "text",
        "citations",
        "view",
        "filters",
        "highlight_event_ids",
        "presenter_notes",
    ]
    back, found = read_lesson_file(text.encode(), "al-kibar (1).yaml", atlas, SHIPPED)
    assert back == lesson and errors_only(found) == []
    assert drafting.lesson_as_draft(back) == draft  # and back into the editor unchanged


def test_every_shipped_lesson_survives_the_round_trip(atlas) -> None:
    for lesson in shipped_lessons():
        back, found = read_lesson_file(lesson_yaml(lesson).encode(), "x.yaml", atlas, set())
        assert back == lesson and found == []


def test_a_step_citing_no_event_is_refused_and_stays_open(atlas) -> None:
    state: dict = {}
    problems = _write(
        state,
        atlas,
        View(site="S1", zoom=9.0, years=(2007, 2008)),
        title="A step",
        text="Some words.",
        notes="Notes.",
        citations=[],
    )
    assert [problem_words(p) for p in problems] == [
        "This step, cited events: cites no event: choose at least one of the shown events "
        "its sentences rest on"
    ]
    assert drafting.draft(state).steps == () and state[EDITING_KEY] is not None
    # Citing only a source is not enough either.
    state[F["citations"]] = ["voa-2018-03-21-israel-admits"]
    assert errors_only(drafting.save_step(state, atlas))
    assert drafting.draft(state).steps == ()


def test_an_empty_step_is_refused_field_by_field(atlas) -> None:
    state: dict = {}
    problems = _write(state, atlas, View(site="S1", zoom=9.0), citations=["E06"])
    assert [problem_words(p) for p in problems] == [
        "This step, title: needs a title",
        "This step, text: needs a text",
        "This step, presenter notes: needs presenter notes",
    ]


def test_a_view_that_shows_nothing_cannot_be_recorded(atlas) -> None:
    state: dict = {}
    refused = drafting.record_view(state, View(grades=frozenset()), set(), atlas)
    assert refused and "nothing is shown" in refused and EDITING_KEY not in state
    refused = drafting.record_view(state, View(layers=frozenset(), syria_wide=False), set(), atlas)
    assert refused and "no site layer" in refused


def test_the_entity_filter_is_not_kept_and_citations_come_from_the_steps_events(atlas) -> None:
    state: dict = {}
    drafting.record_view(state, View(entities=frozenset({"komid"})), set(), atlas)
    _, step = drafting.editing(state)
    assert {e.id for e in drafting.step_events(step, atlas)} == {e.id for e in atlas.events}


def test_steps_move_and_go(atlas) -> None:
    state = _three_steps(atlas)
    titles = [s.title for s in drafting.draft(state).steps]
    drafting.move_step(state, 0, -1)  # already first: nothing
    drafting.move_step(state, 2, 1)  # already last: nothing
    assert [s.title for s in drafting.draft(state).steps] == titles
    drafting.move_step(state, 2, -1)
    assert [s.title for s in drafting.draft(state).steps] == [titles[0], titles[2], titles[1]]
    drafting.edit_step(state, 1)
    assert state[F["title"]] == titles[2]
    drafting.remove_step(state, 0)
    assert [s.title for s in drafting.draft(state).steps] == [titles[2], titles[1]]
    assert EDITING_KEY not in state and F["title"] not in state  # the form was closed


HOSTILE_KEPT = [
    "javascript:alert(1)",
    "- item: value",
    "'single' and \"double\" quotes",
    "null",
    "yes",
    "1e3",
    "!tag value",
    "%directive",
    "@at and : colon",
    "Ünïcödé, العربية, 한국어, \u202etext",
    "trailing colon:",
    "http://example.org/x?a=1&b=2",
]


@pytest.mark.parametrize("text", HOSTILE_KEPT)
def test_hostile_but_plain_text_is_kept_exactly_as_text(atlas, text: str) -> None:
    state = _three_steps(atlas)
    drafting.edit_step(state, 0)
    state[F["title"]] = text
    state[F["notes"]] = text
    assert not errors_only(drafting.save_step(state, atlas))
    draft = dataclasses.replace(drafting.draft(state), title=text)
    lesson, problems = drafting.draft_lesson(draft, atlas, SHIPPED, TODAY)
    assert lesson is not None, problems
    back, _ = read_lesson_file(lesson_yaml(lesson).encode(), "x.yaml", atlas, SHIPPED)
    assert back is not None and back.title == text and back.steps[0].title == text


@pytest.mark.parametrize(
    "text", ["<script>alert(1)</script>", "[link](http://x)", "**bold**", "$x$", "`code`"]
)
def test_markup_is_refused_in_plain_words(atlas, text: str) -> None:
    state = _three_steps(atlas)
    drafting.edit_step(state, 0)
    state[F["text"]] = text
    problems = drafting.save_step(state, atlas)
    words = [problem_words(p) for p in errors_only(problems)]
    assert words and words[0].startswith("This step, text: must be plain text without Markdown")
    assert drafting.draft(state).steps[0].text != text  # refused: the saved step is unchanged


def test_the_grades_beside_the_text_are_words_and_escaped(atlas) -> None:
    html = cited_grades_html(atlas, ["E06", "E09", "E27"])
    assert html.count("North Korean link: alleged") == 2
    assert "North Korean link: reported" in html
    assert "write it as a claim" in html
    assert "&#39;very likely&#39;" in html  # an event title with quotes, escaped
    assert "a step must cite at least one" in cited_grades_html(atlas, [])


def _bad(atlas, raw: bytes | str, name: str = "lesson.yaml") -> list[str]:
    data = raw.encode() if isinstance(raw, str) else raw
    lesson, problems = read_lesson_file(data, name, atlas, SHIPPED)
    assert lesson is None
    return [problem_words(p) for p in errors_only(problems)]


def _good_text(atlas) -> str:
    lesson, _ = drafting.draft_lesson(drafting.draft(_three_steps(atlas)), atlas, SHIPPED, TODAY)
    return lesson_yaml(lesson)


def test_bad_files_are_named_in_plain_words(atlas) -> None:
    good = _good_text(atlas)
    assert _bad(atlas, "id: [unclosed\n")[0].startswith("lesson.yaml: is not valid YAML")
    assert _bad(atlas, "- a list\n- not a lesson\n") == [
        "lesson.yaml: must be a YAML mapping of lesson fields (got list)"
    ]
    assert _bad(atlas, b"\xff\xfe junk")[0].startswith("lesson.yaml: is not UTF-8 text")
    assert _bad(atlas, "a: &x [1]\nb: *x\n")[0].endswith("anchors and aliases are not allowed")
    unknown = _bad(atlas, good.replace("citations: [E27]", "citations: [E999]"))
    assert unknown == ["lesson.yaml, step 2, cited events: event 'E999' is not in events.json"]
    extra = _bad(atlas, good.replace("audience: A class", "audience: A class\nscript: x"))
    assert extra == [
        "lesson.yaml, script: unknown field (not in the schema; see geodata/SCHEMA.md)"
    ]
    big = good + "#" * MAX_LESSON_BYTES
    assert _bad(atlas, big) == [
        f"lesson.yaml: is {len(big.encode()):,} bytes; the limit is {MAX_LESSON_BYTES:,}"
    ]
    shipped_id = good.replace("id: al-kibar\n", "id: north-korea-in-syria\n", 1)
    assert _bad(atlas, shipped_id)[-1].startswith(
        "lesson.yaml, id: has the id 'north-korea-in-syria' of a lesson the atlas already has"
    )


def test_a_hostile_file_name_is_quoted_as_plain_words(atlas) -> None:
    words = _bad(atlas, "[", name="..\\../etc/<i>x\x00\n.yaml")
    assert words[0].startswith("<i>x.yaml: is not valid YAML")  # last part, no control chars


def test_opening_a_file_adds_it_for_the_session_once(atlas) -> None:
    state: dict = {}
    text = _good_text(atlas).encode()
    lesson_id, problems = drafting.read_opened(state, "f1", text, "a.yaml", atlas, SHIPPED)
    assert lesson_id == "al-kibar" and errors_only(problems) == []
    assert [lesson.id for lesson in drafting.session_lessons(state)] == ["al-kibar"]
    assert drafting.read_opened(state, "f2", b"[", "b.yaml", atlas, SHIPPED)[0] is None
    assert [lesson.id for lesson in drafting.session_lessons(state)] == ["al-kibar"]
    drafting.start_editing(state, drafting.session_lessons(state)[0])
    assert len(state[DRAFT_KEY].steps) == 3 and state["editor-title"] == "Al Kibar"


def test_ids_come_from_titles_and_avoid_the_shipped_ones() -> None:
    assert slug("Al Kibar: “very likely” a reactor!", "x") == "al-kibar-very-likely-a-reactor"
    assert slug("한국어", "my-lesson") == "my-lesson"
    assert len(slug("word " * 40, "x")) <= 60
    assert unique_slugs(["A", "A", "", "a"], "step") == ["a", "a-2", "step-3", "a-3"]
    assert free_id("north-korea-in-syria", SHIPPED) == "north-korea-in-syria-2"
    draft = drafting.Draft(title="North Korea in Syria")
    assert drafting.draft_id(draft, SHIPPED) == "north-korea-in-syria-2"


def test_a_lesson_needs_its_fields_and_a_step_before_download(atlas) -> None:
    lesson, problems = drafting.draft_lesson(drafting.Draft(), atlas, SHIPPED, TODAY)
    assert lesson is None
    assert [problem_words(p) for p in problems] == [
        "Your lesson, title: needs a title",
        "Your lesson, audience: needs an audience (who it is for, how long it takes)",
        "Your lesson, summary: needs a summary",
        "Your lesson: has no step yet: add a view as a step",
    ]
