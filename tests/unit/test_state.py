"""The view's state on a plain mapping: the lesson player, playback timing, selection and
the scene. No Streamlit: these functions take Streamlit's session state in the app and a
dict here."""

from __future__ import annotations

import dataclasses

import pytest

from layers.data.filters import FIRST_YEAR, event_matches
from layers.data.geo import START_ZOOM, SYRIA_CENTRE
from layers.data.lessons import Lesson
from layers.data.schema import Grade
from layers.data.search import search
from layers.data.view import View, default_view
from layers.state import keys, lesson_player, playback, selection
from layers.state.scene import build_scene
from layers.state.view import from_session, to_session
from tests.factories import shipped_atlas, shipped_lessons

LESSON = "north-korea-in-syria"


atlas = shipped_atlas
lessons = shipped_lessons


def _lesson() -> Lesson:
    return next(lesson for lesson in lessons() if lesson.id == LESSON)


# --------------------------------------------------------------------------- lesson player


def test_choosing_a_lesson_opens_its_first_step_with_its_view() -> None:
    state: dict = {}
    lesson_player.choose_lesson(state, list(lessons()), atlas(), LESSON)
    step = _lesson().steps[0]
    assert state[keys.LESSON_KEY] == LESSON and state[keys.STEP_KEY] == 0
    assert state[keys.FLY_KEY][2] == step.view.zoom
    assert lesson_player.step_highlights(state, list(lessons())) == set(step.highlight_event_ids)


def test_going_past_either_end_stays_on_the_first_or_last_step() -> None:
    state: dict = {}
    lesson, count = _lesson(), len(_lesson().steps)
    lesson_player.go_to_step(state, lesson, count + 5, atlas())
    assert state[keys.STEP_KEY] == count - 1
    lesson_player.go_to_step(state, lesson, -3, atlas())
    assert state[keys.STEP_KEY] == 0
    state[keys.STEP_KEY] = 99  # a stale value
    assert lesson_player.step_index(state, lesson) == count - 1


def test_a_step_keeps_the_readers_basemap() -> None:
    state = {keys.BASEMAP_KEY: "osm"}
    lesson_player.go_to_step(state, _lesson(), 1, atlas())
    assert state[keys.BASEMAP_KEY] == "osm"


def _choose(state: dict, lesson_id: str | None) -> None:
    """What the sidebar's lesson box does: it writes the choice, then calls back."""
    state[keys.LESSON_KEY] = lesson_id
    lesson_player.choose_lesson(state, list(lessons()), atlas(), lesson_id)


def test_leaving_a_lesson_restores_the_view_from_before_it() -> None:
    before = View(years=(2007, 2011), site="S1", center=(35.7, 39.8), zoom=9.0, basemap="osm")
    state = to_session(before, atlas())
    _choose(state, LESSON)
    for index in (3, 5, 1):  # step through; the remembered view stays the first one
        lesson_player.go_to_step(state, _lesson(), index, atlas())
    assert from_session(state, atlas()).years != before.years
    _choose(state, None)
    assert from_session(state, atlas()) == before
    assert state[keys.FLY_KEY] == (35.7, 39.8, 9.0)  # the map goes back too
    assert lesson_player.step_highlights(state, list(lessons())) == set()


def test_leaving_a_lesson_opened_from_a_link_shows_the_default_view_over_syria() -> None:
    state: dict = {}
    lesson_player.apply_url_once(state, {"lesson": [LESSON], "step": ["6"]}, atlas(), lessons())
    state[keys.BASEMAP_KEY] = "osm"  # the reader's choice survives
    _choose(state, None)
    assert from_session(state, atlas()) == dataclasses.replace(default_view(), basemap="osm")
    lat, lon, zoom = state[keys.FLY_KEY]
    assert (lat, lon) == SYRIA_CENTRE and zoom == START_ZOOM


def test_a_default_view_before_the_lesson_flies_back_over_syria() -> None:
    state = to_session(default_view(), atlas())
    _choose(state, LESSON)
    _choose(state, None)
    assert from_session(state, atlas()) == default_view()
    assert state[keys.FLY_KEY] == (*SYRIA_CENTRE, START_ZOOM)


def test_the_url_is_read_once_and_a_step_link_takes_the_steps_filters() -> None:
    state: dict = {}
    params = {"lesson": [LESSON], "step": ["4"]}
    assert lesson_player.apply_url_once(state, params, atlas(), list(lessons())) == []
    step = _lesson().steps[3]
    assert from_session(state, atlas()).years == tuple(step.filters.years)
    # Later runs change nothing, whatever the URL says.
    assert lesson_player.apply_url_once(state, {"years": ["1970-1980"]}, atlas(), []) == []
    assert from_session(state, atlas()).years == tuple(step.filters.years)


