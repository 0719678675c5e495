"""The presenter's view, under the step in the lesson panel: the presenter notes, a timer,
the class that follows (start it, its code and follow link, end it) and the next step's
preview. Never drawn for an audience (layers.state.follow)."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import streamlit as st
import streamlit.components.v1 as components

from layers.data.lessons import Lesson
from layers.render import frontend
from layers.render import html as atlas_html
from layers.render.html import esc
from layers.state import follow, keys
from layers.state.classroom import Lead
from layers.ui.page import show_html

PRESENTER_KEY = "atlas-presenter"  # the container: st-key-atlas-presenter


def presenter_view(lesson: Lesson, index: int) -> None:
    """The notes beside the timer, the class and the next step: what the presenter reads
    while the class looks at the stage."""
    state = st.session_state
    follow.resume_class(state, lesson, index, _cookie(follow.LEAD_COOKIE))
    step = lesson.steps[index]
    following = lesson.steps[index + 1] if index + 1 < len(lesson.steps) else None
    with st.container(key=PRESENTER_KEY):
        notes, side = st.columns([3, 2], gap="small")
        with notes:
            st.info(step.presenter_notes, icon=":material/record_voice_over:")
        with side:
            _timer(lesson)
            _class_box(lesson, index)
            show_html(
                atlas_html.next_step_html(
                    index,
                    len(lesson.steps),
                    following.title if following else None,
                    following.text if following else None,
                )
            )
    if state.get(keys.CLASS_NOTICE_KEY):
        st.warning(state[keys.CLASS_NOTICE_KEY], icon=":material/error:")


def _timer(lesson: Lesson) -> None:
    """The time since the lesson started, as of this run; static/atlas/lesson-timer.js
    counts on in the browser (no rerun every second)."""
    seconds = follow.elapsed_seconds(st.session_state, lesson, time.time())
    show_html(
        f'<p class="atlas-lesson-timer" data-elapsed="{seconds}" style="margin:0">'
        f"<strong>{follow.clock_words(seconds)}</strong> since the lesson started</p>"
    )


def _class_box(lesson: Lesson, index: int) -> None:
    state = st.session_state
    lead: Lead | None = state.get(keys.CLASS_LEAD_KEY)
    if lead is None:
        if state.pop(keys.CLASS_FORGET_COOKIE_KEY, None):
            _lead_cookie("")
        st.button(
            "Start a class",
            key="class-start",
            icon=":material/cast_for_education:",
            on_click=follow.start_class,
            args=(state, lesson, index),
            help="A class code and a follow link: the projector and the students' devices "
            "that open it show your step, without the notes or what comes next",
        )
        return
    show_html(atlas_html.class_code_html(lead.code, follow_link(lead.code)))
    _lead_cookie(f"{lead.code}.{lead.key}")
    st.button(
        "End class",
        key="class-end",
        icon=":material/stop_circle:",
        on_click=follow.end_class,
        args=(state,),
        help="The class's screens keep this step and say that the class has ended",
    )


def _lead_cookie(value: str) -> None:
    """Keep the class's code and key in the presenter's browser (static/atlas/class-lead.js),
    so that a reload of this page takes the class back; "" drops it."""
    components.html(
        f'<div id="atlas-class-lead" data-lead="{esc(value)}"></div>'
        + frontend.script_element("class-lead.js"),
        height=0,
    )


def _cookie(name: str) -> str | None:
    try:
        return st.context.cookies.get(name)
    except Exception:  # noqa: BLE001 - no browser context (a bare run, AppTest)
        return None


def follow_link(code: str) -> str:
    """The follow link: this page's own address (as the presenter's browser reached it)
    with ``?follow=CODE``, or the relative ``./?follow=CODE`` when it is not known."""
    relative = f"./?{follow.FOLLOW_PARAM}={code}"
    try:
        url = st.context.url
    except Exception:  # noqa: BLE001 - no browser context (a bare run, AppTest)
        return relative
    if not url:
        return relative
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return relative
    return f"{parts.scheme}://{parts.netloc}{parts.path or '/'}?{follow.FOLLOW_PARAM}={code}"
