"""Bytes of the offline base map as streamlit-folium sends it to the browser.

Why: the map's HTML is sent to the browser whenever the map is (re)created, so every layer
added to the basemap (e.g. the town names of issue 14) costs bytes on each cold load. This
prints the three parts st_folium builds from a folium map (``_get_map_string``: the Leaflet
script; ``_get_header``: the <head> additions; ``_get_html``) for the app's offline base map,
raw and gzip-compressed (Streamlit's websocket compresses messages), with and without the
town names, so a change can be compared. Not a test; asserts nothing.

    .venv/bin/python -m bench.map_payload
"""

from __future__ import annotations

import gzip
import logging

import streamlit_folium as sf

from layers.map import basemap
from layers.map.mapview import base_map

logging.getLogger("streamlit").setLevel(logging.ERROR)  # "missing ScriptRunContext" noise


def payload(places: bool = True) -> bytes:
    """The base map's parts, as st_folium sends them, joined."""
    rows = basemap.place_rows
    if not places:
        basemap.place_rows = lambda: []  # the same map with an empty place list
    try:
        m = base_map("offline")
        m.get_root().render()
        parts = (sf._get_map_string(m), sf._get_header(m), sf._get_html(m))
    finally:
        basemap.place_rows = rows
    return "".join(parts).encode("utf-8")


def main() -> None:
    with_places, without = payload(True), payload(False)
    for label, data in (("without town names", without), ("with town names", with_places)):
        print(f"{label:20} raw {len(data):8,d} B   gzip {len(gzip.compress(data, 6)):7,d} B")
    raw = len(with_places) - len(without)
    packed = len(gzip.compress(with_places, 6)) - len(gzip.compress(without, 6))
    print(f"{'increase':20} raw {raw:+8,d} B ({raw / len(without):+.1%})   gzip {packed:+7,d} B")


if __name__ == "__main__":
    main()
