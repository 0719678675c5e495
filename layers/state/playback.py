"""Time playback: the year range grows one year at a time from 1966 to today.

The state lives in Streamlit's session state under the keys below; the app's timer
(a fragment that reruns itself) only calls `advance`. Filtering stays on the server, so
the map keeps its view and only the markers change.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from layers.data.filters import FIRST_YEAR, last_year
from layers.state.keys import LAST_TICK_KEY, PLAY_YEAR_KEY, PLAYING_KEY, SPEED_KEY, YEARS_KEY

SPEEDS = {"slow": 2.0, "normal": 1.0, "fast": 0.5}  # seconds per year


def current_year(state: MutableMapping[str, Any]) -> int:
    return int(state.get(PLAY_YEAR_KEY, state.get(YEARS_KEY, (FIRST_YEAR, last_year()))[1]))


def start(state: MutableMapping[str, Any]) -> None:
    """Play from 1966, or from the current year when paused part-way."""
    year = current_year(state)
    if not state.get(PLAY_YEAR_KEY) or year >= last_year():
        year = FIRST_YEAR
    state[PLAY_YEAR_KEY] = year
    state[PLAYING_KEY] = True
    state[YEARS_KEY] = (FIRST_YEAR, year)
    state[LAST_TICK_KEY] = 0.0


def pause(state: MutableMapping[str, Any]) -> None:
    state[PLAYING_KEY] = False


def advance(state: MutableMapping[str, Any], step: int = 1) -> int:
    """Move the shown range to end one year later (or earlier); stop at today."""
    year = min(max(current_year(state) + step, FIRST_YEAR), last_year())
    state[PLAY_YEAR_KEY] = year
    state[YEARS_KEY] = (FIRST_YEAR, year)
    if year >= last_year():
        state[PLAYING_KEY] = False
    return year


def seconds_per_year(state: MutableMapping[str, Any]) -> float:
    return SPEEDS.get(str(state.get(SPEED_KEY, "normal")), 1.0)


def tick_due(state: MutableMapping[str, Any], now: float) -> bool:
    """True when playing and a year's time has passed since the last step.

    The timer fragment also runs once with every full rerun; this keeps those runs
    from advancing the year early.
    """
    if not state.get(PLAYING_KEY):
        return False
    last = float(state.get(LAST_TICK_KEY, 0.0))
    if now - last < 0.9 * seconds_per_year(state):
        return False
    state[LAST_TICK_KEY] = now
    return True
