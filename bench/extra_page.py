"""Bench page for bench/extra_layers.py (and tests/unit/test_extra.py): the atlas's base map,
its five site markers, and the plain layers found in ``ATLAS_EXTRA_LAYERS``.

``EXTRA_BENCH_MODE`` chooses how the extra layers reach the browser:

* ``url`` (default): data written once under ``<this folder>/static/extra-layers/``
  (``layers.extra.publish``) and fetched by a few-hundred-byte script in the feature
  group that st_folium re-sends on every rerun;
* ``url-base``: the same script, in the base map instead;
* ``media``: fetched from Streamlit's in-memory, per-session media files
  (``layers.extra.publish_with``), as the app should serve uploads;
* ``inline``: the data inside the script, in the feature group (re-sent every rerun);
* ``inline-base``: the data inside the script, in the base map;
* ``markers``: inline, one ``L.circleMarker`` per point on Leaflet's canvas renderer.
* ``none``: no extra layer at all (the page's own baseline).

``EXTRA_BENCH_NOVEL=0`` lets Streamlit's message cache work as it would when a user
flips between two filter states (by default every rerun's map message is new).

The "Hide Al Kibar" checkbox stands for a filter change: the site feature group loses
marker S1. Serve it from the repo root with PYTHONPATH=<repo>; Streamlit serves
``<this folder>/static`` at ``/app/static/`` (bench/static is a symlink to ../static).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

from layers import extra
from layers.data.load import load_atlas
from layers.map import mapview, plain_layers
from layers.map.leaflet import ScriptLayer
from layers.render.escape import md_escape

T0 = time.perf_counter()
MODE = os.environ.get("EXTRA_BENCH_MODE", "url")
# Each rerun's map message unique, as after a filter change never seen before; without
# it, Streamlit's message cache makes flipping between two states look cheaper.
NOVEL = os.environ.get("EXTRA_BENCH_NOVEL", "1") == "1"


class _RerunStamp(ScriptLayer):
    def __init__(self, n: int) -> None:
        super().__init__("rerun stamp")
        self.n = n

    def script_text(self) -> str:
        return f"/* rerun {self.n} */\n"


STATIC = Path(__file__).parent / "static"


@st.cache_resource
def _atlas():
    return load_atlas()


@st.cache_resource(show_spinner="Loading the extra layers…")
def _extras(mode: str):
    layers = extra.load_extra_folder()
    published: dict[str, extra.Published] = {}
    problems = list(layers.all_problems)
    if mode.startswith("url"):
        published, found = extra.publish_all(layers, STATIC)
        problems += found
    return layers, published, problems


st.set_page_config(page_title="Extra layers bench", layout="wide")
atlas = _atlas()
layers, published, problems = _extras(MODE)
problems = list(problems)
hide = bool(st.session_state.get("hide-s1", False))
sites = [s for s in atlas.sites.values() if s.located and not (hide and s.id == "S1")]

fmap = mapview.base_map()
plain_layers.add_popup_css(fmap)
groups = [mapview.site_layer(atlas, sites, list(atlas.events))]
st.session_state["reruns"] = st.session_state.get("reruns", 0) + 1
if NOVEL:
    _RerunStamp(st.session_state["reruns"]).add_to(groups[0])
plain = layers.plain_layers if MODE != "none" else []
if MODE.endswith("-base"):
    for layer in plain:
        plain_layers.plain_layer_script(layer, published.get(layer.layer_id)).add_to(fmap)
elif MODE == "media":  # as an upload would be: Streamlit's per-session media files
    from streamlit import runtime

    def _host(data: bytes, mimetype: str, name: str) -> str:
        return runtime.get_instance().media_file_mgr.add(data, mimetype, f"extra-{name}")

    hosted = {}
    for layer in plain:
        urls, found = extra.publish_with(layer, _host)
        problems += found
        if urls is not None:
            hosted[layer.layer_id] = urls
    groups.append(plain_layers.plain_layer_group(plain, published=hosted))
elif MODE == "markers":
    group = plain_layers.plain_layer_group([])
    for layer in plain:
        plain_layers.plain_layer_script(layer, markers=True).add_to(group)
    groups.append(group)
else:
    groups.append(plain_layers.plain_layer_group(plain, published=published))

st_folium(
    fmap,
    key="map",
    feature_group_to_add=groups,
    returned_objects=[],
    height=600,
    use_container_width=True,
)
st.checkbox("Hide Al Kibar", key="hide-s1")
for problem in problems:  # as the app should show them: data never becomes Markdown
    show = st.error if problem.severity == "error" else st.warning
    show(md_escape(problem))
for layer in plain:
    st.text(f"{layer.name}: {layer.point_count:,} points, {layer.shape_count} shapes")
st.text(f"mode {MODE}; script run {1000 * (time.perf_counter() - T0):.0f} ms")
