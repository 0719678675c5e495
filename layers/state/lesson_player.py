"""Lessons on screen and the view in the URL: session-state operations for the page.

Everything here works on a plain mapping (Streamlit's session state in the app, a dict
in tests). Changing step writes the step's filters into the widgets' keys and a
"fly to" target for the map; the map moves there without being rebuilt.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any

from layers.data.geo import START_ZOOM, SYRIA_CENTRE
from layers.data.lessons import Lesson, step_as_view, step_view
from layers.data.model import Atlas
from layers.data.view import View, default_view
from layers.state import playback
from layers.state import url as urlstate
from layers.state.keys import (
    BASEMAP_KEY,
    BEFORE_LESSON_KEY,
    FLY_KEY,
    LESSON_KEY,
    STEP_KEY,
    URL_APPLIED_KEY,
)
from layers.state.view import from_session, to_session

# The map does not report pans and zooms back (each report would rerun the page, and a
# rerun racing a lesson step could send the widgets' old values back): the URL carries
# the last view the page moved the map to (a link, a lesson step, a search result).


def active_lesson(state: Mapping[str, Any], lessons: Sequence[Lesson]) -> Lesson | None:
    wanted = state.get(LESSON_KEY)
    return next((lesson for lesson in lessons if lesson.id == wanted), None)


def step_index(state: Mapping[str, Any], lesson: Lesson) -> int:
    index = state.get(STEP_KEY) or 0
    return min(max(int(index), 0), len(lesson.steps) - 1)


def step_highlights(state: Mapping[str, Any], lessons: Sequence[Lesson]) -> set[str]:
    """The events the active lesson step highlights (none without a lesson)."""
    lesson = active_lesson(state, lessons)
    if lesson is None:
        return set()
    return set(lesson.steps[step_index(state, lesson)].highlight_event_ids)


def step_view_state(lesson: Lesson, index: int, atlas: Atlas) -> View:
    """The whole view a lesson step puts on screen."""
    step = lesson.steps[index]
    lat, lon, zoom = step_view(step, atlas)
    return dataclasses.replace(
        step_as_view(step), lesson=lesson.id, step_index=index, center=(lat, lon), zoom=zoom
    )


def show_view(
    state: MutableMapping[str, Any],
    view: View,
    atlas: Atlas,
    *,
    keep_basemap: bool = False,
) -> None:
    """Seed the widgets with a view and move the map there (call before widgets exist)."""
    basemap = state.get(BASEMAP_KEY)
    playback.forget(state)  # the new view's years replace any playback's
    state.update(to_session(view, atlas))
    if keep_basemap and basemap is not None:
        state[BASEMAP_KEY] = basemap
    if view.center is not None and view.zoom is not None:
        state[FLY_KEY] = (view.center[0], view.center[1], view.zoom)


def go_to_step(state: MutableMapping[str, Any], lesson: Lesson, index: int, atlas: Atlas) -> None:
    index = min(max(index, 0), len(lesson.steps) - 1)
    show_view(state, step_view_state(lesson, index, atlas), atlas, keep_basemap=True)


def choose_lesson(
    state: MutableMapping[str, Any], lessons: Sequence[Lesson], atlas: Atlas, lesson_id: str | None
) -> None:
    """Open a lesson at its first step, or close it (None).

    Opening remembers the view the reader had (unless a lesson was already open), and
    closing puts it back, the map's position included: a lesson's narrow filters (one site,
    a few years) must not stay behind as an empty map. A lesson opened from a link had no
    view before it, so closing it shows the default view. The reader's basemap is kept.
    """
    lesson = next((item for item in lessons if item.id == lesson_id), None)
    # The lesson box has already written the new choice: the step tells whether one was open.
    was_open = state.get(STEP_KEY) is not None
    if lesson is None:
        before = state.pop(BEFORE_LESSON_KEY, None) or default_view()
        show_view(
            state,
            dataclasses.replace(before, lesson=None, step_index=None),
            atlas,
            keep_basemap=True,
        )
        if before.center is None or before.zoom is None:  # the map had not been moved
            state[FLY_KEY] = (*SYRIA_CENTRE, START_ZOOM)
        return
    if not was_open:
        state[BEFORE_LESSON_KEY] = from_session(state, atlas)
    go_to_step(state, lesson, 0, atlas)


def apply_url_once(
    state: MutableMapping[str, Any],
    params: Mapping[str, Any],
    atlas: Atlas,
    lessons: Sequence[Lesson],
) -> list[str]:
    """On a session's first run, restore the view from the URL; returns notices about
    values that were ignored. Later runs return [] and change nothing."""
    if state.get(URL_APPLIED_KEY):
        return []
    state[URL_APPLIED_KEY] = True
    view, notices = urlstate.from_query(params, atlas, lessons)
    lesson = next((item for item in lessons if item.id == view.lesson), None)
    if lesson is not None and not {"years", "layers", "link", "grade"} & set(params):
        # A link to a lesson step: the step's own filters, the link's map view if any.
        step = step_view_state(lesson, view.step_index or 0, atlas)
        view = dataclasses.replace(
            step,
            basemap=view.basemap,
            site=view.site or step.site,
            center=view.center or step.center,
            zoom=view.zoom or step.zoom,
        )
    show_view(state, view, atlas)
    return notices


def current_query(state: Mapping[str, Any], atlas: Atlas) -> dict[str, str]:
    """The URL query that reproduces what the session shows."""
    return urlstate.to_query(from_session(state, atlas), default_view())


LESSON_CHOICE_KEY = LESSON_KEY  # the sidebar's lesson box writes the lesson itself
