"""Shareable views: every valid view survives the URL, and every bad URL value falls back."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layers.data.filters import FIRST_YEAR, filter_events, last_year
from layers.data.geo import BBOX
from layers.data.schema import Grade, LinkType
from layers.data.view import View, default_view
from layers.map.basemap import OFFLINE, basemap_choices
from layers.state import lesson_player
from layers.state import url as urlstate
from layers.state import view as viewstate
from layers.state.selection import SITE_KEY
from layers.state.url import from_query, to_query
from layers.state.view import filters_from_state
from tests.factories import shipped_atlas, shipped_lessons

LESSON = "north-korea-in-syria"


atlas = shipped_atlas
lessons = shipped_lessons


def _steps(lesson_id: str) -> int:
    return len(next(lesson for lesson in lessons() if lesson.id == lesson_id).steps)


def _through_a_url(query: dict[str, str]) -> dict[str, list[str]]:
    """What a browser sends back: encoded, then decoded, every value as a list."""
    return parse_qs(urlencode(query), keep_blank_values=True, strict_parsing=False)


@st.composite
def views(draw: st.DrawFn) -> View:
    layer_ids = sorted(layer.id for layer in atlas().layers)
    layers = draw(
        st.none() | st.frozensets(st.sampled_from(layer_ids), max_size=len(layer_ids) - 1)
    )
    first = draw(st.integers(FIRST_YEAR, last_year()))
    last = draw(st.integers(first, last_year()))
    lesson = draw(st.none() | st.sampled_from([lesson.id for lesson in lessons()]))
    step = None if lesson is None else draw(st.none() | st.integers(0, _steps(lesson) - 1))
    west, south, east, north = BBOX
    scale = 10**urlstate.CENTER_DECIMALS
    center = draw(
        st.none()
        | st.tuples(
            st.integers(int(south * scale), int(north * scale)).map(lambda k: k / scale),
            st.integers(int(west * scale), int(east * scale)).map(lambda k: k / scale),
        )
    )
    return View(
        layers=layers,
        syria_wide=draw(st.booleans()),
        years=(first, last),
        link_types=draw(st.frozensets(st.sampled_from(list(LinkType)))),
        grades=draw(st.frozensets(st.sampled_from(list(Grade)))),
        grade_basis=draw(st.sampled_from(["link", "event"])),
        entities=draw(
            st.none() | st.frozensets(st.sampled_from(sorted(atlas().entities)), min_size=1)
        ),
        site=draw(st.none() | st.sampled_from(sorted(atlas().sites))),
        entity=draw(st.none() | st.sampled_from(sorted(atlas().entities))),
        event=draw(st.none() | st.sampled_from(sorted(atlas().events_by_id))),
        source=draw(st.none() | st.sampled_from(sorted(atlas().sources))),
        lesson=lesson,
        step_index=step,
        basemap=draw(st.sampled_from(list(basemap_choices()))),
        center=center,
        zoom=draw(st.none() | st.integers(600, 1400).map(lambda z: z / 100)),
    )


@settings(max_examples=300, deadline=None)
@given(views())
def test_any_view_round_trips_through_the_url(view: View) -> None:
    query = to_query(view, default_view())
    assert all(isinstance(v, str) and len(v) <= 500 for v in query.values())
    restored, notices = from_query(_through_a_url(query), atlas(), lessons())
    assert notices == []
    assert restored == view


@settings(max_examples=200, deadline=None)
@given(views())
def test_any_view_round_trips_through_session_state(view: View) -> None:
    state = viewstate.to_session(view, atlas())
    assert viewstate.from_session(state, atlas()) == view
    # The app's own reading of the widgets shows the same events as the view.
    shown = filter_events(atlas(), filters_from_state(state, atlas()))
    assert shown == filter_events(atlas(), view.filters())


def test_a_grade_filter_always_says_which_grade_it_reads() -> None:
    view = View(grades=frozenset({Grade.ALLEGED}))
    assert to_query(view, default_view()) == {"grade": "alleged", "gradeof": "link"}
    event_view = View(grades=frozenset({Grade.ALLEGED}), grade_basis="event")
    assert to_query(event_view, default_view())["gradeof"] == "event"


def test_an_older_link_keeps_filtering_on_the_events_own_grades() -> None:
    """Links made before dataset 1.0.0 had `grade` alone, meaning the events' grades."""
    view, notices = from_query({"grade": ["alleged"]}, atlas(), lessons())
    assert view.grade_basis == "event" and view.grades == frozenset({Grade.ALLEGED})
    assert len(notices) == 1 and "events' own evidence grades" in notices[0]
    view, notices = from_query({"grade": ["alleged"], "gradeof": ["link"]}, atlas(), lessons())
    assert view.grade_basis == "link" and notices == []


