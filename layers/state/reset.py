"""'Reset view': the atlas as a bare URL opens it, from anywhere (a lesson, a search, a
half-played year range, a card), without reloading the page (uploads are kept)."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from layers.data.geo import START_ZOOM, SYRIA_CENTRE
from layers.data.model import Atlas
from layers.data.view import default_view
from layers.state import playback
from layers.state.keys import BEFORE_LESSON_KEY, FLY_KEY, SEARCH_KEY
from layers.state.view import to_session


def reset_view(state: MutableMapping[str, Any], atlas: Atlas) -> None:
    """Every view field to its default, playback forgotten, the search box emptied, the
    view saved before a lesson dropped, and the map flown back to the whole of Syria
    (call from a button's callback)."""
    playback.forget(state)
    state.update(to_session(default_view(), atlas))
    state[SEARCH_KEY] = ""
    state.pop(BEFORE_LESSON_KEY, None)
    state[FLY_KEY] = (SYRIA_CENTRE[0], SYRIA_CENTRE[1], START_ZOOM)
