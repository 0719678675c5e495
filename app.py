"""DPRK–Syria Atlas. The page lays out widgets and calls `layers/` for everything else."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components
from streamlit_folium import st_folium

from layers import export, extra
from layers.data import search
from layers.data.filters import FIRST_YEAR, Filters, filter_events, last_year, sites_shown
from layers.data.lessons import Lesson
from layers.data.model import Atlas, events_of_entity
from layers.data.schema import Grade, LinkType
from layers.data.view import default_years
from layers.map import mapview
from layers.map.basemap import basemap_choices
from layers.map.plain_layers import plain_layer_group
from layers.render import html as atlas_html
from layers.render import summary, table, timeline
from layers.render.style import GRADE_BASIS_LABELS, GRADE_STYLES, LINK_LABELS
from layers.state import keys, playback, selection
from layers.state import lesson_player as presenter
from layers.state import url as urlstate
from layers.state import view as viewstate
from layers.state.lesson_player import ARROW_KEYS_JS, PROJECTOR_CSS
from layers.ui import uploads
from layers.ui.cached import current_atlas, current_lessons
from layers.ui.page import caption, problem_notice, show_html, widget_label


def _initial(key: str, parameter: str, value: object) -> dict[str, object]:
    """A widget's default, given only while session state has no value for it (a URL or
    a lesson step may have set one; giving both makes Streamlit warn)."""
    return {} if key in st.session_state else {parameter: value}


def extra_layer_controls(plain: list) -> None:
    """Toggles for plain extra layers, and the upload box (this session only)."""
    st.subheader("Your own layers")
    for layer in plain:
        key = keys.plain_layer_key(layer.layer_id)
        label = (
            f"{widget_label(layer.name)} "
            f"({layer.point_count:,} points, {layer.shape_count:,} shapes)"
        )
        st.checkbox(label, key=key, **_initial(key, "value", True))
    st.file_uploader(
        "Add a GeoJSON layer",
        type=["geojson", "json"],
        accept_multiple_files=True,
        key=keys.UPLOAD_KEY,
        max_upload_size=extra.UPLOAD_LIMIT_MB,
        help="Shown for this session only; never saved. Files that follow the atlas's schema "
        "get dates, grades and filters; any other GeoJSON is drawn as a plain layer.",
    )


def sidebar(atlas: Atlas, lessons: list[Lesson], plain: list) -> None:
    """Search, lessons and the filter widgets; filter values are read through viewstate
    on the next run."""
    state = st.session_state
    with st.sidebar:
        search_box(atlas)
        titles = {lesson.id: lesson.title for lesson in lessons}
        st.selectbox(
            "Lesson",
            [None, *titles],
            format_func=lambda i: "No lesson" if i is None else titles[i],
            placeholder="No lesson",
            key=keys.LESSON_KEY,
            on_change=lambda: presenter.choose_lesson(
                state, lessons, atlas, state[keys.LESSON_KEY]
            ),
        )
        st.header("Show")
        for layer in atlas.layers:
            title = widget_label(layer.info.title)
            title = title if layer.info.mapped else f"{title} (chronology only)"
            key = keys.layer_key(layer.id)
            st.checkbox(title, key=key, **_initial(key, "value", True))
        key = keys.SYRIA_WIDE_KEY
        st.checkbox("Syria-wide events (chronology only)", key=key, **_initial(key, "value", True))
        key = keys.YEARS_KEY
        st.slider(
            "Years",
            FIRST_YEAR,
            last_year(),
            key=key,
            **_initial(key, "value", default_years()),
        )
        st.pills(
            "North Korean link",
            list(LinkType),
            selection_mode="multi",
            format_func=LINK_LABELS.get,
            key=keys.LINKS_KEY,
            **_initial(keys.LINKS_KEY, "default", list(LinkType)),
        )
        st.pills(
            "Evidence grade",
            list(Grade),
            selection_mode="multi",
            format_func=lambda g: GRADE_STYLES[g].short,
            key=keys.GRADES_KEY,
            help="How strong the evidence is. By default this reads the grade of the North "
            "Korean link; switch below to grade the events themselves.",
            **_initial(keys.GRADES_KEY, "default", list(Grade)),
        )
        basis = st.radio(
            "Evidence grade of",
            list(GRADE_BASIS_LABELS),
            format_func=GRADE_BASIS_LABELS.get,
            key=keys.GRADE_BASIS_KEY,
            horizontal=True,
            **_initial(keys.GRADE_BASIS_KEY, "index", 0),
        )
        caption(
            "In force: grades of the North Korean link. Events that document no link are shown "
            "or hidden with “none documented” above."
            if basis == "link"
            else "In force: grades of the events themselves, whatever they say about North Korea."
        )
        st.multiselect(
            "Organisations, people, vessels",
            list(atlas.entities),
            format_func=lambda i: atlas.entities[i].name,
            key=keys.ENTITIES_KEY,
            placeholder="Any",
            help="Show only events that name one of these",
        )
        basemaps = basemap_choices()
        st.radio("Basemap", list(basemaps), format_func=basemaps.get, key=keys.BASEMAP_KEY)
        extra_layer_controls(plain)
        show_html(atlas_html.legend_html())
        export_buttons(atlas, viewstate.filters_from_state(state, atlas))
        with st.popover("Cite this view", icon=":material/format_quote:"):
            st.code(
                urlstate.citation(
                    viewstate.from_session(state, atlas),
                    atlas,
                    st.context.url or "",
                    dt.date.today(),
                ),
                wrap_lines=True,
                language=None,
            )


def playback_controls() -> None:
    """Play, pause and step the year range; the current year is shown large."""
    state = st.session_state
    playing = bool(state.get(keys.PLAYING_KEY))
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
        key=keys.SPEED_KEY,
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
    playing = bool(state.get(keys.PLAYING_KEY))

    def timer() -> None:
        if playback.tick_due(state, time.monotonic()):
            playback.advance(state)
            st.rerun()

    st.fragment(timer, run_every=playback.seconds_per_year(state) if playing else None)()


def url_notices(notices: list[str]) -> None:
    for notice in notices:
        show_html(f'<div role="status" class="atlas-caveat">{atlas_html.esc(notice)}</div>')


def search_box(atlas: Atlas) -> None:
    """One box over sites, events, entities and sources; a result opens and flies there."""
    query = st.text_input(
        "Search", key=keys.SEARCH_KEY, placeholder="Al Kibar, Jamraya, KOMID, S/2018/171…"
    )
    for hit in search.search(atlas, query, limit=8) if query else []:
        st.button(
            f"{hit.kind}: {widget_label(hit.label)}",
            key=f"hit-{hit.kind}-{hit.id}",
            help=widget_label(hit.matched),
            on_click=selection.choose_hit,
            args=(st.session_state, hit, atlas),
            width="stretch",
        )
    if query and not search.search(atlas, query, limit=1):
        caption("Nothing found.")


def lesson_panel(atlas: Atlas, lessons: list[Lesson]) -> None:
    """The active lesson's step with previous / next, a jump list and presenter notes."""
    state = st.session_state
    lesson = presenter.active_lesson(state, lessons)
    if lesson is None:
        return
    index = presenter.step_index(state, lesson)
    step = lesson.steps[index]
    projector = bool(state.get(keys.PROJECTOR_KEY))
    if projector:
        show_html(PROJECTOR_CSS)
    with st.container(border=True):
        show_html(
            atlas_html.lesson_step_html(
                atlas,
                lesson.title,
                index,
                len(lesson.steps),
                step.title,
                step.text,
                step.citations,
                projector,
            )
        )
        back, forward, jump, view = st.columns([1, 1, 2, 1.3], vertical_alignment="center")
        back.button(
            "Previous step",
            icon=":material/arrow_back:",
            disabled=index == 0,
            on_click=presenter.go_to_step,
            args=(state, lesson, index - 1, atlas),
        )
        forward.button(
            "Next step",
            icon=":material/arrow_forward:",
            disabled=index == len(lesson.steps) - 1,
            on_click=presenter.go_to_step,
            args=(state, lesson, index + 1, atlas),
        )
        # Buttons, not a select box: a box whose value the page sets can send a stale
        # value back during the map's next rerun and jump to the old step.
        with jump.popover(f"Step {index + 1} of {len(lesson.steps)}", width="stretch"):
            for number, other in enumerate(lesson.steps):
                st.button(
                    f"{number + 1}. {widget_label(other.title)}",
                    key=f"go-to-step-{number}",
                    disabled=number == index,
                    on_click=presenter.go_to_step,
                    args=(state, lesson, number, atlas),
                    width="stretch",
                )
        view.toggle(
            "Projector view",
            key=keys.PROJECTOR_KEY,
            help="Large type; hides the sidebar and the presenter notes",
        )
        if not projector:
            st.info(step.presenter_notes, icon=":material/record_voice_over:")
    components.html(ARROW_KEYS_JS, height=0)


