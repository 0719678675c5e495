"""Baseline page for bench/run.py: the least a Streamlit page can do to show the five sites.

One st_folium map, no tiles (``tiles=None``, so ``max_zoom`` must be set), exactly five
plain ``folium.Marker``s at the five site coordinates, and folium's JS/CSS pointed at the
vendored copies in ``static/vendor/`` by the project's own ``layers.map.assets`` function
(without that, the map would wait forever on CDNs the benchmark browser may not reach,
and the comparison would be meaningless). No basemap, no data loading, no widgets.

bench/run.py serves it from the repo root (``.streamlit/config.toml`` applies) and makes
``bench/static`` a symlink to ``../static`` first, because Streamlit serves
``<main script dir>/static`` at ``/app/static/``. It puts the repo on PYTHONPATH.
"""

import folium
import streamlit as st
from streamlit_folium import st_folium

from layers.map import assets

SITES = {  # id: (lat, lon), as in geodata/sites/
    "S1": (35.70778, 39.83361),
    "S2": (35.04417, 36.32139),
    "S3": (33.56, 36.217),
    "S4": (33.55667, 36.32056),
    "S5": (33.51306, 36.29194),
}

st.set_page_config(page_title="Bench baseline", layout="wide")

m = folium.Map(location=(34.85, 38.99), zoom_start=7, tiles=None, min_zoom=5, max_zoom=16)
for site_id, location in SITES.items():
    folium.Marker(location, tooltip=site_id).add_to(m)
assets.localize_assets(m)  # raises if anything would still come from a CDN

st_folium(m, key="map", height=620, use_container_width=True, returned_objects=[])
