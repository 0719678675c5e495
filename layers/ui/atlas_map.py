"""The map and the detail panel beside it.

The base map depends only on the basemap, so streamlit-folium keeps it (and the reader's
zoom and pan) across reruns, and it is rendered once per process (layers/ui/
folium_component.py); markers and extra layers go in the feature groups, and a "fly to"
target moves the map without rebuilding it.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import streamlit as st

from layers.data.model import Atlas, events_citing, events_of_entity
from layers.map import mapview
from layers.map.plain_layers import plain_layer_group
from layers.render import html as atlas_html
from layers.render import summary
from layers.state import keys, selection
from layers.state.memo import kept
from layers.state.scene import Scene
from layers.ui.folium_component import atlas_folium, feature_group_script
from layers.ui.page import caption, kept_block, show_block
from layers.ui.uploads import PageExtras


def take_map_click(state: MutableMapping[str, Any], atlas: Atlas) -> None:
    """Follow a new marker click before the scene is read, so that the map's rings, the
    table's picked rows and the panel all show the clicked site in the same run (the
    component's value is in the session state when the run starts)."""
    selection.forget_stale_click(state)
    value = state.get(selection.map_key(state))
    tooltip = value.get("last_object_clicked_tooltip") if isinstance(value, dict) else None
    selection.follow_map_click(state, mapview.site_from_tooltip(atlas, tooltip))


def atlas_map(scene: Scene, extras: PageExtras, *, present: bool = False) -> None:
    """Draw the map (a click on it is read by `take_map_click` in the next run).

    ``present``: the projector stage's map, with large labels and the height of the screen
    (static/atlas/stage.css)."""
    state = st.session_state
    fly = state.get(keys.FLY_KEY)
    scripts = [
        kept(
            scene.atlas,
            ("markers", scene.site_ids, scene.event_ids, scene.highlight, present),
            lambda: feature_group_script(
                mapview.site_layer(
                    scene.atlas,
                    scene.sites,
                    scene.events,
                    highlight=scene.highlight,
                    present=present,
                ),
                0,
            ),
        )
    ]
    if extras.shown_plain:
        group = plain_layer_group(extras.shown_plain, published=extras.published)
        scripts.append(feature_group_script(group, 1))
    atlas_folium(
        scene.view.basemap,
        "".join(scripts),
        key=selection.map_key(state),
        returned_objects=["last_object_clicked_tooltip"],
        center=fly[:2] if fly else None,
        zoom=fly[2] if fly else None,
        height=600,
    )


def view_in_words(scene: Scene) -> None:
    """The view's summary in sentences (for screen readers, and for reading without the
    map). Drawn under the map and the panel, so that on a phone the panel comes straight
    after the map."""
    atlas = scene.atlas
    caption(
        kept(
            atlas,
            ("summary", scene.filters, scene.event_ids, scene.site_ids),
            lambda: summary.view_summary(atlas, scene.filters, scene.events, scene.sites),
        )
    )


def detail(scene: Scene) -> None:
    """The site (or organisation, person, vessel) panel: a map click or the box chooses."""
    state = st.session_state
    atlas = scene.atlas
    site_id = st.selectbox(
        "Site details",
        selection.site_choices(atlas),
        format_func=atlas.site_label,
        key=keys.SITE_KEY,
        index=None,
        placeholder="Click a marker or choose a site",
        on_change=selection.clear_cards,
        args=(state,),
    )
    view = scene.view
    if view.entity is not None:
        entity = atlas.entities[view.entity]
        panel = kept_block(
            atlas,
            ("entity", entity.id),
            lambda: atlas_html.entity_panel(atlas, entity, events_of_entity(atlas, entity.id)),
        )
    elif view.event is not None:
        dated = atlas.events_by_id[view.event]
        shown = dated.id in scene.event_ids
        panel = kept_block(
            atlas,
            ("event", dated.id, shown),
            lambda: atlas_html.event_card(atlas, dated, shown=shown),
        )
    elif view.source is not None:
        source = atlas.sources[view.source]
        panel = kept_block(
            atlas,
            ("source", source.id),
            lambda: atlas_html.source_card(atlas, source, events_citing(atlas, source.id)),
        )
    elif site_id:
        site = atlas.sites[site_id]
        panel = kept_block(
            atlas,
            ("site", site.id, scene.event_ids),
            lambda: atlas_html.site_panel(atlas, site, scene.events_at(site.id)),
        )
    else:
        return
    show_block(panel)
