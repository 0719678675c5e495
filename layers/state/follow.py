"""A class following its presenter, on the session's state (the store is
layers.state.classroom; the audience's poll is layers.ui.classroom).

The presenter's session writes its lesson and step to the class whenever they change; a
session opened with ``?follow=CODE`` (the audience: the projector, the students' devices)
reads them on every run. The audience sees the stage only, with no controls that step, no
step list, no presenter notes and no preview: nothing the presenter has not reached, and
nothing it does moves the class. Works on a plain mapping, as the lesson player does.
"""

from __future__ import annotations

import contextlib
import functools
import re
import sqlite3
import time
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from typing import Any, TypeVar

from layers.data.lessons import Lesson
from layers.data.model import Atlas
from layers.state import classroom, keys
from layers.state import lesson_player as presenter
from layers.state.classroom import ClassError, ClassStore, Lead

FOLLOW_PARAM = "follow"
LEAD_COOKIE = "atlas_class_lead"  # CODE.KEY: a reloaded presenter's page takes its class back
_KEY = re.compile(r"^[A-Za-z0-9_-]{20,64}$")  # secrets.token_urlsafe(24): 32 characters
T = TypeVar("T")


@functools.lru_cache(maxsize=4)
def _store(directory: str) -> ClassStore:
    return ClassStore(directory)


def class_store() -> ClassStore:
    """The store every process of this deployment shares (ATLAS_CLASS_DIR); raises
    ClassError in words when its folder cannot be used."""
    try:
        return _store(str(classroom.default_dir()))
    except (OSError, sqlite3.Error) as exc:
        raise ClassError("the class store could not be opened on this server") from exc


def ask(call: Callable[[ClassStore], T]) -> T:
    """A store operation, its failures turned into ClassError (words, no server path)."""
    try:
        return call(class_store())
    except (OSError, sqlite3.Error) as exc:
        _store.cache_clear()  # its folder may have gone (a temp cleaner): made again next time
        raise ClassError("the class store did not answer; try again in a moment") from exc


# --------------------------------------------------------------------------- the URL


def apply_url_once(
    state: MutableMapping[str, Any],
    params: Mapping[str, Any],
    atlas: Atlas,
    lessons: Sequence[Lesson],
) -> list[str]:
    """The URL's view, as layers.state.lesson_player reads it, then on a session's first
    run its ``follow`` code: the session joins that class. Returns the notices."""
    params = dict(params)
    raw = params.pop(FOLLOW_PARAM, None)
    first_run = not state.get(keys.URL_APPLIED_KEY)
    notices = presenter.apply_url_once(state, params, atlas, lessons)
    if first_run and raw is not None:
        notices += join(state, raw, atlas, lessons)
    return notices


def join(
    state: MutableMapping[str, Any], raw: object, atlas: Atlas, lessons: Sequence[Lesson]
) -> list[str]:
    """Follow the class whose code is ``raw`` (a URL value: a string or a list of them):
    its step on the stage. A bad or unknown code leaves the page as it was, with a notice."""
    values = raw if isinstance(raw, list) else [raw]
    code = classroom.clean_code(values[0]) if len(values) == 1 else None
    if code is None:
        return [
            "This follow link's class code is not valid (a class code is 10 letters and "
            "digits). Check the link the presenter gave; the atlas is shown instead."
        ]
    try:
        shared = ask(lambda store: store.read(code))
    except ClassError as exc:
        return [f"Could not join the class: {exc}."]
    if shared is None or _lesson(shared, lessons) is None:
        return [
            f"No class with the code {code} is running on this server: it may have ended, "
            "or the code was mistyped. The atlas is shown instead."
        ]
    state[keys.FOLLOW_KEY] = code
    state.pop(keys.FOLLOW_ENDED_KEY, None)
    _show(state, shared, atlas, lessons)
    return []


def query(state: Mapping[str, Any]) -> dict[str, str] | None:
    """The audience's URL: the follow link alone (None: not following)."""
    code = state.get(keys.FOLLOW_KEY) or state.get(keys.FOLLOW_ENDED_KEY)
    return {FOLLOW_PARAM: code} if code else None


# --------------------------------------------------------------------------- each run


def following(state: Mapping[str, Any]) -> bool:
    """Whether this session is an audience (of a class running, or one that has ended)."""
    return bool(state.get(keys.FOLLOW_KEY) or state.get(keys.FOLLOW_ENDED_KEY))


def sync(state: MutableMapping[str, Any], atlas: Atlas, lessons: Sequence[Lesson]) -> None:
    """Before any widget: a presenter writes its step to its class; an audience shows the
    class's step (or learns that the class has ended)."""
    if state.get(keys.CLASS_LEAD_KEY) is not None:
        _lead(state, lessons)
    code = state.get(keys.FOLLOW_KEY)
    if code:
        try:
            shared = ask(lambda store: store.read(code))
        except ClassError:
            return  # a moment's trouble: the next poll tries again
        if shared is None or _lesson(shared, lessons) is None:
            state.pop(keys.FOLLOW_KEY, None)
            state[keys.FOLLOW_ENDED_KEY] = code
        else:
            _show(state, shared, atlas, lessons)


def _lesson(shared: classroom.ClassState, lessons: Sequence[Lesson]) -> Lesson | None:
    lesson = next((item for item in lessons if item.id == shared.lesson), None)
    if lesson is None or shared.step >= len(lesson.steps):
        return None
    return lesson


