"""Reading a user's GeoJSON (an upload, a file or the ``ATLAS_EXTRA_LAYERS`` folder) under
size, memory and time limits, so that no file can take the server down: a big one is
parsed in a short-lived worker process (``python -m layers.extra --worker``)."""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from layers.data.load import parse_json_bytes
from layers.data.problems import Problem
from layers.extra.caps import capped_problems, over_cap
from layers.extra.geojson import plain_layer
from layers.extra.model import (
    GEOJSON_TYPES,
    ISOLATE_FROM_BYTES,
    UPLOAD_LIMIT_BYTES,
    WORKER_MEMORY_BYTES,
    WORKER_TIMEOUT_S,
    ExtraFile,
    ExtraLayers,
)
from layers.extra.site_file import follows_site_schema, schema_layer
from layers.extra.text import safe_name
from layers.extra.worker_env import worker_env
from layers.extra.workers import queued
from layers.paths import REPO_ROOT

EXTRA_LAYERS_ENV = "ATLAS_EXTRA_LAYERS"


def too_large(size: int, limit: int = UPLOAD_LIMIT_BYTES) -> str | None:
    """The refusal message for a file of ``size`` bytes, or None when it is allowed."""
    if size > limit:
        return (
            f"is {size / 2**20:,.1f} MB; the limit for extra layers is "
            f"{limit / 2**20:,.0f} MB, so it was not read"
        )
    return None


def read_extra(
    raw: bytes,
    name: str,
    *,
    limit: int = UPLOAD_LIMIT_BYTES,
    isolate: bool | None = None,
    memory_limit: int = WORKER_MEMORY_BYTES,
    on_wait: Callable[[int], None] | None = None,
) -> ExtraFile:
    """Read one user GeoJSON (bytes as uploaded) under the display name ``name``.

    Never raises: a file that cannot be used comes back with ``kind == "invalid"`` and
    problems saying why. Files from :data:`ISOLATE_FROM_BYTES` up (or with
    ``isolate=True``) are parsed in a short-lived worker process, so the server never
    holds a big file's parsed JSON (~7× the file's size in Python objects; far more for
    a hostile file of empty objects) and a file that needs more than ``memory_limit``
    bytes, or more than :data:`WORKER_TIMEOUT_S`, is refused instead of taking the
    server down. Workers are shared by the process (layers/extra/workers.py): a read
    that must wait for one calls ``on_wait`` first.
    """
    label = safe_name(name)
    refused = too_large(len(raw), limit)
    if refused:
        return ExtraFile(label, problems=(Problem(label, refused),))
    if isolate is None:
        isolate = len(raw) >= ISOLATE_FROM_BYTES
    if isolate:
        return queued(
            label, lambda: _read_in_worker(raw, label, memory_limit, limit=limit), on_wait
        )
    return _read_here(raw, label)


def extra_folder() -> Path | None:
    """The folder named by ``ATLAS_EXTRA_LAYERS``, or None when it is not set."""
    value = os.environ.get(EXTRA_LAYERS_ENV, "").strip()
    return Path(value) if value else None


def load_extra_folder(
    folder: Path | str | None = None, *, limit: int = UPLOAD_LIMIT_BYTES
) -> ExtraLayers:
    """Read every ``*.geojson`` in ``folder`` (default: ``ATLAS_EXTRA_LAYERS``), by name.

    A missing or unreadable folder, or a file that cannot be read, becomes a problem;
    nothing raises. Files are only read. Plain layers get successive colours.
    """
    root = Path(folder) if folder is not None else extra_folder()
    if root is None:
        return ExtraLayers()
    label = f"{EXTRA_LAYERS_ENV}={safe_name(root.name) if root.name else root}"
    try:
        if not root.is_dir():
            why = "does not exist" if not root.exists() else "is not a folder"
            return ExtraLayers(problems=(Problem(label, f"{why}; no extra layers loaded"),))
        paths = sorted(p for p in root.iterdir() if p.name.lower().endswith(".geojson"))
    except OSError as exc:
        return ExtraLayers(
            problems=(Problem(label, f"cannot be read ({exc.strerror or exc}); no extra layers"),)
        )
    files: list[ExtraFile] = []
    problems: list[Problem] = []
    if not paths:
        problems.append(Problem(label, "holds no *.geojson file", severity="warning"))
    colour = 0
    for path in paths:
        extra = read_extra_path(path, limit=limit)
        if extra.plain is not None:
            extra = replace(extra, plain=extra.plain.with_colour(colour))
            colour += 1
        files.append(extra)
    return ExtraLayers(files=tuple(files), problems=tuple(problems))


def read_extra_path(path: Path, *, limit: int = UPLOAD_LIMIT_BYTES) -> ExtraFile:
    """One file of the extra-layers folder; its size is checked before it is read."""
    label = safe_name(path.name)
    try:
        if not path.is_file():  # a folder, a FIFO, a dangling link: never read it
            return ExtraFile(label, problems=(Problem(label, "is not a regular file; skipped"),))
        size = path.stat().st_size
        refused = too_large(size, limit)
        if refused:
            return ExtraFile(label, problems=(Problem(label, refused),))
        if size >= ISOLATE_FROM_BYTES:  # the worker reads it: the server never holds it
            return queued(
                label,
                lambda: _read_in_worker(None, label, WORKER_MEMORY_BYTES, path=path, limit=limit),
            )
        raw = path.read_bytes()
    except OSError as exc:
        return ExtraFile(
            label, problems=(Problem(label, f"cannot be read ({exc.strerror or exc})"),)
        )
    return read_extra(raw, path.name, limit=limit)


