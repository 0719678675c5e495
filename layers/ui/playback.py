"""Time playback on the page: play, pause and step the years, and the timer that advances
them (the state and timing rules are layers.state.playback)."""

from __future__ import annotations

import time

import streamlit as st

from layers.state import keys, playback


def controls() -> None:
    """Play, pause and step the year range; the current year is shown large."""
    state = st.session_state
    playing = bool(state.get(keys.PLAYING_KEY))
    columns = st.columns([1.2, 1, 1, 1.6, 2], vertical_alignment="center")
    if playing:
        columns[0].button("Pause", icon=":material/pause:", on_click=playback.pause, args=(state,))
    else:
        columns[0].button(
            "Play years",
            icon=":material/play_arrow:",
            on_click=playback.start,
            args=(state,),
            help="Show events up to each year in turn, 1966 to today",
        )
    columns[1].button(
        "Year back",
        icon=":material/chevron_left:",
        on_click=playback.advance,
        args=(state, -1),
        help="Show one year less",
    )
    columns[2].button(
        "Year on",
        icon=":material/chevron_right:",
        on_click=playback.advance,
        args=(state, 1),
        help="Show one year more",
    )
    columns[3].selectbox(
        "Speed",
        list(playback.SPEEDS),
        index=1,
        key=keys.SPEED_KEY,
        label_visibility="collapsed",
    )
    columns[4].markdown(
        f"<div style='font-size:1.9rem;line-height:1.1' aria-live='polite'>Up to "
        f"<strong>{playback.current_year(state)}</strong></div>",
        unsafe_allow_html=True,
    )


def timer() -> None:
    """Advance the year while playing. Called last on the page, so that starting and
    stopping the timer never shifts the elements before it (which would rebuild the map)."""
    state = st.session_state
    playing = bool(state.get(keys.PLAYING_KEY))
    in_full_run = {"now": True}

    def tick() -> None:
        # Streamlit also calls the fragment at the end of every full run, after the years
        # slider is drawn, when its value can no longer be set: only the fragment's own
        # timed runs advance the year.
        if in_full_run["now"]:
            in_full_run["now"] = False
            return
        if playback.tick_due(state, time.monotonic()):
            playback.advance(state)
            st.rerun()

    st.fragment(tick, run_every=playback.seconds_per_year(state) if playing else None)()
