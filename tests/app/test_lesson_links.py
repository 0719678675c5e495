"""Every step of every lesson in geodata/lessons/, opened from its link (?lesson=...&step=N)
through Streamlit's AppTest: the page must show that step with its own view (the centre and
zoom the map is sent to, the filters, the highlighted events) and write it back to the URL.

The review found links to steps 5, 6, 9, 10 and 11 opening at the national view; the map
side of that is checked in the browser (tests/browser/test_stage.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from layers.data.lessons import step_as_view, step_view
from layers.state import keys
from layers.state.view import from_session
from page_support import fragments
from tests.factories import shipped_atlas, shipped_lessons

APP = str(Path(__file__).resolve().parents[2] / "app.py")
STEPS = [
    pytest.param(lesson, index, id=f"{lesson.id}-step-{index + 1}")
    for lesson in shipped_lessons()
    for index in range(len(lesson.steps))
]


def _map_args(at: AppTest) -> dict:
    [component] = at.get("component_instance")
    return json.loads(component.proto.json_args)


def _highlighted_sites(at: AppTest) -> set[str]:
    """Sites whose marker the map draws with the lesson ring."""
    group = _map_args(at)["feature_group"]
    return set(re.findall(r'"id":"(S\d+[a-z]?)"[^{}]*?"highlight":true', group))


@pytest.mark.parametrize(("lesson", "index"), STEPS)
def test_a_step_link_opens_the_step_with_its_own_view(lesson, index) -> None:
    atlas = shipped_atlas()
    step = lesson.steps[index]
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lesson"] = lesson.id
    at.query_params["step"] = str(index + 1)
    at.run()
    assert not at.exception, [e.value for e in at.exception]

    lat, lon, zoom = step_view(step, atlas)
    # The map is sent to the step's centre and zoom (st_folium's center / zoom arguments).
    args = _map_args(at)
    assert args["center"] == [lat, lon] and args["zoom"] == zoom
    assert at.session_state[keys.FLY_KEY] == (lat, lon, zoom)

    # The filters are the step's own, and so is the text on screen.
    state = {key: at.session_state[key] for key in at.session_state}
    shown = from_session(state, atlas)
    wanted = step_as_view(step)
    assert shown.filters() == wanted.filters()
    assert shown.lesson == lesson.id and shown.step_index == index
    assert f"step {index + 1} of {len(lesson.steps)}" in "".join(fragments(at))

    # Highlighted: exactly the sites of the step's highlighted events that are on the map.
    events = {dated.id: dated.event for dated in atlas.events}
    on_map = set(re.findall(r'"id":"(S\d+[a-z]?)"', args["feature_group"]))
    ringed = {
        site for event_id in step.highlight_event_ids for site in events[event_id].site_ids
    } & on_map
    assert _highlighted_sites(at) == ringed

    # The URL says the same: a copy of it opens the same view.
    assert at.query_params["step"] == str(index + 1)
    assert float(at.query_params["zoom"]) == zoom
    centre = [float(part) for part in at.query_params["center"].split(",")]
    assert centre == pytest.approx([lat, lon], abs=1e-4)


def test_leaving_the_lesson_puts_back_the_filters_from_before_it() -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.slider(key=keys.YEARS_KEY).set_value((1990, 2010)).run()
    at.selectbox(key=keys.LESSON_KEY).set_value("north-korea-in-syria").run()
    next(b for b in at.button if b.label == "Next step").click().run()
    assert at.slider(key=keys.YEARS_KEY).value == (2001, 2018)  # step 2's years
    at.selectbox(key=keys.LESSON_KEY).set_value(None).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.slider(key=keys.YEARS_KEY).value == (1990, 2010)
    assert all(box.value for box in at.checkbox if box.key and box.key.startswith("layer-"))
    assert "lesson" not in at.query_params and at.query_params["years"] == "1990-2010"