EXPORT_LABELS = {
    "geojson": "GeoJSON",
    "csv": "CSV (spreadsheet)",
    "kml": "KML (Google Earth)",
    "html": "Offline HTML page and printable handout",
}


def export_buttons(atlas: Atlas, filters: Filters) -> None:
    """Downloads of the shown events; each file is built only when its button is clicked."""
    with st.popover("Download the shown events", icon=":material/download:"):
        for fmt, label in EXPORT_LABELS.items():
            suffix, mime = export.FORMATS[fmt]
            st.download_button(
                label,
                data=lambda fmt=fmt: export.export_bytes(atlas, filters, fmt)[0],
                file_name=f"dprk-syria-atlas-{atlas.info.version}{suffix}",
                mime=mime,
                key=f"download-{fmt}",
                width="stretch",
            )
        caption(
            "Every file carries the dataset version, the filters, the export time and "
            "the sources of its events."
        )


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
        column_config={"Earliest day": st.column_config.DateColumn(format="YYYY-MM-DD")},
    )
    caption("Select rows to ring their sites on the map. Click a column to sort.")


def map_page() -> None:
    """The lesson (if any), the map, the detail panel, and the chronology.

    The map comes first among the heavy elements so the browser starts loading it
    before the sidebar's widgets (measured: about 0.2 s sooner on a cold load).
    """
    state = st.session_state
    folder, published, folder_problems = uploads.folder_layers()
    mine = uploads.session_uploads(state)
    atlas = extra.merge_into_atlas(current_atlas(), [*folder.files, *mine])
    plain_mine, hosted = uploads.hosted_uploads(mine, len(folder.plain_layers))
    plain_layers = [
        layer
        for layer in [*folder.plain_layers, *plain_mine]
        if state.get(keys.plain_layer_key(layer.layer_id), True)
    ]
    lessons, lesson_problems = current_lessons()
    # Kept for the whole session: notices that vanished on the next run would shift the
    # elements below them, and Streamlit would then rebuild the map (losing its view).
    notices = state.setdefault(keys.URL_NOTICES_KEY, []) + presenter.apply_url_once(
        state, _query_params(), atlas, lessons
    )
    state[keys.URL_NOTICES_KEY] = notices
    st.title("DPRK–Syria Atlas")
    caption(
        "Sites in Syria with documented North Korean links. Every claim is dated, graded for "
        f"evidence and sourced. Dataset version {atlas.info.version}."
    )
    url_notices(notices)
    for problem in [*atlas.problems, *lesson_problems, *folder_problems]:
        problem_notice(problem, problem.severity)

    lesson_panel(atlas, lessons)
    playback_controls()
    filters = viewstate.filters_from_state(state, atlas)
    events = filter_events(atlas, filters)
    sites = sites_shown(atlas, filters, events)
    # Highlighted: the lesson step's events, and the rows picked in the events table.
    highlight = presenter.step_highlights(state, lessons) | table.selected_event_ids(
        state.get(table.table_key(events, state.get(keys.SITE_KEY))), events
    )

    map_column, detail_column = st.columns([5, 3], gap="medium")
    with map_column:
        fly = state.get(keys.FLY_KEY)
        result = st_folium(
            mapview.base_map(viewstate.basemap_from_state(state)),
            key=keys.MAP_KEY,
            feature_group_to_add=[
                mapview.site_layer(atlas, sites, events, highlight=highlight),
                *(
                    [plain_layer_group(plain_layers, published={**published, **hosted})]
                    if plain_layers
                    else []
                ),
            ],
            returned_objects=["last_object_clicked_tooltip"],
            center=fly[:2] if fly else None,
            zoom=fly[2] if fly else None,
            height=600,
            use_container_width=True,
        )
        caption(summary.view_summary(atlas, filters, events, sites))
    with detail_column:
        selection.follow_map_click(
            state,
            mapview.site_from_tooltip(atlas, (result or {}).get("last_object_clicked_tooltip")),
        )
        site_id = st.selectbox(
            "Site details",
            selection.site_choices(atlas),
            format_func=atlas.site_label,
            key=keys.SITE_KEY,
            index=None,
            placeholder="Click a marker or choose a site",
            on_change=selection.clear_entity,
            args=(state,),
        )
        entity = atlas.entities.get(state.get(keys.ENTITY_KEY) or "")
        if entity is not None:
            show_html(atlas_html.entity_panel(atlas, entity, events_of_entity(atlas, entity.id)))
        elif site_id:
            shown_here = [e for e in events if site_id in e.event.site_ids]
            show_html(atlas_html.site_panel(atlas, atlas.sites[site_id], shown_here))

    st.subheader("Chronology")
    if not events:
        st.info("No event matches the current filters.")
    elif (
        st.segmented_control(
            "Show the events as",
            ["Timeline and list", "Sortable table"],
            default="Timeline and list",
            key=keys.EVENTS_VIEW_KEY,
        )
        == "Sortable table"
    ):
        events_table(atlas, events)
    else:
        show_html(timeline.timeline_svg(atlas, events, filters.first_year, filters.last_year))
        show_html(timeline.timeline_legend())
        show_html(atlas_html.events_table_html(atlas, events, highlight=highlight))
    sidebar(atlas, lessons, [*folder.plain_layers, *plain_mine])
    playback_timer()
    st.query_params.from_dict(presenter.current_query(state, atlas))


def _query_params() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


ICON = Path(__file__).parent / "static" / "atlas-icon.png"  # local: an emoji icon is fetched online
st.set_page_config(page_title="DPRK–Syria Atlas", page_icon=str(ICON), layout="wide")
st.navigation(
    [
        st.Page(map_page, title="Map", icon=":material/map:", default=True),
        st.Page("views/claims.py", title="Claims check", icon=":material/fact_check:"),
        st.Page("views/about.py", title="About & method", icon=":material/menu_book:"),
    ]
).run()
