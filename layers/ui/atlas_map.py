"""The map and the detail panel beside it.

The base map depends only on the basemap, so streamlit-folium keeps it (and the reader's
zoom and pan) across reruns, and it is rendered once per process (layers/ui/
folium_component.py); markers and extra layers go in the feature groups, and a "fly to"
target moves the map without rebuilding it.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from layers.data.model import events_citing, events_of_entity
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


def atlas_map(scene: Scene, extras: PageExtras, *, present: bool = False) -> str | None:
    """Draw the map; returns the tooltip of a clicked marker.

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
    result = atlas_folium(
        scene.view.basemap,
        "".join(scripts),
        key=keys.MAP_KEY,
        returned_objects=["last_object_clicked_tooltip"],
        center=fly[:2] if fly else None,
        zoom=fly[2] if fly else None,
        height=600,
    )
    return (result or {}).get("last_object_clicked_tooltip")


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


def detail(scene: Scene, clicked_tooltip: str | None) -> None:
    """The site (or organisation, person, vessel) panel: a map click or the box chooses."""
    state = st.session_state
    atlas = scene.atlas
    clicked = selection.follow_map_click(state, mapview.site_from_tooltip(atlas, clicked_tooltip))
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
    # A new click closed any card after the scene was read: show the clicked site.
    view = replace(scene.view, entity=None, event=None, source=None) if clicked else scene.view
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