def test_defaults_make_an_empty_query() -> None:
    assert to_query(default_view(), default_view()) == {}
    assert from_query({}, atlas(), lessons()) == (default_view(), [])


def test_example_query_uses_short_stable_keys() -> None:
    view = View(
        layers=frozenset({"masyaf", "al-kibar"}),
        years=(2007, 2011),
        link_types=frozenset({LinkType.NUCLEAR, LinkType.CHEMICAL}),
        grades=frozenset({Grade.ALLEGED}),
        site="S1",
        lesson=LESSON,
        step_index=2,
        basemap="osm",
        center=(33.51, 36.29),
        zoom=9,
    )
    assert to_query(view, default_view()) == {
        "layers": "al-kibar,masyaf",
        "years": "2007-2011",
        "link": "nuclear,chemical",
        "grade": "alleged",
        "gradeof": "link",
        "site": "S1",
        "lesson": LESSON,
        "step": "3",
        "basemap": "osm",
        "center": "33.51,36.29",
        "zoom": "9",
    }


def test_empty_sets_and_hidden_syria_wide_events_are_written() -> None:
    view = View(layers=frozenset(), link_types=frozenset(), syria_wide=False)
    query = to_query(view, default_view())
    assert query == {"layers": "-", "syria": "0", "link": "-"}
    assert from_query(query, atlas(), lessons()) == (view, [])


def test_listing_every_layer_means_all_layers() -> None:
    every = ",".join(layer.id for layer in atlas().layers)
    assert from_query({"layers": every}, atlas(), lessons()) == (default_view(), [])


HUGE = "a" * 10_000
SCRIPT = "<script>alert(document.cookie)</script>"

FIELDS = {key: name for name, (key, _) in urlstate._WRITERS.items()}

# (parameters, the one parameter that must be refused)
BAD_INPUTS = [
    ({"layers": SCRIPT}, "layers"),
    ({"layers": "al-kibar,atlantis"}, "layers"),
    ({"layers": "al-kibar,,masyaf"}, "layers"),
    ({"layers": HUGE}, "layers"),
    ({"site": "../../etc/passwd"}, "site"),
    ({"site": "S99"}, "site"),
    ({"site": "s1"}, "site"),
    ({"site": 'S1" onmouseover="alert(1)'}, "site"),
    ({"years": "2030-1900"}, "years"),
    ({"years": "1900-2007"}, "years"),
    ({"years": f"2007-{last_year() + 1}"}, "years"),
    ({"years": "2007"}, "years"),
    ({"years": ["2007-2011", "1966-2020"]}, "years"),
    ({"zoom": "99"}, "zoom"),
    ({"zoom": "-3"}, "zoom"),
    ({"zoom": "nan"}, "zoom"),
    ({"zoom": "1e1"}, "zoom"),
    ({"center": "999,999"}, "center"),
    ({"center": "36.29,33.51"}, "center"),
    ({"center": "33.5"}, "center"),
    ({"center": "33.5,36.3,7"}, "center"),
    ({"lesson": "no-such-lesson"}, "lesson"),
    ({"lesson": LESSON, "step": "99"}, "step"),
    ({"lesson": LESSON, "step": "0"}, "step"),
    ({"lesson": LESSON, "step": "-1"}, "step"),
    ({"step": "2"}, "step"),
    ({"basemap": "javascript:alert(1)"}, "basemap"),
    ({"basemap": "google"}, "basemap"),
    ({"link": "nuclear,bogus"}, "link"),
    ({"link": ""}, "link"),
    ({"grade": "certain"}, "grade"),
    ({"grade": "alleged\nSet-Cookie: x"}, "grade"),
    ({"gradeof": ["both"]}, "gradeof"),
    ({"entities": ["nobody"]}, "entities"),
    ({"entity": ["nobody"]}, "entity"),
    ({"syria": "maybe"}, "syria"),
    ({"event": "E999"}, "event"),
    ({"source": "no-such-source"}, "source"),
]

# The whole notice, where its wording is pinned: what a reader is told to do instead.
NOTICES = {
    "gradeof": "Ignored URL parameter gradeof='both': use link or event.",
    "entities": "Ignored URL parameter entities='nobody': no such organisation, person or "
    "vessel in this atlas.",
    "entity": "Ignored URL parameter entity='nobody': no such organisation, person or vessel "
    "in this atlas.",
}


