"""A lesson as slides (layers.export.slides), read back with python-pptx: the slide count, a
picture, the text, the cited events and speaker notes on every step slide, the grades in
words (from the method text), the sources, and hostile text kept as text."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from factories import (
    event,
    layer,
    shipped_atlas,
    shipped_lessons,
    site_feature,
    source,
    write_dataset,
)
from layers.__main__ import main
from layers.data.lessons import Lesson
from layers.data.load import DEFAULT_DATA_DIR, load_atlas
from layers.data.method import grade_meanings, method_text
from layers.export.slides import lesson_slides
from layers.render.style import GRADE_STYLES

WHEN = dt.datetime(2026, 11, 26, 12, 30, 5, tzinfo=dt.UTC)
HOSTILE = '<script>alert(1)</script> & "q" {{ 7*7 }} ]]> =SUM(A1)'


def _text(slide) -> str:
    return " ".join(
        shape.text_frame.text for shape in slide.shapes if shape.has_text_frame
    ).replace("\n", " ")


@pytest.fixture(scope="module")
def lesson() -> Lesson:
    return shipped_lessons()[0]


@pytest.fixture(scope="module")
def deck(lesson):
    return Presentation(io.BytesIO(lesson_slides(shipped_atlas(), lesson, made_at=WHEN)))


def test_a_title_slide_a_slide_per_step_the_grades_and_the_sources(deck, lesson):
    slides = list(deck.slides)
    steps = len(lesson.steps)
    assert len(slides) >= 1 + steps + 2
    assert lesson.title in _text(slides[0])
    assert "version 1.0.0" in _text(slides[0])
    assert slides[0].notes_slide.notes_text_frame.text == lesson.summary
    assert "five grades" in _text(slides[1 + steps])
    assert all(_text(s).startswith("Sources") for s in slides[2 + steps :])
    assert (deck.slide_width, deck.slide_height) == (12_192_000, 6_858_000)  # 16:9


def test_every_step_slide_has_its_figure_text_cited_events_and_speaker_notes(deck, lesson):
    atlas = shipped_atlas()
    events = {d.id: d for d in atlas.events}
    for index, step in enumerate(lesson.steps):
        slide = deck.slides[1 + index]
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1
        assert pictures[0].image.content_type == "image/png"
        text = _text(slide)
        assert step.title in text
        assert " ".join(step.text.split()) in " ".join(text.split())  # editable text
        for cited in step.citations:
            if cited in events:
                dated = events[cited]
                assert f"{dated.when.label()}: {dated.event.title}" in text
                assert f"Event: {GRADE_STYLES[dated.event.grade].short}" in text
        assert slide.has_notes_slide
        assert slide.notes_slide.notes_text_frame.text == step.presenter_notes


def test_the_grades_slide_quotes_the_method_text_for_every_grade(deck, lesson):
    text = _text(deck.slides[1 + len(lesson.steps)])
    meanings = grade_meanings(method_text(DEFAULT_DATA_DIR))
    assert len(meanings) == len(GRADE_STYLES)
    for style in GRADE_STYLES.values():
        assert style.label in text
    for meaning in meanings.values():
        assert meaning in text


def test_the_sources_slides_number_every_source_the_lesson_rests_on(deck, lesson):
    atlas = shipped_atlas()
    text = " ".join(_text(s) for s in list(deck.slides)[2 + len(lesson.steps) :])
    events = {d.id: d for d in atlas.events}
    cited = {
        s
        for step in lesson.steps
        for c in step.citations
        for s in (events[c].event.source_ids if c in events else [c])
    }
    assert cited
    for source_id in cited:
        assert atlas.sources[source_id].publisher in text
    assert f"{len(cited)}. " in text


def test_hostile_text_in_the_data_stays_text_in_the_slides(tmp_path):
    layers = {"a": layer("a", site_feature("S1", name=HOSTILE))}
    events = [event("E01", ["S1"], title=HOSTILE, grade="alleged")]
    root = write_dataset(tmp_path / "data", layers, events, [source(title=HOSTILE)])
    atlas = load_atlas(root)
    assert atlas.problems == ()
    lesson = Lesson.model_validate(
        {
            "id": "hostile",
            "title": "A test & its title",
            "audience": "Testers",
            "summary": "A lesson about a hostile record.",
            "last_reviewed": "2026-11-26",
            "steps": [
                {
                    "id": "one",
                    "title": "One step",
                    "text": "It is alleged that something happened.",
                    "citations": ["E01"],
                    "view": {"site": "S1", "zoom": 8},
                    "filters": {"years": [2000, 2020]},
                    "highlight_event_ids": ["E01"],
                    "presenter_notes": "Say 'alleged'.",
                }
            ],
        }
    )
    deck = Presentation(io.BytesIO(lesson_slides(atlas, lesson, made_at=WHEN)))
    assert len(deck.slides) == 4
    assert f"6 September 2007: {HOSTILE}" in _text(deck.slides[1])
    assert HOSTILE in _text(deck.slides[3])  # the source's title on the sources slide


def test_the_command_line_writes_the_slides(tmp_path, capsys, lesson):
    out = tmp_path / "lesson.pptx"
    assert main(["export", "--format", "pptx", "--lesson", lesson.id, "-o", str(out)]) == 0
    assert len(Presentation(str(out)).slides) >= len(lesson.steps) + 3
    assert f"wrote {len(lesson.steps)} step(s) of {lesson.id}" in capsys.readouterr().out
