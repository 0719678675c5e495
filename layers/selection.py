"""Which site the detail panel shows, kept in Streamlit session state.

A map click and the "Site details" box both choose the site. streamlit-folium keeps
reporting the last clicked marker on every rerun, so only a *new* click may override a
choice made in the box.
"""

from __future__ import annotations

import streamlit as st

from layers.model import Atlas

SITE_KEY = "site"
_LAST_CLICK_KEY = "_last_map_click"


def site_choices(atlas: Atlas) -> list[str]:
    """Every loaded site, located or not, in layer order."""
    return [site.id for layer in atlas.layers for site in layer.sites]


def follow_map_click(clicked_site: str | None) -> None:
    """Select the clicked site when the click is new; call before the selectbox is drawn."""
    if clicked_site is None or st.session_state.get(_LAST_CLICK_KEY) == clicked_site:
        return
    st.session_state[_LAST_CLICK_KEY] = clicked_site
    st.session_state[SITE_KEY] = clicked_site
