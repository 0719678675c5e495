"""The chronology under the map: the SVG timeline and the events table, or a sortable table
whose picked rows ring their sites on the map. Their HTML is kept per atlas and shown
events (layers/state/memo.py): a rerun that shows the same events renders nothing."""

from __future__ import annotations

import streamlit as st

from layers.data.model import Atlas
from layers.render import html as atlas_html
from layers.render import table, timeline
from layers.state import keys
from layers.state.memo import kept_row
from layers.state.scene import Scene
from layers.ui.page import caption, kept_block, show_block, show_html


def chronology(scene: Scene) -> None:
    """The shown events over time, as a timeline and list or as a sortable table."""
    st.subheader("Chronology")
    if not scene.events:
        st.info("No event matches the current filters.")
    elif (
        st.segmented_control(
            "Show the events as",
            ["Timeline and list", keys.SORTABLE_TABLE],
            default="Timeline and list",
            key=keys.EVENTS_VIEW_KEY,
        )
        == keys.SORTABLE_TABLE
    ):
        events_table(scene.atlas, scene.events)
    elif len(scene.events) > timeline.MAX_DRAWN_EVENTS:
        show_html(
            f'<div role="status" class="atlas-caveat" data-chronology="too-many">'
            f"{len(scene.events):,} events match the filters: more than the timeline and "
            f"list draw ({timeline.MAX_DRAWN_EVENTS:,}). Narrow the filters (years, layers, "
            "grades), or choose “Sortable table” above.</div>"
        )
    else:
        atlas, ids = scene.atlas, scene.event_ids
        first, last = scene.view.years
        show_block(
            kept_block(
                atlas,
                ("timeline", ids, first, last),
                lambda: timeline.timeline_image(atlas, scene.events, first, last),
            )
        )
        show_block(kept_block(atlas, ("legend",), timeline.timeline_legend))
        show_block(kept_block(atlas, ("table", ids, scene.highlight), lambda: _table(scene)))


def _table(scene: Scene) -> str:
    """The events table, from the rows kept for the atlas: a view never drawn before
    renders only the rows no view has shown yet (most of the table's ~15 ms)."""
    atlas, highlight = scene.atlas, scene.highlight
    rows = [
        kept_row(
            atlas,
            (dated.id, dated.id in highlight),
            lambda dated=dated: atlas_html.event_row_html(atlas, dated, dated.id in highlight),
        )
        for dated in scene.events
    ]
    return atlas_html.events_table_html(atlas, scene.events, highlight, rows=rows)


def events_table(atlas: Atlas, events: list) -> None:
    """Sortable table synced with the map: picked rows ring their sites; a map click picks
    the site's rows."""
    site_id = st.session_state.get(keys.SITE_KEY)
    st.dataframe(
        table.events_frame(atlas, events),
        key=table.table_key(events, site_id),
        on_select="rerun",
        selection_mode="multi-row",
        selection_default={"selection": {"rows": table.rows_at_site(events, site_id)}},
        hide_index=True,
        # The grades come before the long text, so they are on screen at 1440 px and on a
        # laptop without scrolling the grid sideways.
        column_order=[
            "Date",
            "Site",
            "North Korean link",
            "Event grade",
            "Event",
            "Sources",
            "Earliest day",
            "Last reviewed",
            "ID",
        ],
        column_config={
            "Date": st.column_config.TextColumn(width="small"),
            "Site": st.column_config.TextColumn(width="medium"),
            "North Korean link": st.column_config.TextColumn(width="medium"),
            "Event grade": st.column_config.TextColumn(width="small"),
            "Event": st.column_config.TextColumn(width="large"),
            "Earliest day": st.column_config.DateColumn(format="YYYY-MM-DD", width="small"),
        },
    )
    caption("Select rows to ring their sites on the map. Click a column to sort.")
