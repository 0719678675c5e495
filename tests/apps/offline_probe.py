"""Throwaway page for tests/unit/test_offline_assets.py: one st_folium map, offline.

The test copies this file into a temporary folder next to symlinks to the repo's
``static/`` and ``.streamlit/`` (Streamlit serves ``static/`` from beside the main
script and reads ``.streamlit/config.toml`` from the working directory), and puts the
repo on PYTHONPATH.
"""

import folium
import streamlit as st
from streamlit_folium import st_folium

from layers.map.assets import localize_assets
from layers.map.basemap import add_basemap

POINTS = [  # lat, lon: five spots inside Syria
    (33.51, 36.29),
    (36.20, 37.16),
    (34.73, 36.71),
    (35.34, 40.14),
    (35.07, 36.34),
]

m = folium.Map(location=[35.0, 38.6], zoom_start=6, tiles=None)
add_basemap(m)
for lat, lon in POINTS:
    folium.CircleMarker([lat, lon], radius=7, color="#3f007d", fill=True).add_to(m)
# One plain folium.Marker: Leaflet's default icon image, served from static/vendor.
folium.Marker([35.52, 35.79], tooltip="probe marker").add_to(m)
localize_assets(m)

st.title("Offline probe")
st_folium(m, height=520, use_container_width=True, returned_objects=[], key="probe")
