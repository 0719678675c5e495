"""The "Download figure" button beside the other downloads, and "Download slides" and the
lesson's offline page in the lesson panel: files made on the server by layers.export.figure,
layers.export.slides and layers.export.lesson_bundle, each built only when its button is
clicked."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from layers import export
from layers.data.lessons import Lesson
from layers.data.model import Atlas
from layers.state import keys
from layers.state.scene import Scene
from layers.ui.page import caption

FIGURE_LABELS = {"png": "PNG (300 dpi)", "svg": "SVG", "pdf": "PDF"}
SIZE_LABELS = {"a4": "A4", "letter": "Letter", "16:9": "16:9 slide"}


def figure_button(scene: Scene) -> None:
    """A figure of what the map shows: format and page size, then one download button."""
    atlas, filters, highlight = scene.atlas, scene.filters, scene.highlight
    # An expander, not a popover: at the foot of a long sidebar a popover this tall could
    # open below the screen, out of reach (found by a fresh-clone CI run).
    with st.expander("Figure of the map", icon=":material/image:"):
        fmt = st.radio(
            "Format", list(FIGURE_LABELS), format_func=FIGURE_LABELS.get,
            key=keys.FIGURE_FORMAT_KEY, horizontal=True,
        )  # fmt: skip
        size = st.radio(
            "Page (landscape)", list(SIZE_LABELS), format_func=SIZE_LABELS.get,
            key=keys.FIGURE_SIZE_KEY, horizontal=True,
        )  # fmt: skip
        _, mime = export.FORMATS[fmt]

        def build() -> bytes:
            return export.export_bytes(atlas, filters, fmt, size=size, highlight=highlight)[0]

        st.download_button(
            "Download figure",
            data=build,
            file_name=export.file_name(atlas, filters, fmt, dt.datetime.now(dt.UTC)),
            mime=mime,
            key="download-figure",
            icon=":material/download:",
            width="stretch",
        )
        caption(
            "The map as it is filtered now, with the grade of every site in words, a legend, "
            "a scale bar, the filters, the dataset version, the date and the numbered sources. "
            "Words in SVG and PDF stay editable text."
        )


def slides_button(atlas: Atlas, lesson: Lesson) -> None:
    """The lesson as PowerPoint slides (a figure per step, speaker notes, sources)."""
    suffix, mime = export.FORMATS["pptx"]

    def build() -> bytes:
        from layers.export.slides import lesson_slides  # python-pptx: loaded when asked for

        return lesson_slides(atlas, lesson)

    st.download_button(
        "Download slides",
        data=build,
        file_name=f"{lesson.id}-{atlas.info.version}{suffix}",  # the id is a slug
        mime=mime,
        key="download-slides",
        icon=":material/slideshow:",
        help="PowerPoint file: a slide per step with its map, text and cited events, the "
        "presenter notes as speaker notes, the evidence grades and the sources",
    )


def lesson_page_button(atlas: Atlas, lesson: Lesson) -> None:
    """The whole lesson as one offline HTML file (layers.export.lesson_bundle)."""
    st.download_button(
        "Download the lesson (offline page)",
        data=lambda: export.lesson_html(atlas, lesson),
        file_name=export.lesson_file_name(atlas, lesson),
        mime=export.FORMATS["html"][1],
        key="download-lesson-page",
        icon=":material/co_present:",
        help="One HTML file that plays the whole lesson in a browser with no internet: the "
        "map and each step, previous / next and the clicker keys, the presenter notes (key N), "
        "the marker key and the sources",
    )
