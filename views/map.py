"""The map page: the lesson (if any), the year controls, the map with the detail panel, the
chronology, and the sidebar; or, in projector view during a lesson, the stage (map and step
on one screen).

The scene (the view, its events, sites and highlights) is computed once, from session
state, before any widget is drawn: the map is the first heavy element, so the browser
starts loading it before the sidebar's widgets (about 0.2 s sooner on a cold load).
"""

import streamlit as st

from layers.state import follow, keys
from layers.state import lesson_player as presenter
from layers.state.scene import build_scene
from layers.ui import classroom, playback
from layers.ui.atlas_map import atlas_map, detail, take_map_click, view_in_words
from layers.ui.cached import current_lessons
from layers.ui.chronology import chronology
from layers.ui.lesson_editor import lesson_editor, with_session_lessons
from layers.ui.lesson_panel import lesson_panel
from layers.ui.page import caption, notices, problem_notice, query_params
from layers.ui.sidebar import sidebar
from layers.ui.stage import OFFSTAGE_KEY, presenting, stage
from layers.ui.uploads import page_extras

state = st.session_state
extras = page_extras(state)
atlas = extras.atlas
lessons, lesson_problems = current_lessons()
lessons = with_session_lessons(state, atlas, lessons)  # opened from files, or a draft previewed
# Kept for the whole session: notices that vanished on the next run would shift the
# elements below them, and Streamlit would then rebuild the map (losing its view).
state[keys.URL_NOTICES_KEY] = state.get(keys.URL_NOTICES_KEY, []) + follow.apply_url_once(
    state, query_params(), atlas, lessons
)
follow.sync(state, atlas, lessons)  # a presenter's step to its class, a class's to its audience
take_map_click(state, atlas)

if presenting(state, lessons):
    # The projector stage: map and step on one screen. The detail panel and the chronology
    # are still drawn, hidden, so that their widgets (the site box, the table) keep their state.
    scene = build_scene(atlas, state, lessons)
    stage(scene, extras, lessons)
    with st.container(key=OFFSTAGE_KEY):
        detail(scene)
        chronology(scene)
else:
    st.title("DPRK–Syria Atlas")
    caption(
        "Sites in Syria with documented North Korean links. Every claim is dated, graded for "
        f"evidence and sourced. Dataset version {atlas.info.version}."
    )
    notices(state[keys.URL_NOTICES_KEY])
    for problem in [*atlas.problems, *lesson_problems, *extras.problems]:
        problem_notice(problem, problem.severity)

    lesson_panel(atlas, lessons)
    playback.controls(atlas)
    scene = build_scene(atlas, state, lessons)

    map_column, detail_column = st.columns([5, 3], gap="medium")
    with map_column:
        atlas_map(scene, extras)
    with detail_column:
        detail(scene)
    view_in_words(scene)

    chronology(scene)
    lesson_editor(scene, lessons)
sidebar(scene, lessons, extras.plain)
playback.timer(atlas)  # last: starting or stopping the timer must not shift the map
classroom.poll()  # an audience: rerun when the presenter moves
st.query_params.from_dict(follow.query(state) or presenter.current_query(state, atlas))