def _show(
    state: MutableMapping[str, Any],
    shared: classroom.ClassState,
    atlas: Atlas,
    lessons: Sequence[Lesson],
) -> None:
    lesson = _lesson(shared, lessons)
    assert lesson is not None
    state[keys.PROJECTOR_KEY] = True
    current = presenter.active_lesson(state, lessons)
    if (
        current is None
        or current.id != lesson.id
        or (presenter.step_index(state, current) != shared.step)
    ):
        presenter.go_to_step(state, lesson, shared.step, atlas)


def _lead(state: MutableMapping[str, Any], lessons: Sequence[Lesson]) -> None:
    lead: Lead = state[keys.CLASS_LEAD_KEY]
    lesson = presenter.active_lesson(state, lessons)
    if lesson is None:  # the lesson was left (or Reset view): the class ends with it
        end_class(state)
        return
    now = (lesson.id, presenter.step_index(state, lesson))
    if state.get(keys.CLASS_SENT_KEY) == now:
        return
    try:
        moved = ask(lambda store: store.move(lead, *now))
    except ClassError as exc:
        state[keys.CLASS_NOTICE_KEY] = f"The class did not follow this step: {exc}."
        return
    if moved:
        state[keys.CLASS_SENT_KEY] = now
        state.pop(keys.CLASS_NOTICE_KEY, None)
    else:
        _forget_lead(state)
        state[keys.CLASS_NOTICE_KEY] = (
            "The class has ended (a class ends after some hours without a move); start "
            "a new one to share the lesson again."
        )


# --------------------------------------------------------------------------- presenter


def start_class(state: MutableMapping[str, Any], lesson: Lesson, index: int) -> None:
    """Open a class on this step (a button's callback); the timer starts again."""
    try:
        lead = ask(lambda store: store.start(lesson.id, index))
    except ClassError as exc:
        state[keys.CLASS_NOTICE_KEY] = f"The class could not start: {exc}."
        return
    state[keys.CLASS_LEAD_KEY] = lead
    state[keys.CLASS_SENT_KEY] = (lesson.id, index)
    state[keys.LESSON_CLOCK_KEY] = (lesson.id, time.time())
    state.pop(keys.CLASS_NOTICE_KEY, None)


def lead_from_cookie(raw: object) -> Lead | None:
    """The Lead a presenter's browser keeps in its cookie (``CODE.KEY``), or None when
    ``raw`` is not one."""
    if not isinstance(raw, str) or len(raw) > 100 or raw.count(".") != 1:
        return None
    code, key = raw.split(".")
    code = classroom.clean_code(code)
    return Lead(code, key) if code and _KEY.match(key) else None


def resume_class(state: MutableMapping[str, Any], lesson: Lesson, index: int, raw: object) -> None:
    """Once per session: a presenter's page reloaded during its class (its browser's
    cookie holds the Lead) takes the class back, when the class is on this lesson, and
    puts it on this step. Anything else (no cookie, another lesson, an ended class)
    leaves the page without a class."""
    if state.get(keys.CLASS_LEAD_KEY) is not None or state.get(keys.CLASS_RESUMED_KEY):
        return
    state[keys.CLASS_RESUMED_KEY] = True
    lead = lead_from_cookie(raw)
    if lead is None:
        return
    try:
        shared = ask(lambda store: store.read(lead.code) if store.owns(lead) else None)
        if shared is None or shared.lesson != lesson.id:
            return
        ask(lambda store: store.move(lead, lesson.id, index))
    except ClassError:
        return
    state[keys.CLASS_LEAD_KEY] = lead
    state[keys.CLASS_SENT_KEY] = (lesson.id, index)


def end_class(state: MutableMapping[str, Any]) -> None:
    """End the class: its audience is told so and keeps the last step on screen."""
    lead = state.get(keys.CLASS_LEAD_KEY)
    _forget_lead(state)
    state[keys.CLASS_FORGET_COOKIE_KEY] = True  # the presenter's browser drops its cookie
    if lead is not None:
        with contextlib.suppress(ClassError):  # it expires on its own
            ask(lambda store: store.end(lead))


def _forget_lead(state: MutableMapping[str, Any]) -> None:
    state.pop(keys.CLASS_LEAD_KEY, None)
    state.pop(keys.CLASS_SENT_KEY, None)


def leave_class(state: MutableMapping[str, Any], lessons: Sequence[Lesson], atlas: Atlas) -> None:
    """The audience leaves: the atlas as it opens, the lesson and the stage closed."""
    state.pop(keys.FOLLOW_KEY, None)
    state.pop(keys.FOLLOW_ENDED_KEY, None)
    state[keys.PROJECTOR_KEY] = False
    state[keys.LESSON_KEY] = None
    presenter.choose_lesson(state, lessons, atlas, None)


def elapsed_seconds(state: MutableMapping[str, Any], lesson: Lesson, now: float) -> int:
    """Seconds since the class started, else since the lesson was opened in this session
    (the presenter's timer)."""
    clock = state.get(keys.LESSON_CLOCK_KEY)
    if not clock or clock[0] != lesson.id:
        clock = state[keys.LESSON_CLOCK_KEY] = (lesson.id, now)
    return max(0, int(now - clock[1]))


def clock_words(seconds: int) -> str:
    """The timer's words: 12:34, or 1:02:03 past an hour (as lesson-timer.js writes them)."""
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


# --------------------------------------------------------------------------- audience


def behind(state: Mapping[str, Any], shared: classroom.ClassState | None) -> bool:
    """Whether the audience's page no longer shows what the class does (ended: None)."""
    if shared is None:
        return True
    return (shared.lesson, shared.step) != (state.get(keys.LESSON_KEY), state.get(keys.STEP_KEY))
