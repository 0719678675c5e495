"""Filters decide what is shown; styles make the grade readable without colour."""

from layers.data.filters import Filters, filter_events, last_year, sites_shown
from layers.data.load import load_atlas
from layers.data.schema import Grade, LinkType
from layers.render.style import GRADE_STYLES, NO_LINK_STYLE, site_style, strongest
from tests.factories import event, two_layers, write_dataset


def _atlas(tmp_path):
    layers = two_layers()
    events = [
        event("E01", ["S1"], date="1997", grade="reported", link_types=["nuclear"]),
        # An official finding whose North Korean link is only a recorded allegation (GOV/2011/30).
        event("E02", ["S1"], date="2011-05-24", grade="confirmed-official", link_grade="alleged"),
        event("E03", ["S2"], date="2017-09-07", grade="reported", link_types=["none"]),
        event("E04", [], date="2016-03-22", grade="alleged", link_types=["military"]),
        event("E05", ["S1", "S2"], date="2017-05-04", grade="alleged", link_types=["chemical"]),
    ]
    return load_atlas(write_dataset(tmp_path, layers=layers, events=events))


def _ids(events):
    return [e.id for e in events]


def test_no_filter_shows_everything_in_date_order(tmp_path):
    atlas = _atlas(tmp_path)
    assert _ids(filter_events(atlas, Filters())) == ["E01", "E02", "E04", "E05", "E03"]


def test_year_range_keeps_events_that_overlap_it(tmp_path):
    atlas = _atlas(tmp_path)
    shown = filter_events(atlas, Filters(first_year=2011, last_year=2016))
    assert _ids(shown) == ["E02", "E04"]


def test_grade_filter_reads_the_link_by_default_and_the_event_when_asked(tmp_path):
    atlas = _atlas(tmp_path)
    alleged = frozenset({Grade.ALLEGED})
    # Link grades: E02's link is alleged; E03 has no link, so the link-type filter decides.
    assert _ids(filter_events(atlas, Filters(grades=alleged))) == ["E02", "E04", "E05", "E03"]
    no_link_hidden = Filters(grades=alleged, link_types=frozenset(LinkType) - {LinkType.NONE})
    assert _ids(filter_events(atlas, no_link_hidden)) == ["E02", "E04", "E05"]
    assert _ids(filter_events(atlas, Filters(grades=alleged, grade_basis="event"))) == [
        "E04",
        "E05",
    ]
    official = frozenset({Grade.CONFIRMED_OFFICIAL})
    assert _ids(filter_events(atlas, Filters(grades=official, grade_basis="event"))) == ["E02"]
    assert "E02" not in _ids(filter_events(atlas, Filters(grades=official)))


def test_link_type_none_selects_events_without_a_link(tmp_path):
    atlas = _atlas(tmp_path)
    only_none = Filters(link_types=frozenset({LinkType.NONE}))
    assert _ids(filter_events(atlas, only_none)) == ["E03"]


def test_layers_and_syria_wide_toggle(tmp_path):
    atlas = _atlas(tmp_path)
    shown = filter_events(atlas, Filters(layer_ids=frozenset({"b"}), syria_wide=False))
    assert _ids(shown) == ["E05", "E03"]
    assert [s.id for s in sites_shown(atlas, Filters(layer_ids=frozenset({"b"})), shown)] == ["S2"]


def test_a_site_without_shown_events_is_not_drawn(tmp_path):
    atlas = _atlas(tmp_path)
    filters = Filters(first_year=1990, last_year=2000)
    assert [s.id for s in sites_shown(atlas, filters, filter_events(atlas, filters))] == ["S1"]


def test_marker_shows_the_strongest_grade_of_a_documented_link(tmp_path):
    atlas = _atlas(tmp_path)
    at_s1 = atlas.events_at("S1")
    # E02 is an official finding, but what it says of North Korea is alleged: the marker
    # shows the strongest link (E01, reported), not the strongest event.
    assert site_style(at_s1) is GRADE_STYLES[Grade.REPORTED]
    only_none_link = [e for e in atlas.events_at("S2") if e.id == "E03"]
    assert site_style(only_none_link) is NO_LINK_STYLE


def test_every_grade_differs_in_shape_or_fill_not_only_colour():
    looks = {(s.shape, s.fill == "none", s.dashed) for s in GRADE_STYLES.values()}
    assert len(looks) == len(GRADE_STYLES)
    assert strongest([Grade.ALLEGED, Grade.REPORTED]) is Grade.REPORTED
    assert strongest([]) is None


def test_view_state_defaults_show_everything_and_widget_values_override(tmp_path):
    from layers.state import keys
    from layers.state import view as viewstate

    atlas = _atlas(tmp_path)
    assert viewstate.filters_from_state({}, atlas) == Filters(last_year=last_year())
    state = {
        keys.layer_key("a"): False,
        keys.YEARS_KEY: (2000, 2010),
        keys.GRADES_KEY: [Grade.ALLEGED],
        keys.LINKS_KEY: [],
    }
    filters = viewstate.filters_from_state(state, atlas)
    assert filters.layer_ids == frozenset({"b"}) and (filters.first_year, filters.last_year) == (
        2000,
        2010,
    )
    assert filters.grades == {Grade.ALLEGED} and filters.link_types == frozenset()
    assert filter_events(atlas, filters) == []