def test_current_query_reproduces_the_session() -> None:
    view = View(years=(2007, 2011), site="S1", entities=frozenset({"komid"}))
    state = to_session(view, atlas())
    assert lesson_player.current_query(state, atlas()) == {
        "years": "2007-2011",
        "entities": "komid",
        "site": "S1",
    }


# --------------------------------------------------------------------------- playback


def _years_with_events(state: dict) -> list[int]:
    """Worked out here from the events themselves: the years in the shown range in which an
    event the other filters let through begins (the range's first year for older ones)."""
    view = from_session(state, atlas())
    first, last = view.years
    return sorted(
        {
            max(dated.when.start.year, first)
            for dated in atlas().events
            if dated.when.start.year <= last
            and (dated.when.end or dated.when.start).year >= first
            and event_matches(
                atlas(), dated, dataclasses.replace(view, years=(first, last)).filters()
            )
        }
    )


def _play_to_the_end(state: dict) -> list[tuple[int, int]]:
    """Every range shown while playing, until the playback ends by itself."""
    shown = [state[keys.YEARS_KEY]]
    while playback.active(state):
        playback.advance(state, atlas())
        shown.append(state[keys.YEARS_KEY])
    return shown


def test_play_stops_only_on_years_with_events_and_says_which_years_it_skipped() -> None:
    state = to_session(default_view(), atlas())
    expected = _years_with_events(state)
    assert expected[:2] == [FIRST_YEAR, 1997]  # relations in 1966, then nothing until 1997
    playback.start(state, atlas())
    assert state[keys.PLAYING_KEY] and state[keys.YEARS_KEY] == (FIRST_YEAR, FIRST_YEAR)
    assert playback.advance(state, atlas()) == 1997
    assert state[keys.PLAY_NOTE_KEY] == "1967–1996: no event"
    state.update(to_session(default_view(), atlas()))
    playback.stop(state)
    playback.start(state, atlas())
    shown = _play_to_the_end(state)
    assert [last for _, last in shown[:-1]] == expected  # every frame, none in between
    assert all(first == FIRST_YEAR for first, _ in shown)


def test_at_the_end_of_play_the_years_are_as_they_were_before_it() -> None:
    state = to_session(View(years=(2005, 2012), grades=frozenset({Grade.ALLEGED})), atlas())
    playback.start(state, atlas())
    shown = _play_to_the_end(state)
    assert shown[-1] == (2005, 2012) and not state[keys.PLAYING_KEY]
    assert from_session(state, atlas()) == from_session(
        to_session(View(years=(2005, 2012), grades=frozenset({Grade.ALLEGED})), atlas()), atlas()
    )
    assert keys.PLAY_FROM_KEY not in state


def test_stop_puts_the_years_back_and_pause_holds_the_frame() -> None:
    state = to_session(default_view(), atlas())
    playback.start(state, atlas())
    playback.advance(state, atlas())
    playback.advance(state, atlas())
    playback.pause(state)
    held = state[keys.YEARS_KEY]
    assert held == (FIRST_YEAR, 2001) and not playback.tick_due(state, 1e9)
    playback.start(state, atlas())  # resumes where it was paused
    assert state[keys.YEARS_KEY] == held and state[keys.PLAYING_KEY]
    playback.stop(state)
    assert state[keys.YEARS_KEY] == default_view().years and not state[keys.PLAYING_KEY]


def test_play_inside_a_lesson_step_keeps_its_view_and_never_shows_an_empty_map() -> None:
    """The review: Play in step 2 (Al Kibar, 2001-2018) restarted at 1966 on an empty map."""
    state: dict = {}
    lesson_player.go_to_step(state, _lesson(), 1, atlas())
    before = from_session(state, atlas())
    fly = state[keys.FLY_KEY]
    playback.start(state, atlas())
    assert state[keys.YEARS_KEY][0] == 2001  # the step's years, not 1966
    for first, last in _play_to_the_end(state)[:-1]:
        view = dataclasses.replace(from_session(state, atlas()), years=(first, last))
        shown = build_scene(atlas(), to_session(view, atlas()), list(lessons()))
        assert shown.sites, f"{first}-{last}: empty map"
    after = from_session(state, atlas())
    assert after == before and state[keys.FLY_KEY] == fly  # filters, lesson and map as before


def test_year_on_and_back_step_between_years_with_events() -> None:
    state = to_session(View(years=(2001, 2018), layers=frozenset({"al-kibar"})), atlas())
    frames = _years_with_events(state)
    assert playback.advance(state, atlas(), 1) == frames[0]  # from the start of the range
    assert playback.advance(state, atlas(), 1) == frames[1]
    assert playback.advance(state, atlas(), -1) == frames[0]
    assert playback.advance(state, atlas(), -1) == frames[0]  # never before the first
    playback.stop(state)
    assert playback.advance(state, atlas(), -1) == frames[-2]  # back from the end


