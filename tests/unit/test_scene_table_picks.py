"""The map's rings follow the sortable table as it is drawn (found by the browser state
machine, tests/browser/test_state_machine_browser.py): after a filter change with a site
chosen, the table came up with the site's rows picked while the map ringed no site, and a
table hidden behind the timeline still ringed its last picks for one run."""

from __future__ import annotations

from layers.data.load import load_atlas
from layers.render import table
from layers.state import keys
from layers.state.scene import build_scene

ATLAS = load_atlas()


def _at_site(scene, site_id: str) -> set[str]:
    return {dated.id for dated in scene.events if site_id in dated.event.site_ids}


def test_a_table_drawn_anew_rings_the_chosen_sites_rows_as_it_shows_them() -> None:
    state = {keys.SITE_KEY: "S1", keys.EVENTS_VIEW_KEY: keys.SORTABLE_TABLE}
    scene = build_scene(ATLAS, state, [])
    assert scene.highlight == _at_site(scene, "S1") != set()


def test_picked_rows_ring_their_sites_and_an_emptied_pick_rings_none() -> None:
    state = {keys.SITE_KEY: "S1", keys.EVENTS_VIEW_KEY: keys.SORTABLE_TABLE}
    events = build_scene(ATLAS, state, []).events
    key = table.table_key(events, "S1")
    state[key] = {"selection": {"rows": [0]}}
    assert build_scene(ATLAS, state, []).highlight == {events[0].id}
    state[key] = {"selection": {"rows": []}}
    assert build_scene(ATLAS, state, []).highlight == set()


def test_a_table_hidden_behind_the_timeline_rings_nothing() -> None:
    state = {keys.SITE_KEY: "S1", keys.EVENTS_VIEW_KEY: keys.SORTABLE_TABLE}
    events = build_scene(ATLAS, state, []).events
    state[table.table_key(events, "S1")] = {"selection": {"rows": [0, 1]}}
    state[keys.EVENTS_VIEW_KEY] = "Timeline and list"
    assert build_scene(ATLAS, state, []).highlight == set()
