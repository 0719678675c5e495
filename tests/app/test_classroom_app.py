"""A class through AppTest: the presenter's view (notes, the next step, a timer, a class code)
and an audience (a ``?follow=CODE`` session) that shows the presenter's step and nothing
ahead of it, cannot move the class, and is told in words about a bad code or an ended class.
Each AppTest is its own session, as two browsers are; the store is the one tests/conftest.py
points ATLAS_CLASS_DIR at."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from layers.state import classroom, follow, keys
from page_support import fragments
from tests.factories import shipped_lessons

APP = str(Path(__file__).resolve().parents[2] / "app.py")
LESSON = shipped_lessons()[0]


def _session(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _text(at: AppTest) -> str:
    parts = fragments(at)
    parts += [e.value for e in (*at.info, *at.warning, *at.error)]
    return "\n".join(parts)


def _keys(at: AppTest) -> set[str]:
    return {button.key for button in at.button if button.key}


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_audience_follows_the_presenter_and_sees_nothing_ahead() -> None:
    teacher = _session(lesson=LESSON.id, step="2")
    shown = _text(teacher)
    # The presenter's view: the notes, the next step, the timer, a way to start a class.
    assert LESSON.steps[1].presenter_notes in shown
    assert f"Next, step 3 of {len(LESSON.steps)}:" in shown and LESSON.steps[2].title in shown
    assert "since the lesson started" in shown
    teacher.button(key="class-start").click()
    _run(teacher)
    lead = teacher.session_state[keys.CLASS_LEAD_KEY]
    assert f'data-class-code="{lead.code}"' in _text(teacher)
    assert f"?follow={lead.code}" in _text(teacher)
    assert "class-end" in _keys(teacher)

    room = _session(follow=lead.code)
    assert room.session_state[keys.FOLLOW_KEY] == lead.code
    state = {key: room.session_state[key] for key in room.session_state}
    assert not follow.behind(state, follow.class_store().read(lead.code))  # no reruns
    seen = _text(room)
    assert 'data-step="2"' in seen and LESSON.steps[1].title in seen
    assert 'data-follow="live"' in seen
    # Nothing the presenter has not reached, and nothing that steps.
    for ahead in LESSON.steps[2:]:
        assert ahead.title not in seen
    assert LESSON.steps[1].presenter_notes not in seen
    assert "Next, step" not in seen and "class-code" not in seen
    assert not {"lesson-next", "lesson-previous", "class-start"} & _keys(room)
    assert not [key for key in _keys(room) if "step" in key]  # no step list, no step keys
    assert dict(room.query_params) == {"follow": lead.code}  # the follow link only

    # The presenter steps on; the audience's next run shows it.
    teacher.button(key="lesson-next").click()
    _run(teacher)
    assert follow.class_store().read(lead.code).step == 2
    state = {key: room.session_state[key] for key in room.session_state}
    assert follow.behind(state, follow.class_store().read(lead.code))  # its poll reruns
    _run(room)
    assert 'data-step="3"' in _text(room) and LESSON.steps[2].title in _text(room)

    # The presenter ends the class: the audience keeps the step and is told.
    teacher.button(key="class-end").click()
    _run(teacher)
    assert keys.CLASS_LEAD_KEY not in teacher.session_state
    _run(room)
    assert 'data-follow="ended"' in _text(room) and "This class has ended." in _text(room)
    room.button(key="class-leave").click()
    _run(room)
    assert room.session_state[keys.LESSON_KEY] is None
    assert "follow" not in room.query_params


def test_two_classes_do_not_cross() -> None:
    store = follow.class_store()
    first = store.start(LESSON.id, 4)
    second = store.start(LESSON.id, 7)
    room_one, room_two = _session(follow=first.code), _session(follow=second.code)
    assert 'data-step="5"' in _text(room_one) and 'data-step="8"' in _text(room_two)
    store.move(second, LESSON.id, 8)
    _run(room_one), _run(room_two)
    assert 'data-step="5"' in _text(room_one) and 'data-step="9"' in _text(room_two)


def test_a_bad_or_unknown_code_is_said_in_words_and_the_atlas_works() -> None:
    for code, words in [
        ("<script>alert(1)</script>", "class code is not valid"),
        ("zzzzzzzzzz", "No class with the code zzzzzzzzzz is running"),
    ]:
        at = _session(follow=code)
        shown = _text(at)
        assert words in shown
        assert "<script>" not in shown  # the code is not echoed raw
        assert not follow.following(at.session_state)
        assert "DPRK–Syria Atlas" in [t.value for t in at.title]
        _run(at)  # the page keeps working


def test_an_unusable_class_store_is_said_in_words(tmp_path, monkeypatch) -> None:
    """A class store folder that cannot be used (here a file stands where it should be):
    starting a class and following one say so, and the page goes on working."""
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    monkeypatch.setenv(classroom.ENV, str(blocked))
    teacher = _session(lesson=LESSON.id, step="1")
    teacher.button(key="class-start").click()
    _run(teacher)
    assert "The class could not start: the class store's folder is not a folder." in [
        w.value for w in teacher.warning
    ]
    assert keys.CLASS_LEAD_KEY not in teacher.session_state
    assert str(tmp_path) not in _text(teacher)  # no server path reaches the reader
    teacher.button(key="lesson-next").click()
    _run(teacher)
    room = _session(follow="abcdefghjk")
    assert "Could not join the class" in _text(room)
    assert not follow.following(room.session_state)


def test_the_timer_words() -> None:
    assert [follow.clock_words(s) for s in (0, 9, 75, 3599, 3600, 3723)] == [
        "0:00",
        "0:09",
        "1:15",
        "59:59",
        "1:00:00",
        "1:02:03",
    ]


def test_a_class_store_folder_removed_under_the_server_is_made_again(tmp_path, monkeypatch):
    import shutil

    monkeypatch.setenv(classroom.ENV, str(tmp_path / "classes"))
    follow.class_store().start(LESSON.id, 0)
    shutil.rmtree(tmp_path / "classes")
    with pytest.raises(classroom.ClassError, match="did not answer"):
        follow.ask(lambda store: store.start(LESSON.id, 0))
    assert follow.ask(lambda store: store.start(LESSON.id, 0)).code
