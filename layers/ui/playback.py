"""Time playback on the page: play, pause, stop and step by the years that have events, and
the timer that advances them (the state and timing rules are layers.state.playback)."""

from __future__ import annotations

import time

import streamlit as st

from layers.data.model import Atlas
from layers.render.html import esc
from layers.state import keys, playback
from layers.ui.page import show_html


def controls(atlas: Atlas) -> None:
    """Play, pause, stop and step the years; the last year shown is large, and the empty
    years just passed are said in words."""
    state = st.session_state
    playing = bool(state.get(keys.PLAYING_KEY))
    first, last = playback.shown_years(state)
    # A row that wraps, not columns: columns cut the labels at 1024 px.
    row = st.container(horizontal=True, vertical_alignment="center", gap="small")
    if playing:
        row.button("Pause", icon=":material/pause:", on_click=playback.pause, args=(state,))
    else:
        row.button(
            "Play years",
            icon=":material/play_arrow:",
            on_click=lambda: playback.start(state, atlas, now=time.monotonic()),
            help=f"Show the events year by year, {first} to {last}, stopping only on years "
            "with events; the years come back as they were at the end",
        )
    row.button(
        "Stop",
        icon=":material/stop:",
        on_click=playback.stop,
        args=(state,),
        disabled=not playback.active(state),
        help="End the playback and show the years as they were before it",
    )
    row.button(
        "Year back",
        icon=":material/chevron_left:",
        on_click=playback.advance,
        args=(state, atlas, -1),
        help="Back to the previous year with events",
    )
    row.button(
        "Year on",
        icon=":material/chevron_right:",
        on_click=playback.advance,
        args=(state, atlas, 1),
        help="On to the next year with events",
    )
    row.selectbox(
        "Speed",
        list(playback.SPEEDS),
        index=1,
        format_func=playback.SPEED_WORDS.get,
        key=keys.SPEED_KEY,
        label_visibility="collapsed",
        width=160,
    )
    note = state.get(keys.PLAY_NOTE_KEY)
    with row:
        show_html(
            "<div aria-live='polite' data-play-year='{year}'>"
            "<div style='font-size:1.9rem;line-height:1.1'>Up to <strong>{year}</strong></div>"
            "{note}</div>".format(
                year=playback.current_year(state),
                note=f"<div class='atlas-muted'>{esc(note)}</div>" if note else "",
            )
        )


def timer(atlas: Atlas) -> None:
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
            playback.advance(state, atlas)
            st.rerun()

    st.fragment(tick, run_every=playback.seconds_per_year(state) if playing else None)()
