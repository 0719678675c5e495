"""st_folium, with the base map's part of its work done once per process.

streamlit-folium's ``st_folium`` renders the whole folium map to text on every call: the
offline basemap alone is ~130 kB of script, and rendering it (branca compiling a Jinja
template per element, regexes over the text, hashing it) cost ~40 ms of every rerun's
~90 ms, GIL held, for output that never changes. The base map depends only on the
basemap choice (layers/map/mapview.py keeps everything a filter changes in feature
groups), so its parts (script, header, HTML, asset links, bounds, the component's key)
are built here once per process and basemap; each run renders only the feature groups.

The component is then called with st_folium's own arguments, one for one, from the
helpers of the pinned streamlit-folium (0.27.4, requirements.txt);
tests/unit/test_folium_component.py checks the call against ``st_folium``'s.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import branca.colormap
import folium
import folium.elements
import streamlit as st
import streamlit_folium as sf

from layers.data.geo import OFFLINE
from layers.map import mapview
from layers.map.basemap import basemap_choices
from layers.ui.process_cache import once_per_process

# What st_folium returns before the first interaction, for the objects it is asked for.
_DEFAULT_OBJECTS = (
    "last_clicked",
    "last_object_clicked",
    "last_object_clicked_count",
    "last_object_clicked_tooltip",
    "last_object_clicked_popup",
    "all_drawings",
    "last_active_drawing",
    "bounds",
    "zoom",
    "last_circle_radius",
    "last_circle_polygon",
    "selected_layers",
    "selected_tags",
    "last_geocoder_result",
)


@dataclass(frozen=True)
class PreparedBase:
    """A base map as st_folium sends it: everything but the feature groups."""

    script: str
    header: str
    html: str
    map_id: str
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]
    bounds: dict[str, dict[str, float]]
    zoom: Any


def _assets(elements: Iterable[Any]) -> tuple[list[str], list[str]]:
    """CSS and JS links of the elements and their children (st_folium's ``walk``)."""

    def walk(element: Any) -> Iterator[Any]:
        if isinstance(element, branca.colormap.ColorMap | folium.elements.JSCSSMixin):
            yield element
        for child in getattr(element, "_children", {}).values():
            yield from walk(child)

    css: list[str] = []
    js: list[str] = []
    for top in elements:
        for element in walk(top):
            if isinstance(element, branca.colormap.ColorMap):
                raise ValueError("a colormap needs d3 from a CDN; the atlas map has none")
            css.extend(href for _, href in getattr(element, "default_css", []))
            js.extend(src for _, src in getattr(element, "default_js", []))
    return css, js


def _bounds(fmap: folium.Map) -> dict[str, dict[str, float]]:
    (south, west), (north, east) = fmap.get_bounds()
    return {
        "_southWest": {"lat": south, "lng": west},
        "_northEast": {"lat": north, "lng": east},
    }


@once_per_process()
def prepared_base(basemap: str) -> PreparedBase:
    """The base map of a basemap choice, rendered as st_folium renders it."""
    fmap = mapview.base_map(basemap)
    fmap.get_root().render()
    fmap.render()
    html = sf._get_html(fmap)
    header = sf._get_header(fmap)
    script = sf._get_map_string(fmap)  # names the map "map_div", as the page expects
    css, js = _assets([fmap])
    return PreparedBase(
        script=script,
        header=header,
        html=html,
        map_id=sf.get_full_id(fmap),
        css_links=tuple(dict.fromkeys(css)),
        js_links=tuple(dict.fromkeys(js)),
        bounds=_bounds(fmap),
        zoom=fmap.options.get("zoom"),
    )


@once_per_process()
def _basemaps() -> frozenset[str]:
    return frozenset(basemap_choices())


@once_per_process()
def _component_key(basemap: str, key: str) -> str:
    """st_folium's key for the component: a hash of the base map's script (~1 ms)."""
    return sf.generate_js_hash(prepared_base(basemap).script, key, False)


def feature_group_script(group: folium.FeatureGroup, idx: int) -> str:
    """The script of the ``idx``-th feature group, as st_folium writes it for
    ``feature_group_to_add``: what changes from run to run, sent beside the base map.

    The group is added to a small scratch map named as the prepared one ("map_div"), never
    to the shared base map, which must not change once prepared. Feature groups bring no
    assets of their own (tests/unit/test_folium_component.py checks it)."""
    scratch = folium.Map(tiles=None)
    scratch._id = "div"
    return sf._get_feature_group_string(group, map=scratch, idx=idx)


def atlas_folium(
    basemap: str,
    groups_script: str,
    *,
    key: str,
    returned_objects: Sequence[str],
    center: Sequence[float] | None = None,
    zoom: float | None = None,
    height: int = 700,
) -> dict[str, Any] | None:
    """``st_folium(mapview.base_map(basemap), key=key, feature_group_to_add=groups,
    use_container_width=True, ...)``, with the base map prepared once per process;
    ``groups_script`` is the groups' `feature_group_script`, joined in order."""
    choice = basemap if basemap in _basemaps() else OFFLINE  # as apply_basemap falls back
    base = prepared_base(choice)
    hash_key = _component_key(choice, key)
    defaults = {"bounds": base.bounds, "zoom": base.zoom}
    wanted = {name: defaults.get(name) for name in _DEFAULT_OBJECTS if name in returned_objects}

    def on_change() -> None:  # st_folium's: the map's value under the caller's key too
        st.session_state[key] = st.session_state.get(hash_key, {})

    return sf._component_func(
        script=base.script,
        header=base.header,
        html=base.html,
        id=base.map_id,
        key=hash_key,
        height=height,
        width=None,
        returned_objects=list(returned_objects),
        default=wanted,
        zoom=zoom,
        center=center,
        feature_group=groups_script,
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        css_links=list(base.css_links),
        js_links=list(base.js_links),
        on_change=on_change,
        wrap_longitude=False,
    )
