"""Which site the detail panel shows, kept in the session state (a plain mapping here).

A map click and the "Site details" box both choose the site. streamlit-folium keeps
reporting the last clicked marker on every rerun, so only a *new* click may override a
choice made in the box.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from layers.data.model import Atlas
from layers.data.search import Hit
from layers.state.keys import (
    CENTER_KEY,
    ENTITY_KEY,
    FLY_KEY,
    LAST_MAP_CLICK_KEY,
    SITE_KEY,
    ZOOM_KEY,
)


def site_choices(atlas: Atlas) -> list[str]:
    """Every loaded site, located or not, in layer order."""
    return [site.id for layer in atlas.layers for site in layer.sites]


def follow_map_click(state: MutableMapping[str, Any], clicked_site: str | None) -> None:
    """Select the clicked site when the click is new; call before the selectbox is drawn."""
    if clicked_site is None or state.get(LAST_MAP_CLICK_KEY) == clicked_site:
        return
    state[LAST_MAP_CLICK_KEY] = clicked_site
    state[SITE_KEY] = clicked_site


SEARCH_ZOOM = 10


def clear_entity(state: MutableMapping[str, Any]) -> None:
    state[ENTITY_KEY] = None


def choose_hit(state: MutableMapping[str, Any], hit: Hit, atlas: Atlas) -> None:
    """Open what a search result names and move the map to its (first) site."""
    site = next((atlas.sites[s] for s in hit.site_ids if s in atlas.sites), None)
    state[ENTITY_KEY] = hit.id if hit.kind == "entity" else None
    if site is not None:
        state[SITE_KEY] = site.id
        if site.located:
            state[FLY_KEY] = (site.lat, site.lon, SEARCH_ZOOM)
            state[CENTER_KEY], state[ZOOM_KEY] = (site.lat, site.lon), SEARCH_ZOOM