def _read_here(raw: bytes, label: str) -> ExtraFile:
    try:
        document, problems = parse_json_bytes(raw, label)
        if document is None:
            return ExtraFile(label, problems=tuple(problems))
        return _read_document(document, label, problems)
    except RecursionError:
        return ExtraFile(label, problems=(Problem(label, "is nested too deeply to read"),))
    except MemoryError:
        return ExtraFile(label, problems=(_too_big_in_memory(label),))
    except Exception as exc:  # a bug here must not take the page down
        return ExtraFile(
            label,
            problems=(Problem(label, f"could not be read ({type(exc).__name__}: {exc})"[:300]),),
        )


def _read_document(document: Any, label: str, problems: list[Problem]) -> ExtraFile:
    """Parsed JSON to an ExtraFile: the full treatment for the site schema, else plain."""
    if not isinstance(document, dict):
        return ExtraFile(
            label,
            problems=(
                *problems,
                Problem(
                    label,
                    f"is not GeoJSON: the top level is a JSON {type(document).__name__}, "
                    "not an object",
                ),
            ),
        )
    kind = document.get("type")
    if kind not in GEOJSON_TYPES:
        shown = repr(kind)[:40] if isinstance(kind, str) else type(kind).__name__
        return ExtraFile(
            label,
            problems=(
                *problems,
                Problem(label, f"is not GeoJSON: unknown top-level type {shown}", field="type"),
            ),
        )
    if "crs" in document:
        problems.append(
            Problem(
                label,
                "has a legacy 'crs' member; GeoJSON (RFC 7946) is always WGS84 "
                "longitude/latitude, so it is ignored",
                field="crs",
                severity="warning",
            )
        )
    schema_file = kind == "FeatureCollection" and follows_site_schema(document)
    refused = over_cap(document, label, schema_file)
    if refused is not None:
        return ExtraFile(label, problems=(*problems, refused))
    if schema_file:
        schema, more = schema_layer(document, label)
        more = capped_problems(problems + more, label)
        return ExtraFile(label, schema=schema, problems=tuple(more))
    plain, more = plain_layer(document, label)
    return ExtraFile(label, plain=plain, problems=tuple(problems + more))


def _too_big_in_memory(label: str, limit: int = WORKER_MEMORY_BYTES) -> Problem:
    return Problem(
        label,
        f"needs more memory to read than an extra layer may use ({limit / 2**20:,.0f} MB); "
        "it was not read",
    )


def _read_in_worker(
    raw: bytes | None,
    label: str,
    memory_limit: int,
    *,
    path: Path | None = None,
    limit: int = UPLOAD_LIMIT_BYTES,
) -> ExtraFile:
    """``python -m layers.extra --worker``: the bytes on stdin (or a file's path), a
    pickled ExtraFile out."""
    command = [
        sys.executable, "-m", "layers.extra", "--worker", label, str(memory_limit), str(limit)
    ]  # fmt: skip
    if path is not None:
        command.append(str(path.resolve()))
    try:
        done = subprocess.run(
            command,
            input=raw if path is None else b"",
            capture_output=True,
            timeout=WORKER_TIMEOUT_S,
            cwd=REPO_ROOT,
            env=worker_env(),  # no secret of the server's reaches the parser
            check=False,
        )
    except subprocess.TimeoutExpired:
        return ExtraFile(
            label,
            problems=(Problem(label, f"took longer than {WORKER_TIMEOUT_S} s to read; skipped"),),
        )
    except OSError as exc:
        return ExtraFile(
            label, problems=(Problem(label, f"could not be read (no worker process: {exc})"),)
        )
    if done.returncode == 0 and done.stdout:
        try:
            result = pickle.loads(done.stdout)  # our own worker's output, not user data
        except Exception as exc:
            result = exc
        if isinstance(result, ExtraFile):
            return result
    if b"MemoryError" in done.stderr or done.returncode in (-9, 137):
        return ExtraFile(label, problems=(_too_big_in_memory(label, memory_limit),))
    last = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
    return ExtraFile(
        label,
        problems=(
            Problem(label, f"could not be read (worker exit {done.returncode}: {last[0][:200]})"),
        ),
    )


def worker_main(argv: list[str]) -> int:
    """The worker: cap its own memory, read the file (or stdin), write the ExtraFile."""
    label, memory_limit, limit = argv[0], int(argv[1]), int(argv[2])
    try:
        import resource

        status = Path("/proc/self/status").read_text()
        match = re.search(r"^VmSize:\s+(\d+) kB", status, re.MULTILINE)
        used = int(match.group(1)) * 1024 if match else 0
        resource.setrlimit(resource.RLIMIT_AS, (used + memory_limit, used + memory_limit))
    except (ImportError, OSError, ValueError):
        pass  # no /proc or no rlimits: read without the cap
    try:
        if len(argv) > 3:
            with open(argv[3], "rb") as file:  # no more than the limit, even if it grew
                raw = file.read(limit + 1)
        else:
            raw = sys.stdin.buffer.read()
        refused = too_large(len(raw), limit)
        result = (
            ExtraFile(label, problems=(Problem(label, refused),))
            if refused
            else _read_here(raw, label)
        )
        del raw
        out = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        out = pickle.dumps(ExtraFile(label, problems=(_too_big_in_memory(label, memory_limit),)))
    except OSError as exc:
        problem = Problem(label, f"cannot be read ({exc.strerror or exc})")
        out = pickle.dumps(ExtraFile(label, problems=(problem,)))
    sys.stdout.buffer.write(out)
    sys.stdout.buffer.flush()
    return 0
