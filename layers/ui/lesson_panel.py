"""The lesson on the page: the step, previous / next, a jump list, the projector toggle,
presenter notes, the presenter's view (layers.ui.presenter_view) and the lesson keys (lesson
navigation itself is layers.state.lesson_player).

The same controls serve the page and the projector stage (layers.ui.stage); the stage draws
the step in its own large-type form.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
import streamlit.components.v1 as components

from layers.data.lessons import Lesson
from layers.data.model import Atlas
from layers.render import frontend
from layers.render import html as atlas_html
from layers.state import keys
from layers.state import lesson_player as presenter
from layers.ui.figure_download import lesson_page_button, slides_button
from layers.ui.page import show_html, widget_label
from layers.ui.presenter_view import presenter_view

STEP_KEYS_KEY = "atlas-step-keys"  # the hidden container of the "Go to step N" buttons
STEP_LIST_KEY = "step-list"  # the step menu: its open state


def lesson_panel(atlas: Atlas, lessons: list[Lesson]) -> None:
    """The active lesson's step with previous / next, a jump list and presenter notes."""
    state = st.session_state
    lesson = presenter.active_lesson(state, lessons)
    if lesson is None:
        return
    index = presenter.step_index(state, lesson)
    with st.container(border=True):
        show_step(atlas_html.lesson_step_html, atlas, lesson, index)
        # A row that wraps, not columns: columns cut the labels ("Pre…", "Nex…") at 1024 px.
        with st.container(horizontal=True, vertical_alignment="center", gap="small"):
            previous_button(lesson, index, atlas)
            next_button(lesson, index, atlas)
            step_list(lesson, index, atlas)
            projector_toggle()
        presenter_view(lesson, index)  # the notes, a timer, the class, the next step
        slides_button(atlas, lesson)
        lesson_page_button(atlas, lesson)
    step_keys(lesson, atlas, scripts=("lesson-keys.js", "lesson-timer.js"))


def show_step(step_html: Callable[..., str], atlas: Atlas, lesson: Lesson, index: int) -> None:
    """The step as ``step_html`` lays it out (the panel's, or the stage's large type)."""
    step = lesson.steps[index]
    show_html(
        step_html(
            atlas,
            lesson.title,
            index,
            len(lesson.steps),
            step.title,
            step.text,
            step.citations,
            step.image,
        )
    )


def previous_button(lesson: Lesson, index: int, atlas: Atlas, label: str = "Previous step") -> None:
    """Keyed, so that the lesson keys find it whatever its label (the stage's is shorter)."""
    st.button(
        label,
        key="lesson-previous",
        icon=":material/arrow_back:",
        disabled=index == 0,
        on_click=presenter.go_to_step,
        args=(st.session_state, lesson, index - 1, atlas),
    )


def next_button(lesson: Lesson, index: int, atlas: Atlas, label: str = "Next step") -> None:
    st.button(
        label,
        key="lesson-next",
        icon=":material/arrow_forward:",
        type="primary",
        disabled=index == len(lesson.steps) - 1,
        on_click=presenter.go_to_step,
        args=(st.session_state, lesson, index + 1, atlas),
    )


def step_list(
    lesson: Lesson, index: int, atlas: Atlas, label: str = "Step {} of {}", icon: bool = True
) -> None:
    """A menu of every step, closed again once a step is picked (it used to stay open over
    the map). Buttons, not a select box: a box whose value the page sets can send a stale
    value back during the map's next rerun and jump to the old step."""
    state = st.session_state

    def pick(number: int) -> None:
        presenter.go_to_step(state, lesson, number, atlas)
        state[STEP_LIST_KEY] = False  # the menu's open state (it tracks it: on_change)

    with st.popover(
        label.format(index + 1, len(lesson.steps)),
        icon=":material/list:" if icon else None,
        width="content",
        help="Every step of the lesson",
        key=STEP_LIST_KEY,
        on_change="rerun",
    ):
        for number, other in enumerate(lesson.steps):
            st.button(
                f"{number + 1}. {widget_label(other.title)}",
                key=f"go-to-step-{number}",
                disabled=number == index,
                on_click=pick,
                args=(number,),
                width="stretch",
            )


def projector_toggle(explain: bool = True) -> None:
    st.toggle(
        "Projector view",
        key=keys.PROJECTOR_KEY,
        help="The map and the step on one screen in large type; hides the sidebar and the "
        "presenter notes"
        if explain
        else None,
    )


def step_keys(lesson: Lesson, atlas: Atlas, scripts: tuple[str, ...] = ("lesson-keys.js",)) -> None:
    """The lesson keys: the scripts, and hidden "Go to step N" buttons the keys script
    presses for Home, End and a typed step number (each runs the step list's callback)."""
    state = st.session_state
    show_html(frontend.style_element("lesson.css"))
    with st.container(key=STEP_KEYS_KEY):
        for number in range(len(lesson.steps)):
            st.button(
                f"Go to step {number + 1}",
                key=f"key-to-step-{number}",
                on_click=presenter.go_to_step,
                args=(state, lesson, number, atlas),
            )
        components.html("".join(frontend.script_element(name) for name in scripts), height=0)
