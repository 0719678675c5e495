"""Time playback: the year range grows by the years that have events, then the filters
return to what they were.

Playing works inside the range the view shows (the whole period, or a lesson step's years)
and under its other filters (layers, links, grades), so a lesson keeps its view and its map
never goes blank. The "frames" are the years in which a shown event begins (an event that
began before the range counts from its first year); each is shown for a period of the chosen
speed, and an empty stretch between two frames is jumped over and said in words ("1967–1996:
no event"). After the last frame the years go back to where they were before Play: stopping,
too, puts them back. Pause holds the current frame.

The state lives in Streamlit's session state under the keys below; the app's timer (a
fragment that reruns itself) only calls `tick_due` and `advance`. Filtering stays on the
server, so the map keeps its view and only the markers change.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, MutableMapping
from typing import Any

from layers.data.filters import filter_events
from layers.data.model import Atlas
from layers.data.view import default_view
from layers.state.keys import (
    LAST_TICK_KEY,
    PLAY_FROM_KEY,
    PLAY_NOTE_KEY,
    PLAY_YEAR_KEY,
    PLAYING_KEY,
    SPEED_KEY,
    YEARS_KEY,
)
from layers.state.view import from_session

# Seconds between two years with events (a rerun of the page comes on top); the words are
# what the speed box shows.
SPEEDS = {"slow": 3.0, "normal": 1.5, "fast": 0.75}
SPEED_WORDS = {"slow": "Slow", "normal": "Normal speed", "fast": "Fast"}


def shown_years(state: Mapping[str, Any]) -> tuple[int, int]:
    """The range the view showed before playing (or shows now, when not playing)."""
    first, last = state.get(PLAY_FROM_KEY) or state.get(YEARS_KEY) or default_view().years
    return int(first), int(last)


def frames(state: Mapping[str, Any], atlas: Atlas) -> list[int]:
    """The years playback stops on: those in the shown range in which an event that the
    view's other filters let through begins (the range's first year for older ones)."""
    first, last = shown_years(state)
    view = dataclasses.replace(from_session(state, atlas), years=(first, last))
    return sorted(
        {max(dated.when.start.year, first) for dated in filter_events(atlas, view.filters())}
    )


def active(state: Mapping[str, Any]) -> bool:
    """Whether a playback is under way (playing or paused on a frame)."""
    return state.get(PLAY_FROM_KEY) is not None


def current_year(state: Mapping[str, Any]) -> int:
    """The last year shown: the frame during playback, else the range's end."""
    if active(state) and state.get(PLAY_YEAR_KEY) is not None:
        return int(state[PLAY_YEAR_KEY])
    return shown_years(state)[1]


def start(state: MutableMapping[str, Any], atlas: Atlas, now: float = 0.0) -> None:
    """Play from the first year with an event, or go on from a paused frame; the frame
    shown stays for a whole period from `now` (time.monotonic()). With no event in the
    range there is nothing to play, and the note says so."""
    if not active(state):
        years = frames(state, atlas)
        if not years:
            first, last = shown_years(state)
            state[PLAY_NOTE_KEY] = f"No event to play between {first} and {last}."
            return
        state[PLAY_FROM_KEY] = shown_years(state)
        _show(state, years[0], None)
    state[PLAYING_KEY] = True
    state[LAST_TICK_KEY] = now


def pause(state: MutableMapping[str, Any]) -> None:
    state[PLAYING_KEY] = False


def stop(state: MutableMapping[str, Any]) -> None:
    """End the playback and put the years back as they were before it."""
    if active(state):
        state[YEARS_KEY] = tuple(state[PLAY_FROM_KEY])
    forget(state)


def forget(state: MutableMapping[str, Any]) -> None:
    """Drop the playback without touching the years (a new view, such as a lesson step,
    has replaced them)."""
    for key in (PLAY_FROM_KEY, PLAY_YEAR_KEY, PLAY_NOTE_KEY, LAST_TICK_KEY):
        state.pop(key, None)
    state[PLAYING_KEY] = False


def advance(state: MutableMapping[str, Any], atlas: Atlas, step: int = 1) -> int:
    """Show the next (or, with -1, the previous) year with events; past the last one the
    playback ends and the years are as they were. Returns the last year now shown."""
    years = frames(state, atlas)
    if not years:
        stop(state)
        return current_year(state)
    if not active(state):  # stepping without playing: a paused playback begins
        state[PLAY_FROM_KEY] = shown_years(state)
        # Forward starts at the first frame; back from the end, whose frame shows it all.
        state[PLAY_YEAR_KEY] = None if step > 0 else years[-1]
    now = state.get(PLAY_YEAR_KEY)
    if step > 0:
        later = [year for year in years if now is None or year > now]
        if not later:
            stop(state)
            return current_year(state)
        _show(state, later[0], now)
    else:
        earlier = [year for year in years if now is None or year < now]
        _show(state, earlier[-1] if earlier else years[0], None)
    return current_year(state)


def _show(state: MutableMapping[str, Any], year: int, previous: int | None) -> None:
    first, _ = shown_years(state)
    state[PLAY_YEAR_KEY] = year
    state[YEARS_KEY] = (first, year)
    state[PLAY_NOTE_KEY] = gap_words(previous, year)


def gap_words(previous: int | None, year: int) -> str | None:
    """'1967–1996: no event' for the empty years jumped over between two frames."""
    if previous is None or year - previous <= 1:
        return None
    if year - previous == 2:
        return f"{previous + 1}: no event"
    return f"{previous + 1}–{year - 1}: no event"


def seconds_per_year(state: Mapping[str, Any]) -> float:
    return SPEEDS.get(str(state.get(SPEED_KEY, "normal")), SPEEDS["normal"])


def tick_due(state: MutableMapping[str, Any], now: float) -> bool:
    """True when playing and a frame's time has passed since the last step.

    The timer fragment also runs once with every full rerun; this keeps those runs
    from advancing early.
    """
    if not state.get(PLAYING_KEY):
        return False
    last = float(state.get(LAST_TICK_KEY, 0.0))
    if now - last < 0.9 * seconds_per_year(state):
        return False
    state[LAST_TICK_KEY] = now
    return True
