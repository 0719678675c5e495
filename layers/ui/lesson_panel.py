"""The lesson on the page: the step, previous / next, a jump list, the projector toggle and
presenter notes (lesson navigation itself is layers.state.lesson_player)."""

from __future__ import annotations

import streamlit as st
import streamlit.components.v1 as components

from layers.data.lessons import Lesson
from layers.data.model import Atlas
from layers.render import frontend
from layers.render import html as atlas_html
from layers.state import keys
from layers.state import lesson_player as presenter
from layers.ui.figure_download import slides_button
from layers.ui.page import show_html, widget_label


def lesson_panel(atlas: Atlas, lessons: list[Lesson]) -> None:
    """The active lesson's step with previous / next, a jump list and presenter notes."""
    state = st.session_state
    lesson = presenter.active_lesson(state, lessons)
    if lesson is None:
        return
    index = presenter.step_index(state, lesson)
    step = lesson.steps[index]
    projector = bool(state.get(keys.PROJECTOR_KEY))
    if projector:
        show_html(frontend.style_element("projector.css"))  # large type, no sidebar
    with st.container(border=True):
        show_html(
            atlas_html.lesson_step_html(
                atlas,
                lesson.title,
                index,
                len(lesson.steps),
                step.title,
                step.text,
                step.citations,
                projector,
            )
        )
        back, forward, jump, view = st.columns([1, 1, 2, 1.3], vertical_alignment="center")
        back.button(
            "Previous step",
            icon=":material/arrow_back:",
            disabled=index == 0,
            on_click=presenter.go_to_step,
            args=(state, lesson, index - 1, atlas),
        )
        forward.button(
            "Next step",
            icon=":material/arrow_forward:",
            disabled=index == len(lesson.steps) - 1,
            on_click=presenter.go_to_step,
            args=(state, lesson, index + 1, atlas),
        )
        # Buttons, not a select box: a box whose value the page sets can send a stale
        # value back during the map's next rerun and jump to the old step.
        with jump.popover(f"Step {index + 1} of {len(lesson.steps)}", width="stretch"):
            for number, other in enumerate(lesson.steps):
                st.button(
                    f"{number + 1}. {widget_label(other.title)}",
                    key=f"go-to-step-{number}",
                    disabled=number == index,
                    on_click=presenter.go_to_step,
                    args=(state, lesson, number, atlas),
                    width="stretch",
                )
        view.toggle(
            "Projector view",
            key=keys.PROJECTOR_KEY,
            help="Large type; hides the sidebar and the presenter notes",
        )
        if not projector:
            st.info(step.presenter_notes, icon=":material/record_voice_over:")
            slides_button(atlas, lesson)
    # Arrow keys step through the lesson: a script in a zero-height same-origin frame.
    components.html(frontend.script_element("arrow-keys.js"), height=0)
