"""The sidebar: search, the lesson box, the filters, your own layers, the legend,
downloads and "Cite this view". Each widget writes its value to session state under the
keys of layers.state.keys, which the next run reads into the scene."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import streamlit as st

from layers import export, extra
from layers.data import search
from layers.data.filters import FIRST_YEAR, Filters, last_year
from layers.data.lessons import Lesson
from layers.data.model import Atlas
from layers.data.schema import Grade, LinkType
from layers.data.view import default_years
from layers.map.basemap import basemap_choices
from layers.render import html as atlas_html
from layers.render.style import GRADE_BASIS_LABELS, GRADE_STYLES, LINK_LABELS
from layers.state import keys, selection
from layers.state import lesson_player as presenter
from layers.state import url as urlstate
from layers.state.memo import kept
from layers.state.reset import reset_view
from layers.state.scene import Scene
from layers.ui.figure_download import figure_button
from layers.ui.page import caption, initial, show_html, widget_label


def extra_layer_controls(plain: list) -> None:
    """Toggles for plain extra layers, and the upload box (this session only)."""
    st.subheader("Your own layers")
    for layer in plain:
        key = keys.plain_layer_key(layer.layer_id)
        label = (
            f"{widget_label(layer.name)} "
            f"({layer.point_count:,} points, {layer.shape_count:,} shapes)"
        )
        st.checkbox(label, key=key, **initial(key, "value", True))
    st.file_uploader(
        "Add a GeoJSON layer",
        type=["geojson", "json"],
        accept_multiple_files=True,
        key=keys.UPLOAD_KEY,
        max_upload_size=extra.UPLOAD_LIMIT_MB,
        help="Shown for this session only; never saved. Files that follow the atlas's schema "
        "get dates, grades and filters; any other GeoJSON is drawn as a plain layer.",
    )


def sidebar(scene: Scene, lessons: list[Lesson], plain: list) -> None:
    """Search, lessons, the filter widgets, downloads and the citation. Drawn after the map:
    the widgets' values were read from session state into the scene at the top of the run."""
    state = st.session_state
    atlas = scene.atlas
    with st.sidebar:
        st.button(
            "Reset view",
            icon=":material/restart_alt:",
            on_click=reset_view,
            args=(state, atlas),
            help="Back to the whole atlas: every filter, the map and the panel as a bare "
            "link opens them (your uploaded layers stay)",
            width="stretch",
        )
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
            st.checkbox(title, key=key, **initial(key, "value", True))
        key = keys.SYRIA_WIDE_KEY
        st.checkbox("Syria-wide events (chronology only)", key=key, **initial(key, "value", True))
        key = keys.YEARS_KEY
        st.slider(
            "Years",
            FIRST_YEAR,
            last_year(),
            key=key,
            **initial(key, "value", default_years()),
        )
        st.pills(
            "North Korean link",
            list(LinkType),
            selection_mode="multi",
            format_func=LINK_LABELS.get,
            key=keys.LINKS_KEY,
            **initial(keys.LINKS_KEY, "default", list(LinkType)),
        )
        only_one("link type", list(LinkType), keys.LINKS_KEY, LINK_LABELS.get)
        st.pills(
            "Evidence grade",
            list(Grade),
            selection_mode="multi",
            format_func=lambda g: GRADE_STYLES[g].short,
            key=keys.GRADES_KEY,
            help="How strong the evidence is. By default this reads the grade of the North "
            "Korean link; switch below to grade the events themselves.",
            **initial(keys.GRADES_KEY, "default", list(Grade)),
        )
        only_one("grade", list(Grade), keys.GRADES_KEY, lambda g: GRADE_STYLES[g].short)
        basis = st.radio(
            "Evidence grade of",
            list(GRADE_BASIS_LABELS),
            format_func=GRADE_BASIS_LABELS.get,
            key=keys.GRADE_BASIS_KEY,
            horizontal=True,
            **initial(keys.GRADE_BASIS_KEY, "index", 0),
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
        export_buttons(atlas, scene.filters, scene.events)
        figure_button(scene)
        with st.popover("Cite this view", icon=":material/format_quote:"):
            st.code(
                urlstate.citation(
                    scene.view,
                    atlas,
                    st.context.url or "",
                    dt.date.today(),
                ),
                wrap_lines=True,
                language=None,
            )


def only_one(noun: str, options: list, key: str, format_func: Callable) -> None:
    """A one-click "only this" for a multi-choice filter, or "all" back: choosing writes
    the filter's value and the box empties itself again."""
    only_key = keys.only_key(key)

    def choose() -> None:
        choice = st.session_state[only_key]
        st.session_state[key] = list(options) if choice == "all" else [choice]
        st.session_state[only_key] = None

    st.selectbox(
        f"Only one {noun}",
        [*options, "all"],
        format_func=lambda o: f"All, every {noun}" if o == "all" else f"Only {format_func(o)}",
        index=None,
        placeholder=f"Only one {noun}, or all…",
        key=only_key,
        on_change=choose,
        label_visibility="collapsed",
    )


def search_box(atlas: Atlas) -> None:
    """One box over sites, events, entities and sources; a result opens and flies there."""
    query = st.text_input(
        "Search", key=keys.SEARCH_KEY, placeholder="Al Kibar, Jamraya, KOMID, S/2018/171…"
    )
    for hit in search.search(atlas, query, limit=8) if query else []:
        st.button(
            widget_label(hit.title),
            key=f"hit-{hit.kind}-{hit.id}",
            help=widget_label(hit.matched),
            on_click=selection.choose_hit,
            args=(st.session_state, hit, atlas),
            width="stretch",
        )
    if query and not search.search(atlas, query, limit=1):
        caption("Nothing found.")


EXPORT_LABELS = {
    "geojson": "GeoJSON",
    "csv": "CSV (spreadsheet)",
    "kml": "KML (Google Earth)",
    "html": "Offline HTML page and printable handout",
}


def export_buttons(atlas: Atlas, filters: Filters, events: list) -> None:
    """Downloads of the shown events; each file is built only when its button is clicked.
    The labels say how many rows the files hold for how many events (an event at two
    sites is two rows), and the file names carry the filters and the day."""
    held = kept(atlas, ("rows and events", filters), lambda: export.rows_and_events(events))
    now = dt.datetime.now(dt.UTC)
    with st.popover("Download the shown events", icon=":material/download:"):
        for fmt, label in EXPORT_LABELS.items():
            _, mime = export.FORMATS[fmt]
            st.download_button(
                label if fmt == "html" else f"{label}: {held}",
                data=lambda fmt=fmt: export.export_bytes(atlas, filters, fmt)[0],
                file_name=export.file_name(atlas, filters, fmt, now),
                mime=mime,
                key=f"download-{fmt}",
                width="stretch",
            )
        caption(
            "One row per event and site: an event at two sites is two rows, a Syria-wide "
            "event one row. Every file carries the dataset version, the filters, the export "
            "time and the sources of its events."
        )
