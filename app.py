"""DPRK–Syria Atlas. The page lays out widgets and calls `layers/` for everything else."""

from __future__ import annotations

import time
from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

from layers import html as atlas_html
from layers import mapview, playback, selection, summary, timeline, viewstate
from layers.basemap import basemap_choices
from layers.cached import current_atlas
from layers.filters import FIRST_YEAR, filter_events, last_year, sites_shown
from layers.model import Atlas
from layers.page import show_html
from layers.schema import Grade, LinkType
from layers.style import GRADE_STYLES, LINK_LABELS


def sidebar(atlas: Atlas) -> None:
    """The filter widgets; their values are read through viewstate on the next run."""
    with st.sidebar:
        st.header("Show")
        for layer in atlas.layers:
            title = (
                layer.info.title if layer.info.mapped else f"{layer.info.title} (chronology only)"
            )
            st.checkbox(title, value=True, key=viewstate.layer_key(layer.id))
        st.checkbox("Syria-wide events (chronology only)", value=True, key=viewstate.SYRIA_WIDE_KEY)
        st.slider(
            "Years", FIRST_YEAR, last_year(), viewstate.default_years(), key=viewstate.YEARS_KEY
        )
        st.pills(
            "North Korean link",
            list(LinkType),
            selection_mode="multi",
            default=list(LinkType),
            format_func=LINK_LABELS.get,
            key=viewstate.LINKS_KEY,
        )
        st.pills(
            "Evidence grade",
            list(Grade),
            selection_mode="multi",
            default=list(Grade),
            format_func=lambda g: GRADE_STYLES[g].short,
            key=viewstate.GRADES_KEY,
        )
        basemaps = basemap_choices()
        st.radio("Basemap", list(basemaps), format_func=basemaps.get, key=viewstate.BASEMAP_KEY)
        show_html(atlas_html.legend_html())


def playback_controls() -> None:
    """Play, pause and step the year range; the current year is shown large."""
    state = st.session_state
    playing = bool(state.get(playback.PLAYING_KEY))
    columns = st.columns([1.2, 1, 1, 1.6, 2], vertical_alignment="center")
    if playing:
        columns[0].button("Pause", icon=":material/pause:", on_click=playback.pause, args=(state,))
    else:
        columns[0].button(
            "Play years",
            icon=":material/play_arrow:",
            on_click=playback.start,
            args=(state,),
            help="Show events up to each year in turn, 1966 to today",
        )
    columns[1].button(
        "Year back",
        icon=":material/chevron_left:",
        on_click=playback.advance,
        args=(state, -1),
        help="Show one year less",
    )
    columns[2].button(
        "Year on",
        icon=":material/chevron_right:",
        on_click=playback.advance,
        args=(state, 1),
        help="Show one year more",
    )
    columns[3].selectbox(
        "Speed",
        list(playback.SPEEDS),
        index=1,
        key=playback.SPEED_KEY,
        label_visibility="collapsed",
    )
    columns[4].markdown(
        f"<div style='font-size:1.9rem;line-height:1.1' aria-live='polite'>Up to "
        f"<strong>{playback.current_year(state)}</strong></div>",
        unsafe_allow_html=True,
    )


def playback_timer() -> None:
    """Advance the year while playing. Called last on the page, so that starting and
    stopping the timer never shifts the elements before it (which would rebuild the map)."""
    state = st.session_state
    playing = bool(state.get(playback.PLAYING_KEY))

    def timer() -> None:
        if playback.tick_due(state, time.monotonic()):
            playback.advance(state)
            st.rerun()

    st.fragment(timer, run_every=playback.seconds_per_year(state) if playing else None)()


def map_page() -> None:
    """The map, the detail panel for the chosen site, and the chronology.

    The map comes first in the script so the browser starts loading it before the
    sidebar's widgets (measured: about 0.2 s sooner on a cold load).
    """
    atlas = current_atlas()
    st.title("DPRK–Syria Atlas")
    st.caption(
        "Sites in Syria with documented North Korean links. Every claim is dated, graded for "
        f"evidence and sourced. Dataset version {atlas.info.version}."
    )
    for problem in atlas.problems:
        show = st.error if problem.severity == "error" else st.warning
        show(f"Data problem, skipped: {problem}", icon="⚠️")

    playback_controls()
    filters = viewstate.filters_from_state(st.session_state, atlas)
    events = filter_events(atlas, filters)
    sites = sites_shown(atlas, filters, events)

    map_column, detail_column = st.columns([5, 3], gap="medium")
    with map_column:
        st.markdown(
            f"**{len(sites)} site(s) on the map, {len(events)} event(s) shown.** "
            "Click a marker for its events."
        )
        clicked = st_folium(
            mapview.base_map(viewstate.basemap_from_state(st.session_state)),
            key="map",
            feature_group_to_add=mapview.site_layer(atlas, sites, events),
            returned_objects=["last_object_clicked_tooltip"],
            height=600,
            use_container_width=True,
        )
        st.caption(summary.view_summary(atlas, filters, events, sites))
    with detail_column:
        selection.follow_map_click(
            mapview.site_from_tooltip(atlas, (clicked or {}).get("last_object_clicked_tooltip"))
        )
        site_id = st.selectbox(
            "Site details",
            selection.site_choices(atlas),
            format_func=atlas.site_label,
            key=selection.SITE_KEY,
            index=None,
            placeholder="Click a marker or choose a site",
        )
        if site_id:
            shown_here = [e for e in events if site_id in e.event.site_ids]
            show_html(atlas_html.site_panel(atlas, atlas.sites[site_id], shown_here))

    st.subheader("Chronology")
    if events:
        show_html(timeline.timeline_svg(atlas, events, filters.first_year, filters.last_year))
        show_html(timeline.timeline_legend())
        show_html(atlas_html.events_table_html(atlas, events))
    else:
        st.info("No event matches the current filters.")
    sidebar(atlas)
    playback_timer()


ICON = Path(__file__).parent / "static" / "atlas-icon.png"  # local: an emoji icon is fetched online
st.set_page_config(page_title="DPRK–Syria Atlas", page_icon=str(ICON), layout="wide")
st.navigation(
    [
        st.Page(map_page, title="Map", icon=":material/map:", default=True),
        st.Page("views/about.py", title="About & method", icon=":material/menu_book:"),
    ]
).run()
