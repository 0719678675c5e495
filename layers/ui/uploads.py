"""Extra layers in the running app: the `ATLAS_EXTRA_LAYERS` folder (read once per server
process, outside anything a client can clear) and this session's uploads (parsed once,
kept in session memory, never written to disk and never into geodata/), within the caps
of layers/extra/caps.py. The atlas with the extra files merged in is kept too (per process
for the folder, per session with uploads): merging 20,000 events on every rerun cost more
than the rerun's whole budget."""

from __future__ import annotations

import hashlib
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit import runtime

from layers import extra
from layers.data.load import data_dir
from layers.data.model import Atlas
from layers.data.problems import Problem
from layers.extra import ExtraFile, ExtraLayers, PlainLayer, Published
from layers.extra.caps import admit_uploads
from layers.render.html import esc
from layers.state.keys import MERGED_ATLAS_KEY, PARSED_UPLOADS_KEY, UPLOAD_KEY, plain_layer_key
from layers.ui.cached import current_atlas
from layers.ui.page import one_block
from layers.ui.process_cache import once_per_process


@once_per_process(spinner="Loading extra layers…")
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
    session state, so the map can be drawn before the sidebar), the problems of those
    over the session's caps (not read), and a note for each file that repeats one already
    added (same bytes): it is shown once."""
    parsed: dict[str, tuple[str, ExtraFile]] = state.get(PARSED_UPLOADS_KEY, {})
    uploads = list(state.get(UPLOAD_KEY) or [])
    admitted, refused = admit_uploads([(extra.safe_name(u.name), u.size) for u in uploads])
    live: dict[str, tuple[str, ExtraFile]] = {}
    first_by_digest: dict[str, str] = {}
    repeats: list[Problem] = []
    for index in admitted:
        upload = uploads[index]
        if upload.file_id not in parsed:
            digest = hashlib.sha256(upload.getbuffer()).hexdigest()
            parsed[upload.file_id] = (digest, _read_upload(upload))
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
    return list(reversed(unique.values())), [*refused, *repeats]


def _read_upload(upload: Any) -> ExtraFile:
    """Parse one upload; while it waits for a parse worker, the sidebar says so."""
    name = extra.safe_name(upload.name)
    holder: list[Any] = []

    def on_wait(ahead: int) -> None:
        queue = f" behind {ahead} other file(s)" if ahead else ""
        holder.append(st.sidebar.empty())
        holder[0].html(
            one_block(
                f'<div role="status" class="atlas-caveat" data-upload-state="waiting">'
                f"Waiting{esc(queue)}: the server is reading other files; {esc(name)} will "
                "be read next.</div>"
            )
        )

    with st.spinner(f"Reading {name}…"):
        result = extra.read_extra(upload.getvalue(), upload.name, on_wait=on_wait)
    if holder:
        holder[0].empty()
    return result


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


@once_per_process()
def _with_folder(root: str, folder: str) -> Atlas:
    """The atlas with the folder's schema files merged in: the same for every session."""
    del root  # part of the key: current_atlas() reads the same data folder
    return extra.merge_into_atlas(current_atlas(), _folder_layers(folder)[0].files)


def _merged(
    state: MutableMapping[str, Any], folder: ExtraLayers, mine: list[ExtraFile], key: str
) -> Atlas:
    """The atlas with the folder's and this session's schema files, merged once per set
    of uploads (kept in session state)."""
    with_folder = _with_folder(str(data_dir()), key)
    if not any(upload.schema is not None for upload in mine):
        return with_folder
    # what was merged, held (so no id is reused) and compared by identity
    sources = (with_folder, *mine)
    kept = state.get(MERGED_ATLAS_KEY)
    same = kept is not None and len(kept[0]) == len(sources)
    if not (same and all(a is b for a, b in zip(kept[0], sources, strict=True))):
        merged = extra.merge_into_atlas(current_atlas(), [*folder.files, *mine])
        kept = state[MERGED_ATLAS_KEY] = (sources, merged)
    return kept[1]


def page_extras(state: MutableMapping[str, Any]) -> PageExtras:
    """The server folder's layers and this session's uploads, merged and served."""
    folder_path = extra.extra_folder()
    key = str(folder_path) if folder_path else ""
    folder, published, problems = _folder_layers(key)
    mine, refused = session_uploads(state)
    # The folder's layers come first, so only an upload is ever renamed ("points (2)").
    distinct = extra.distinct_plain_layers(
        [*folder.plain_layers, *(upload.plain for upload in mine if upload.plain is not None)]
    )
    plain_mine, hosted = hosted_uploads(
        distinct[len(folder.plain_layers) :], len(folder.plain_layers)
    )
    plain = [*folder.plain_layers, *plain_mine]
    return PageExtras(
        atlas=_merged(state, folder, mine, key),
        plain=plain,
        shown_plain=[p for p in plain if state.get(plain_layer_key(p.layer_id), True)],
        published={**published, **hosted},
        problems=[*problems, *refused],
    )
