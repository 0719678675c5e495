"""About and method: how to read the map, the limits of the data, and every source."""

from __future__ import annotations

import streamlit as st

from layers import html as atlas_html
from layers.cached import current_atlas
from layers.load import data_dir
from layers.method import method_text
from layers.page import caption, show_html

atlas = current_atlas()

st.title("About the atlas and its method")
caption(
    f"{atlas.info.title}, version {atlas.info.version}, released {atlas.info.released}. "
    f"Licence: {atlas.info.licence}."
)
st.markdown(method_text(data_dir()))

st.header("Evidence grades as drawn")
show_html(atlas_html.legend_html())

st.header(f"Every source ({len(atlas.sources)})")
show_html(atlas_html.source_list(atlas))
