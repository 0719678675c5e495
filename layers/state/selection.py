"""What the detail panel shows, kept in the session state (a plain mapping here).

The panel shows one thing: a card (an organisation, person or vessel; an event; a
source), chosen from search results or a claim's link, or else the site. A map click and
the "Site details" box choose the site and close any card. streamlit-folium keeps
reporting the last clicked marker on every rerun, so only a *new* click may override a
choice made in the box.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

from layers.data.model import Atlas
from layers.data.search import Hit
from layers.state.keys import (
    CENTER_KEY,
    ENTITY_KEY,
    EVENT_CARD_KEY,
    FLY_KEY,
    LAST_MAP_CLICK_KEY,
    MAP_GENERATION_KEY,
    MAP_KEY,
    SITE_KEY,
    SOURCE_CARD_KEY,
    ZOOM_KEY,
)


def site_choices(atlas: Atlas) -> list[str]:
    """Every loaded site, located or not, in layer order."""
    return [site.id for layer in atlas.layers for site in layer.sites]


def follow_map_click(state: MutableMapping[str, Any], clicked_site: str | None) -> bool:
    """Select the clicked site when the click is new (and say so); call before the
    selectbox is drawn."""
    if clicked_site is None or state.get(LAST_MAP_CLICK_KEY) == clicked_site:
        return False
    state[LAST_MAP_CLICK_KEY] = clicked_site
    state[SITE_KEY] = clicked_site
    clear_cards(state)
    return True


def map_key(state: Mapping[str, Any]) -> str:
    """The session key under which the map component's last reported value is kept."""
    return f"{MAP_KEY}-{state.get(MAP_GENERATION_KEY, 0)}"


def forget_stale_click(state: MutableMapping[str, Any]) -> None:
    """Give the map a new component key once the chosen site has moved away from the last
    clicked marker (Reset view, the box, a search, a lesson step, a filter).

    streamlit-folium sends the same value for a second click on the same marker, so after
    such a change a click on the marker clicked before would look old and be ignored. A
    new component starts with no click; the map keeps its view through the fly target."""
    last = state.get(LAST_MAP_CLICK_KEY)
    if last is not None and state.get(SITE_KEY) != last:
        state[LAST_MAP_CLICK_KEY] = None
        state[MAP_GENERATION_KEY] = state.get(MAP_GENERATION_KEY, 0) + 1


SEARCH_ZOOM = 10


CARD_KEYS = (ENTITY_KEY, EVENT_CARD_KEY, SOURCE_CARD_KEY)


def clear_cards(state: MutableMapping[str, Any]) -> None:
    """Close the card, so the panel shows the chosen site."""
    for key in CARD_KEYS:
        state[key] = None


def choose_hit(state: MutableMapping[str, Any], hit: Hit, atlas: Atlas) -> None:
    """Open what a search result names: a site's panel, or the card of an organisation,
    event or source. A site, an event at a site and an organisation move the map to the
    (first) site; a Syria-wide event and a source leave the map where it is (a source is
    cited at many sites; its card lists them)."""
    clear_cards(state)
    card_key = {"entity": ENTITY_KEY, "event": EVENT_CARD_KEY, "source": SOURCE_CARD_KEY}
    if hit.kind in card_key:
        state[card_key[hit.kind]] = hit.id
    if hit.kind == "source":
        return
    site = next((atlas.sites[s] for s in hit.site_ids if s in atlas.sites), None)
    if site is not None:
        state[SITE_KEY] = site.id
        if site.located:
            state[FLY_KEY] = (site.lat, site.lon, SEARCH_ZOOM)
            state[CENTER_KEY], state[ZOOM_KEY] = (site.lat, site.lon), SEARCH_ZOOM
