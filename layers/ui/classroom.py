"""The audience's poll: about once a second, a fragment asks the class store whether the
presenter has moved (layers.state.follow), rerunning the page when it has."""

from __future__ import annotations

import streamlit as st

from layers.state import follow, keys
from layers.state.classroom import ClassError

POLL_S = 1.0  # how often an audience asks whether the presenter has moved


def poll() -> None:
    """The audience's fragment: about once a second, rerun the page if the presenter has
    moved or the class has ended. Draws nothing; call it last on the page."""
    state = st.session_state
    code = state.get(keys.FOLLOW_KEY)
    if not code:
        return
    in_full_run = {"now": True}

    def check() -> None:
        if in_full_run["now"]:  # the full run has just read the class itself
            in_full_run["now"] = False
            return
        try:
            shared = follow.ask(lambda store: store.read(code))
        except ClassError:
            return
        if follow.behind(state, shared):
            st.rerun()

    st.fragment(check, run_every=POLL_S)()
