"""Extra layers in the running app: the `ATLAS_EXTRA_LAYERS` folder (read once per server
process) and this session's uploads (parsed once, kept in session memory, never written
to disk and never into geodata/)."""

from __future__ import annotations

import hashlib
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


def session_uploads(state: MutableMapping[str, Any]) -> tuple[list[ExtraFile], list[Problem]]:
    """This session's uploaded files, each parsed once (the uploader's value is read from
    session state, so the map can be drawn before the sidebar), and a note for each file
    that repeats one already added (same bytes): it is shown once."""
    parsed: dict[str, tuple[str, ExtraFile]] = state.get(PARSED_UPLOADS_KEY, {})
    live: dict[str, tuple[str, ExtraFile]] = {}
    first_by_digest: dict[str, str] = {}
    repeats: list[Problem] = []
    for upload in state.get(UPLOAD_KEY) or []:
        if upload.file_id not in parsed:
            raw = upload.getvalue()
            with st.spinner(f"Reading {extra.safe_name(upload.name)}…"):
                parsed[upload.file_id] = (
                    hashlib.sha256(raw).hexdigest(),
                    extra.read_extra(raw, upload.name),
                )
        digest, file = parsed[upload.file_id]
        live[upload.file_id] = parsed[upload.file_id]
        if digest in first_by_digest:
            repeats.append(
                Problem(
                    file.name,
                    f"is the same file as {first_by_digest[digest]}, already added; "
                    "it is shown once",
                    severity="warning",
                )
            )
        else:
            first_by_digest[digest] = file.name
    state[PARSED_UPLOADS_KEY] = live
    unique = {digest: file for digest, file in reversed(list(live.values()))}
    return list(reversed(unique.values())), repeats


def _host(data: bytes, mimetype: str, name: str) -> str:
    """Serve bytes from Streamlit's in-memory media store (freed with the session)."""
    return runtime.get_instance().media_file_mgr.add(data, mimetype, f"extra-{name}")


def hosted_uploads(
    uploads: list[PlainLayer], first_colour: int
) -> tuple[list[PlainLayer], dict[str, Published]]:
    """The uploads' plain layers, coloured after the folder's, served by URL."""
    plain = [layer.with_colour(first_colour + i) for i, layer in enumerate(uploads)]
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
    mine, repeats = session_uploads(state)
    # The folder's layers come first, so only an upload is ever renamed ("points (2)").
    distinct = extra.distinct_plain_layers(
        [*folder.plain_layers, *(upload.plain for upload in mine if upload.plain is not None)]
    )
    plain_mine, hosted = hosted_uploads(
        distinct[len(folder.plain_layers) :], len(folder.plain_layers)
    )
    plain = [*folder.plain_layers, *plain_mine]
    return PageExtras(
        atlas=extra.merge_into_atlas(atlas, [*folder.files, *mine]),
        plain=plain,
        shown_plain=[p for p in plain if state.get(plain_layer_key(p.layer_id), True)],
        published={**published, **hosted},
        problems=[*problems, *repeats],
    )
