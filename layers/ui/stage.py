"""The projector stage: the map and the lesson step side by side on one screen, in large
type, with the controls in sight and the marker key on the map, nothing to scroll (a phone
stacks the step under the map). Shown instead of the page's usual layout while "Projector view" is
on during a lesson; static/atlas/stage.css lays it out and stage-fit.js sizes the type. A
class's audience (a ``?follow=`` link, layers.state.follow) gets the stage without its controls."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st
import streamlit.components.v1 as components

from layers.data.lessons import Lesson
from layers.data.model import Atlas
from layers.render import frontend
from layers.render import html as atlas_html
from layers.state import follow, keys
from layers.state import lesson_player as presenter
from layers.state.scene import Scene
from layers.ui.atlas_map import atlas_map
from layers.ui.lesson_panel import (
    next_button,
    previous_button,
    projector_toggle,
    show_step,
    step_keys,
    step_list,
)
from layers.ui.page import show_html
from layers.ui.uploads import PageExtras

STAGE_KEY = "atlas-stage"  # containers: st-key-<key> is the class stage.css styles
SIDE_KEY = "atlas-stage-side"
TEXT_KEY = "atlas-stage-text"
CONTROLS_KEY = "atlas-stage-controls"
OFFSTAGE_KEY = "atlas-offstage"  # what the stage hides but keeps drawn (its widgets' state)


def presenting(state: Mapping[str, Any], lessons: list[Lesson]) -> bool:
    """Whether the page shows the stage: projector view on, during a lesson."""
    if not state.get(keys.PROJECTOR_KEY):
        return False
    return presenter.active_lesson(state, lessons) is not None


def stage(scene: Scene, extras: PageExtras, lessons: list[Lesson]) -> None:
    """Draw the stage: the map and the step on one screen."""
    state = st.session_state
    atlas = scene.atlas
    lesson = presenter.active_lesson(state, lessons)
    assert lesson is not None  # presenting() checked it
    show_html(frontend.style_element("stage.css"))
    with st.container(key=STAGE_KEY):
        map_column, side_column = st.columns([3, 2], gap=None)
        with map_column:
            atlas_map(scene, extras, present=True)
        with side_column, st.container(key=SIDE_KEY, gap=None):
            if follow.following(state):
                audience_step(atlas, lesson, lessons)
            else:
                stage_step(atlas, lesson)


def stage_step(atlas: Atlas, lesson: Lesson) -> None:
    """The step in large type, the controls and the marker key (no presenter notes)."""
    index = presenter.step_index(st.session_state, lesson)
    with st.container(key=TEXT_KEY):
        show_step(atlas_html.stage_step_html, atlas, lesson, index)
    with st.container(key=CONTROLS_KEY, horizontal=True, gap="small"):
        previous_button(lesson, index, atlas, "Back")
        next_button(lesson, index, atlas, "Next")
        step_list(lesson, index, atlas, "{} / {}", icon=False)
        projector_toggle(explain=False)
    step_keys(lesson, atlas, scripts=("lesson-keys.js", "stage-fit.js"))


def audience_step(atlas: Atlas, lesson: Lesson, lessons: list[Lesson]) -> None:
    """The step a class's audience sees: the presenter's step and whether the class still
    runs, and a way out; no control that steps, no step list, no keys (layers.state.follow)."""
    state = st.session_state
    index = presenter.step_index(state, lesson)
    with st.container(key=TEXT_KEY):
        show_step(atlas_html.stage_step_html, atlas, lesson, index)
    with st.container(key=CONTROLS_KEY, horizontal=True, gap="small"):
        live = bool(state.get(keys.FOLLOW_KEY))
        show_html(
            f'<p role="status" data-follow="{"live" if live else "ended"}" '
            f'data-follow-step="{index + 1}">'
            + (
                f"Following the presenter · {index + 1} / {len(lesson.steps)}"
                if live
                else "This class has ended."
            )
            + "</p>"
        )
        st.button(
            "Leave the class",
            key="class-leave",
            icon=":material/logout:",
            on_click=follow.leave_class,
            args=(state, lessons, atlas),
        )
    components.html(frontend.script_element("stage-fit.js"), height=0)
