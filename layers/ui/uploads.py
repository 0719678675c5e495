"""Extra layers in the running app: the `ATLAS_EXTRA_LAYERS` folder (read once per server
process) and this session's uploads (parsed once, kept in session memory, never written
to disk and never into geodata/)."""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit import runtime

from layers import extra
from layers.data.model import Atlas
from layers.data.problems import Problem
from layers.extra import ExtraFile, ExtraLayers, PlainLayer, Published
from layers.state.keys import PARSED_UPLOADS_KEY, UPLOAD_KEY, plain_layer_key


@st.cache_resource(show_spinner="Loading extra layers…")
def _folder_layers(folder: str) -> tuple[ExtraLayers, dict[str, Published], list[Problem]]:
    layers = extra.load_extra_folder(Path(folder)) if folder else extra.ExtraLayers()
    published, problems = extra.publish_all(layers)
    return layers, published, [*layers.problems, *problems]


def folder_layers() -> tuple[ExtraLayers, dict[str, Published], list[Problem]]:
    """The folder's layers, where their data is served, and the problems found."""
    folder = extra.extra_folder()
    return _folder_layers(str(folder) if folder else "")


def session_uploads(state: MutableMapping[str, Any]) -> list[ExtraFile]:
    """This session's uploaded files, each parsed once (the uploader's value is read from
    session state, so the map can be drawn before the sidebar)."""
    parsed: dict[str, ExtraFile] = state.get(PARSED_UPLOADS_KEY, {})
    live: dict[str, ExtraFile] = {}
    for upload in state.get(UPLOAD_KEY) or []:
        if upload.file_id not in parsed:
            with st.spinner(f"Reading {extra.safe_name(upload.name)}…"):
                parsed[upload.file_id] = extra.read_extra(upload.getvalue(), upload.name)
        live[upload.file_id] = parsed[upload.file_id]
    state[PARSED_UPLOADS_KEY] = live
    return list(live.values())


def _host(data: bytes, mimetype: str, name: str) -> str:
    """Serve bytes from Streamlit's in-memory media store (freed with the session)."""
    return runtime.get_instance().media_file_mgr.add(data, mimetype, f"extra-{name}")


def hosted_uploads(
    uploads: list[ExtraFile], first_colour: int
) -> tuple[list[PlainLayer], dict[str, Published]]:
    """The uploads' plain layers, coloured after the folder's, served by URL."""
    plain = [
        upload.plain.with_colour(first_colour + i)
        for i, upload in enumerate(u for u in uploads if u.plain is not None)
    ]
    hosted = {}
    for layer in plain:
        published, _ = extra.publish_with(layer, _host)  # falls back to inline on failure
        if published is not None:
            hosted[layer.layer_id] = published
    return plain, hosted


@dataclass(frozen=True)
class PageExtras:
    """The extra layers of one run: the atlas with schema files merged, the plain layers
    (all, and those toggled on) with where their data is served, and problems found."""

    atlas: Atlas
    plain: list[PlainLayer]
    shown_plain: list[PlainLayer]
    published: dict[str, Published]
    problems: list[Problem]


def page_extras(state: MutableMapping[str, Any], atlas: Atlas) -> PageExtras:
    """The server folder's layers and this session's uploads, merged and served."""
    folder, published, problems = folder_layers()
    mine = session_uploads(state)
    plain_mine, hosted = hosted_uploads(mine, len(folder.plain_layers))
    plain = [*folder.plain_layers, *plain_mine]
    return PageExtras(
        atlas=extra.merge_into_atlas(atlas, [*folder.files, *mine]),
        plain=plain,
        shown_plain=[p for p in plain if state.get(plain_layer_key(p.layer_id), True)],
        published={**published, **hosted},
        problems=problems,
    )