@pytest.mark.parametrize(("params", "bad"), BAD_INPUTS)
def test_bad_values_fall_back_to_the_default_with_a_notice(params: dict, bad: str) -> None:
    good = {"zoom": "9"} if bad != "zoom" else {"site": "S1"}
    view, notices = from_query({**params, **good}, atlas(), lessons())
    name = FIELDS[bad]
    assert getattr(view, name) == getattr(default_view(), name)
    assert (view.zoom, view.site) == ((9, None) if bad != "zoom" else (None, "S1")), (
        "a bad parameter must not spoil the good ones"
    )
    without = {key: value for key, value in params.items() if key != bad}
    assert view == from_query({**without, **good}, atlas(), lessons())[0], (
        "a bad parameter is read as if it were absent"
    )
    [notice] = notices
    assert notice.startswith(f"Ignored URL parameter {bad}="), notice
    assert len(notice) < 200, "the echoed value is cut short"
    if bad in NOTICES:
        assert notice == NOTICES[bad]


def test_an_empty_list_is_an_absent_parameter() -> None:
    assert from_query({"site": []}, atlas(), lessons()) == (default_view(), [])


def test_the_echoed_value_is_cut_to_40_characters() -> None:
    _, [notice] = from_query({"site": "S" + "9" * 100}, atlas(), lessons())
    assert "S" + "9" * 39 + "…" in notice and "9" * 41 not in notice


def test_unknown_keys_are_ignored_with_one_short_notice() -> None:
    params = {f"key{i}": "x" for i in range(50)} | {"site": "S1", "<b>": "y"}
    view, [notice] = from_query(params, atlas(), lessons())
    assert view.site == "S1"
    assert notice.startswith("Ignored unknown URL parameter(s)") and "and 46 more" in notice


def test_from_query_never_raises_on_odd_input() -> None:
    odd: dict = {
        "years": ["2007-2011"],
        "zoom": [None],  # type: ignore[list-item]
        "center": "٣٣.٥,٣٦.٣",  # Arabic-Indic digits
        "layers": "AL-KIBAR",
        "step": "9" * 400,
    }
    view, notices = from_query(odd, atlas(), lessons())
    assert view.years == (2007, 2011)
    assert len(notices) == 4


def test_citation_names_version_view_link_and_access_date() -> None:
    view = View(years=(2007, 2011), grades=frozenset({Grade.ALLEGED}), site="S1", lesson=LESSON)
    url = "https://atlas.example/?" + urlencode(to_query(view, default_view()))
    text = urlstate.citation(view, atlas(), url, dt.date(2026, 11, 26))
    info = atlas().info
    assert text.startswith(f"DPRK–Syria Atlas, dataset version {info.version} (released ")
    assert "years 2007–2011" in text and "evidence (the North Korean link): alleged" in text
    assert "Al Kibar suspected reactor site" in text and f"lesson {LESSON}" in text
    assert f"{url} Accessed 26 November 2026." in text  # no full stop glued to the link


def test_description_of_the_default_view() -> None:
    words = urlstate.describe(default_view(), atlas())
    assert words == (
        f"years {FIRST_YEAR}–{last_year()}; all site layers; North Korean link: all types; "
        "evidence (the North Korean link): all grades"
    )


def test_session_keys_are_the_widget_keys() -> None:
    state = viewstate.to_session(default_view(), atlas())
    assert SITE_KEY in state and state["basemap"] == OFFLINE
    assert {f"layer-{layer.id}" for layer in atlas().layers} <= set(state)
    assert {"syria-wide", "years", "links", "grades"} <= set(state)
    assert viewstate.from_session({}, atlas()) == default_view()


def test_the_entity_filter_and_panel_round_trip_through_the_url_and_the_citation() -> None:
    """The entity filter ("Organisations, people, vessels") was missing from the URL and
    the citation; a shared link or a lesson step did not clear it."""
    view = View(entities=frozenset({"komid", "ssrc"}), entity="komid")
    query = to_query(view, default_view())
    assert query == {"entities": "komid,ssrc", "entity": "komid"}
    assert from_query(_through_a_url(query), atlas(), lessons()) == (view, [])
    text = urlstate.citation(view, atlas(), "https://atlas.example/", dt.date(2026, 11, 29))
    assert "only events naming Korea Mining Development Trading Corporation (KOMID) or" in text
    assert "https://atlas.example/?entities=komid%2Cssrc&entity=komid" in text
    shown = filter_events(atlas(), view.filters())
    assert shown and all({"komid", "ssrc"} & set(d.event.entity_ids) for d in shown)


def test_a_shared_link_or_a_lesson_step_clears_a_stale_entity_filter() -> None:
    state = viewstate.to_session(View(entities=frozenset({"komid"})), atlas())
    assert viewstate.from_session(state, atlas()).entities == frozenset({"komid"})
    state.update(viewstate.to_session(default_view(), atlas()))  # a link with no entities
    assert viewstate.from_session(state, atlas()).entities is None
    lesson = lessons()[0]
    step = lesson_player.step_view_state(lesson, 0, atlas())
    assert step.entities is None and step.entity is None