def test_nothing_to_play_says_so_and_changes_nothing() -> None:
    state = to_session(View(years=(1970, 1980)), atlas())
    playback.start(state, atlas())
    assert not state.get(keys.PLAYING_KEY) and state[keys.YEARS_KEY] == (1970, 1980)
    assert state[keys.PLAY_NOTE_KEY] == "No event to play between 1970 and 1980."


def test_a_new_lesson_step_ends_the_playback() -> None:
    state = to_session(default_view(), atlas())
    playback.start(state, atlas())
    lesson_player.go_to_step(state, _lesson(), 2, atlas())
    assert not playback.active(state) and not state[keys.PLAYING_KEY]
    assert state[keys.YEARS_KEY] == tuple(_lesson().steps[2].filters.years)


def test_gaps_are_said_in_words() -> None:
    assert playback.gap_words(None, 1966) is None
    assert playback.gap_words(2007, 2008) is None
    assert playback.gap_words(2008, 2010) == "2009: no event"
    assert playback.gap_words(1966, 1997) == "1967–1996: no event"


@pytest.mark.parametrize(("speed", "seconds"), list(playback.SPEEDS.items()))
def test_the_timer_advances_once_per_period_of_the_chosen_speed(speed, seconds) -> None:
    state = {**to_session(default_view(), atlas()), keys.SPEED_KEY: speed}
    playback.start(state, atlas(), now=100.0)
    assert not playback.tick_due(state, 100.0 + 0.5 * seconds)  # the first year stays a while
    assert playback.tick_due(state, 100.0 + seconds)
    assert not playback.tick_due(state, 100.0 + 1.5 * seconds)  # a full rerun, too early
    assert playback.tick_due(state, 100.0 + 2 * seconds)
    playback.pause(state)
    assert not playback.tick_due(state, 1000.0)
    assert speed in playback.SPEED_WORDS


# --------------------------------------------------------------------------- selection


def test_only_a_new_map_click_overrides_the_chosen_site() -> None:
    state: dict = {}
    selection.follow_map_click(state, "S1")
    assert state[keys.SITE_KEY] == "S1"
    state[keys.SITE_KEY] = "S4"  # chosen in the box afterwards
    selection.follow_map_click(state, "S1")  # streamlit-folium reports the old click again
    assert state[keys.SITE_KEY] == "S4"
    selection.follow_map_click(state, "S2")
    assert state[keys.SITE_KEY] == "S2"


def test_a_search_hit_opens_what_it_names_and_flies_to_its_site() -> None:
    state: dict = {}
    hit = next(h for h in search(atlas(), "KOMID") if h.kind == "entity")
    selection.choose_hit(state, hit, atlas())
    assert state[keys.ENTITY_KEY] == "komid"
    site = next(h for h in search(atlas(), "Barzeh") if h.kind == "site")
    selection.choose_hit(state, site, atlas())
    assert state[keys.ENTITY_KEY] is None and state[keys.SITE_KEY] == "S4"
    assert state[keys.FLY_KEY][2] == selection.SEARCH_ZOOM


# --------------------------------------------------------------------------- scene


def test_the_scene_is_the_views_events_sites_and_highlights() -> None:
    state = to_session(View(years=(2007, 2008), layers=frozenset({"al-kibar"})), atlas())
    lesson_player.go_to_step(state, _lesson(), 1, atlas())
    scene = build_scene(atlas(), state, list(lessons()))
    assert scene.view == from_session(state, atlas())
    assert [s.id for s in scene.sites] == ["S1"]
    assert scene.highlight == frozenset(_lesson().steps[1].highlight_event_ids)
    assert scene.events_at("S1") == [d for d in scene.events if "S1" in d.event.site_ids]


def test_the_default_scene_shows_every_event() -> None:
    scene = build_scene(atlas(), {}, list(lessons()))
    assert scene.view == default_view() and len(scene.events) == len(atlas().events)


def test_the_map_component_forgets_a_click_once_the_site_moves_away_from_it() -> None:
    state: dict = {}
    first = selection.map_key(state)
    assert selection.follow_map_click(state, "S1") is True
    selection.forget_stale_click(state)
    assert selection.map_key(state) == first  # the click chose the site: kept
    assert selection.follow_map_click(state, "S1") is False  # the same value on a rerun
    state[keys.SITE_KEY] = None  # Reset view, the box, a search, a lesson step
    selection.forget_stale_click(state)
    renewed = selection.map_key(state)
    assert renewed != first
    assert selection.follow_map_click(state, "S1") is True  # the same marker counts again
    selection.forget_stale_click(state)
    assert selection.map_key(state) == renewed
