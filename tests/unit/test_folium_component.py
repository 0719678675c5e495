"""The map component gets exactly what ``st_folium`` would send it (layers/ui/
folium_component.py prepares the base map once per process and calls the component
itself): same script, header, HTML, assets, key, defaults and feature groups, for every
basemap, with site markers, a lesson's highlight, the projector stage and a plain layer.
"""

from __future__ import annotations

from typing import Any

import pytest
import streamlit_folium as sf

from layers import extra
from layers.data.filters import filter_events, sites_shown
from layers.data.view import default_view
from layers.map import mapview
from layers.map.basemap import basemap_choices
from layers.map.plain_layers import plain_layer_group
from layers.ui import folium_component
from tests.factories import shipped_atlas, synthetic_points

ATLAS = shipped_atlas()
PLAIN = extra.read_extra(synthetic_points(30, seed=2), "points.geojson").plain


def _groups(highlight: frozenset[str], present: bool, plain: bool) -> list:
    filters = default_view().filters()
    events = filter_events(ATLAS, filters)
    groups = [
        mapview.site_layer(
            ATLAS,
            sites_shown(ATLAS, filters, events),
            events,
            highlight=highlight,
            present=present,
        )
    ]
    if plain:
        groups.append(plain_layer_group([PLAIN]))
    return groups


def _script(groups: list) -> str:
    return "".join(
        folium_component.feature_group_script(group, idx) for idx, group in enumerate(groups)
    )


def _sent(monkeypatch: pytest.MonkeyPatch, draw) -> dict[str, Any]:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(sf, "_component_func", lambda **kwargs: calls.append(kwargs))
    draw()
    [kwargs] = calls
    del kwargs["on_change"]  # a closure either way; both write the map's value under "map"
    return kwargs


@pytest.mark.parametrize("basemap", list(basemap_choices()))
@pytest.mark.parametrize(
    ("highlight", "present", "plain", "fly"),
    [
        (frozenset(), False, False, None),
        (frozenset({"E1"}), True, True, (35.7, 39.8, 9.0)),
    ],
)
def test_the_component_gets_what_st_folium_sends(
    monkeypatch: pytest.MonkeyPatch,
    basemap: str,
    highlight: frozenset[str],
    present: bool,
    plain: bool,
    fly: tuple[float, float, float] | None,
) -> None:
    center, zoom = (fly[:2], fly[2]) if fly else (None, None)
    expected = _sent(
        monkeypatch,
        lambda: sf.st_folium(
            mapview.base_map(basemap),
            key="map",
            feature_group_to_add=_groups(highlight, present, plain),
            returned_objects=["last_object_clicked_tooltip"],
            center=center,
            zoom=zoom,
            height=600,
            use_container_width=True,
        ),
    )
    for _ in range(2):  # the first call prepares the base map, the second reuses it
        got = _sent(
            monkeypatch,
            lambda: folium_component.atlas_folium(
                basemap,
                _script(_groups(highlight, present, plain)),
                key="map",
                returned_objects=["last_object_clicked_tooltip"],
                center=center,
                zoom=zoom,
                height=600,
            ),
        )
        assert got == expected
    assert '"id":"S1"' in got["feature_group"]


def test_an_unknown_basemap_draws_the_offline_map(monkeypatch: pytest.MonkeyPatch) -> None:
    def draw(choice: str) -> dict[str, Any]:
        return _sent(
            monkeypatch,
            lambda: folium_component.atlas_folium(
                choice, _script(_groups(frozenset(), False, False)), key="map", returned_objects=[]
            ),
        )

    assert draw("no-such-basemap") == draw("offline")
