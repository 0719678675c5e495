"""Bring-your-own layers: a user's GeoJSON, uploaded or found in ``ATLAS_EXTRA_LAYERS``.

Each file gets one of two treatments:

* **full**: a FeatureCollection that follows the atlas's site schema (site features,
  optionally an ``atlas_layer`` member and top-level ``events`` / ``sources`` lists) is
  read into a :class:`SchemaLayer`, which :func:`merge_into_atlas` joins to a copy of the
  shipped atlas, so its sites get dates, grades, filters and the chronology;
* **plain**: any other valid GeoJSON becomes a :class:`PlainLayer`: validated geometry
  and the properties, escaped, for popups. Points are drawn on one canvas by
  :func:`plain_layer_script`, so a page with a 100,000-point layer loads about as fast
  as without it (bench/extra_layers.py).

Nothing here raises on bad input: every problem becomes a :class:`~layers.data.problems.Problem`
naming the file, the feature (index and id) and the field, and the valid rest is kept.
Nothing is ever written to ``geodata/``; :func:`publish` writes derived JSON only under
``static/extra-layers/`` (ignored by git), and uploads need not touch the disk at all.
No Streamlit calls here: ``app.py`` wires the uploader and the layers into the page.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import pickle
import re
import subprocess
import sys
import unicodedata
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import islice
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from layers.data.dates import parse_event_date
from layers.data.geo import SYRIA_BOX
from layers.data.load import parse_json_bytes, site_layer_from_geojson
from layers.data.model import Atlas, DatedEvent, SiteLayer
from layers.data.problems import Problem, problems_from_validation
from layers.data.schema import Event, Source
from layers.paths import REPO_ROOT
from layers.render.html import esc

EXTRA_LAYERS_ENV = "ATLAS_EXTRA_LAYERS"

#: Uploads (and folder files) larger than this are refused before they are parsed.
UPLOAD_LIMIT_BYTES = 50 * 1024 * 1024
UPLOAD_LIMIT_MB = UPLOAD_LIMIT_BYTES // (1024 * 1024)  # for st.file_uploader(max_upload_size=)
#: Files from this size up are parsed in a worker process (see read_extra).
ISOLATE_FROM_BYTES = 2 * 1024 * 1024
#: What the worker may allocate beyond its own start-up size, and how long it may take.
WORKER_MEMORY_BYTES = 1024 * 1024 * 1024
WORKER_TIMEOUT_S = 120

MAX_POPUP_PROPERTIES = 30  # properties listed in a popup; the rest are counted
MAX_VALUE_CHARS = 300  # a longer value is cut, with an ellipsis
MAX_KEY_CHARS = 80
PROBLEMS_PER_KIND = 10  # per file and kind of problem; the rest are counted in one line
MAX_NESTING = 16  # GeometryCollection inside GeometryCollection ...
COORD_DECIMALS = 5  # ~1 m: what the map needs, and a third shorter JSON than full floats

#: (west, south, east, north) of Syria, for telling a swapped [lat, lon] from a [lon, lat].

#: Where :func:`publish` writes, and the URL the map's iframe reads it from. Streamlit
#: serves ``<main script dir>/static/`` at ``/app/static/``; the st_folium iframe's
#: document sits two levels below the app root (see layers/map/assets.py).
STATIC_DIR = REPO_ROOT / "static"
PUBLISH_SUBDIR = "extra-layers"
IFRAME_STATIC_PREFIX = "../../app/static/"

GEOMETRY_TYPES = frozenset(
    {
        "Point",
        "MultiPoint",
        "LineString",
        "MultiLineString",
        "Polygon",
        "MultiPolygon",
        "GeometryCollection",
    }
)
GEOJSON_TYPES = GEOMETRY_TYPES | {"Feature", "FeatureCollection"}
SCHEMA_MEMBERS = ("atlas_layer", "events", "sources")

#: Point colours of successive plain layers (fill, stroke): distinct from the grade
#: colours of the site markers, readable on the pale basemap.
PALETTE = (
    ("#1b9e77", "#0b4d3a"),
    ("#d95f02", "#6b2f01"),
    ("#7570b3", "#35316b"),
    ("#e7298a", "#731445"),
    ("#66a61e", "#33530f"),
    ("#a6761d", "#533b0e"),
)


def _script_json(value: Any) -> str:
    """JSON that is safe inside an inline <script>: as layers.map.leaflet.script_json, which
    is not imported here so that the reader (also run as a worker process) does not
    load folium."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class SchemaLayer:
    """A file that follows the site schema: its sites, and the events and sources it adds.

    ``site_index`` maps each site id to its feature's position in the file (for messages).
    """

    file: str
    layer: SiteLayer
    events: tuple[tuple[int, Event], ...]  # (index in the file's events list, event)
    sources: tuple[tuple[int, Source], ...]
    site_index: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class PlainLayer:
    """Any other GeoJSON: validated geometry, and each feature's properties escaped.

    Points (also the members of MultiPoints) are kept flat for the canvas: ``xy`` holds
    longitude, latitude, longitude, ... rounded to :data:`COORD_DECIMALS`, and
    ``point_rows`` the feature (row) each point belongs to. Lines, polygons and geometry
    collections are GeoJSON features in ``shapes`` whose only property ``i`` is the row.
    ``rows[i]`` is the JSON text of ``[hidden, key, value, key, value, ...]``: ``hidden``
    counts the properties not shown, each key is an index into ``keys``; keys and values
    are HTML escaped already (see :func:`popup_html`).
    """

    file: str
    name: str
    layer_id: str
    keys: tuple[str, ...]
    rows: list[str]
    xy: array
    point_rows: array
    shapes: list[dict[str, Any]]
    features: int
    colour: tuple[str, str] = PALETTE[0]

    @property
    def point_count(self) -> int:
        return len(self.xy) // 2

    @property
    def shape_count(self) -> int:
        return len(self.shapes)

    @cached_property
    def bounds(self) -> tuple[float, float, float, float] | None:
        """(west, south, east, north) of the points and shapes, or None when empty."""
        lons = list(self.xy[0::2])
        lats = list(self.xy[1::2])
        for shape in self.shapes:
            for lon, lat in _positions(shape["geometry"]):
                lons.append(lon)
                lats.append(lat)
        if not lons:
            return None
        return min(lons), min(lats), max(lons), max(lats)

    @cached_property
    def points_json(self) -> str:
        """What the canvas draws: ``{"xy": [...], "pr": [...] | null, "shapes": {...}}``.

        Built once (then cached): at 100,000 points it is ~2 MB and takes ~0.1 s.
        """
        identity = len(self.point_rows) == len(self.rows) and all(
            row == i for i, row in enumerate(self.point_rows)
        )
        return _script_json(
            {
                "xy": self.xy.tolist(),
                "pr": None if identity else self.point_rows.tolist(),
                "shapes": {"type": "FeatureCollection", "features": self.shapes},
            }
        )

    @cached_property
    def content_key(self) -> str:
        """A short hash of what the map draws: the page keeps one layer per key."""
        digest = hashlib.sha256(self.points_json.encode("utf-8"))
        digest.update(self.props_json.encode("utf-8"))
        return digest.hexdigest()[:16]

    @cached_property
    def props_json(self) -> str:
        """What popups read: ``{"keys": [...], "rows": [...]}``, all strings escaped."""
        return f'{{"keys":{_script_json(self.keys)},"rows":[{",".join(self.rows)}]}}'

    def with_colour(self, index: int) -> PlainLayer:
        return replace(self, colour=PALETTE[index % len(PALETTE)])


@dataclass(frozen=True)
class ExtraFile:
    """One user file: at most one of ``schema`` and ``plain`` is set, and its problems."""

    name: str
    schema: SchemaLayer | None = None
    plain: PlainLayer | None = None
    problems: tuple[Problem, ...] = ()

    @property
    def kind(self) -> Literal["schema", "plain", "invalid"]:
        if self.schema is not None:
            return "schema"
        return "plain" if self.plain is not None else "invalid"

    def summary(self) -> str:
        """One line for the page: what was read, e.g. "12,000 points, 3 shapes"."""
        if self.schema is not None:
            return (
                f"{self.name}: {len(self.schema.layer.sites)} site(s), "
                f"{len(self.schema.events)} event(s), {len(self.schema.sources)} source(s)"
            )
        if self.plain is not None:
            return (
                f"{self.name}: {self.plain.point_count:,} point(s), "
                f"{self.plain.shape_count:,} line/polygon feature(s)"
            )
        return f"{self.name}: not shown"


@dataclass(frozen=True)
class ExtraLayers:
    """Everything read from the ``ATLAS_EXTRA_LAYERS`` folder (or from uploads)."""

    files: tuple[ExtraFile, ...] = ()
    problems: tuple[Problem, ...] = ()  # about the folder itself

    @property
    def schema_files(self) -> list[ExtraFile]:
        return [f for f in self.files if f.schema is not None]

    @property
    def plain_layers(self) -> list[PlainLayer]:
        return [f.plain for f in self.files if f.plain is not None]

    @property
    def all_problems(self) -> list[Problem]:
        return [*self.problems, *(p for f in self.files for p in f.problems)]


# --------------------------------------------------------------------------- reading


def safe_name(name: object, limit: int = 120) -> str:
    """A file name fit for messages and labels: its last path part, letters, digits,
    spaces and ``. _ - ( )`` only (so no Markdown or HTML can form), at most ``limit``."""
    text = str(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[^\w .()\-]", "_", text, flags=re.UNICODE).strip(" .")
    return (text[: limit - 1] + "…" if len(text) > limit else text) or "unnamed file"


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def md_escape(text: object) -> str:
    """Text for ``st.error``/``st.warning``/``st.markdown``, shown literally.

    Problems can quote a user's file (a geometry type, a field name, a value):
    Markdown would turn ``![x](http://...)`` into an image fetched from anywhere and
    ``:red[...]`` or ``$...$`` into formatting. Every ASCII punctuation character that
    Markdown (or Streamlit's directives) reads is backslash-escaped; line breaks become
    spaces.
    """
    flat = " ".join(str(text).splitlines())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat)


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
) -> ExtraFile:
    """Read one user GeoJSON (bytes as uploaded) under the display name ``name``.

    Never raises: a file that cannot be used comes back with ``kind == "invalid"`` and
    problems saying why. Files from :data:`ISOLATE_FROM_BYTES` up (or with
    ``isolate=True``) are parsed in a short-lived worker process, so the server never
    holds a big file's parsed JSON (~7× the file's size in Python objects; far more for
    a hostile file of empty objects) and a file that needs more than ``memory_limit``
    bytes, or more than :data:`WORKER_TIMEOUT_S`, is refused instead of taking the
    server down.
    """
    label = safe_name(name)
    refused = too_large(len(raw), limit)
    if refused:
        return ExtraFile(label, problems=(Problem(label, refused),))
    if isolate is None:
        isolate = len(raw) >= ISOLATE_FROM_BYTES
    if isolate:
        return _read_in_worker(raw, label, memory_limit, limit=limit)
    return _read_here(raw, label)


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
    pythonpath = os.pathsep.join(p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH")) if p)
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
            env={**os.environ, "PYTHONPATH": pythonpath},
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


def _worker_main(argv: list[str]) -> int:
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
            return _read_in_worker(None, label, WORKER_MEMORY_BYTES, path=path, limit=limit)
        raw = path.read_bytes()
    except OSError as exc:
        return ExtraFile(
            label, problems=(Problem(label, f"cannot be read ({exc.strerror or exc})"),)
        )
    return read_extra(raw, path.name, limit=limit)


def _read_document(document: Any, label: str, problems: list[Problem]) -> ExtraFile:
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
    if kind == "FeatureCollection" and _follows_site_schema(document):
        schema, more = _schema_layer(document, label)
        return ExtraFile(label, schema=schema, problems=tuple(problems + more))
    plain, more = plain_layer(document, label)
    return ExtraFile(label, plain=plain, problems=tuple(problems + more))


# --------------------------------------------------------------------------- full treatment


def _follows_site_schema(document: dict[str, Any]) -> bool:
    """Does the file claim the site schema? An ``atlas_layer``, ``events`` or ``sources``
    member, or features that all carry a site ``id`` and a ``precision_class``."""
    if any(member in document for member in SCHEMA_MEMBERS):
        return True
    features = document.get("features")
    if not isinstance(features, list) or not features:
        return False
    for feature in features:
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not (isinstance(props, dict) and "id" in props and "precision_class" in props):
            return False
    return True


def _schema_layer(document: dict[str, Any], label: str) -> tuple[SchemaLayer | None, list[Problem]]:
    default_id = "extra-" + _slug(Path(label).stem)
    layer, problems = site_layer_from_geojson(document, label, default_id=default_id)
    if layer is None:
        return None, problems
    features = document.get("features") or []
    site_index: dict[str, int] = {}
    for index, feature in enumerate(features):
        props = feature.get("properties") if isinstance(feature, dict) else None
        if isinstance(props, dict) and isinstance(props.get("id"), str):
            site_index.setdefault(props["id"], index)
    sink = _Sink(label)
    for site in layer.sites:
        if site.located and _looks_swapped(site.lon, site.lat):
            sink.add("swapped", _swapped(label, site_index.get(site.id), site.id, "geometry"))
    events = _records(document, "events", Event, label, problems)
    sources = _records(document, "sources", Source, label, problems)
    return (
        SchemaLayer(
            file=label,
            layer=layer,
            events=tuple(events),
            sources=tuple(sources),
            site_index=site_index,
        ),
        problems + sink.finish(),
    )


def _records(
    document: dict[str, Any], key: str, model: type, label: str, problems: list[Problem]
) -> list[tuple[int, Any]]:
    if key not in document:
        return []
    raw = document[key]
    if not isinstance(raw, list):
        problems.append(Problem(label, f"{key!r} must be a list", field=key))
        return []
    records = []
    for index, item in enumerate(raw):
        try:
            records.append((index, model.model_validate(item)))
        except ValidationError as exc:
            record_id = item.get("id") if isinstance(item, dict) else None
            problems.extend(
                problems_from_validation(
                    exc,
                    file=label,
                    index=index,
                    record_id=str(record_id)[:40] if isinstance(record_id, str | int) else None,
                    field_prefix=key,
                )
            )
    return records


def merge_into_atlas(atlas: Atlas, extras: Iterable[ExtraFile]) -> Atlas:
    """A copy of ``atlas`` with the schema-following extra files joined in.

    Extra layers come after the shipped ones. An id already used (layer, site, event,
    source: by the shipped data or an earlier extra file) is a problem and that record
    is skipped; an event whose sources are all unknown is skipped; an event naming an
    unknown site is kept with a warning, as for the shipped data. The problems of every
    extra file (plain ones too) are added to the atlas's problems. ``atlas`` is not
    changed (it is shared by every session).
    """
    layers = list(atlas.layers)
    layer_ids = {layer.id: layer.file for layer in layers}
    site_files = {site.id: layer.file for layer in layers for site in layer.sites}
    event_ids = {dated.id for dated in atlas.events}
    sources = dict(atlas.sources)
    source_files = dict.fromkeys(atlas.sources, "the shipped sources")
    events = list(atlas.events)
    problems = list(atlas.problems)
    for extra in extras:
        problems.extend(extra.problems)
        schema = extra.schema
        if schema is None:
            continue
        label = schema.file
        if schema.layer.id in layer_ids:
            problems.append(
                Problem(
                    label,
                    f"layer id {schema.layer.id!r} is already used by "
                    f"{layer_ids[schema.layer.id]}; this file's sites are skipped",
                    field="atlas_layer.id",
                )
            )
        else:
            kept = []
            for site in schema.layer.sites:
                if site.id in site_files:
                    problems.append(
                        Problem(
                            label,
                            f"site id is already used by {site_files[site.id]}; "
                            "this feature is skipped",
                            index=schema.site_index.get(site.id),
                            record_id=site.id,
                            field="properties.id",
                        )
                    )
                    continue
                site_files[site.id] = label
                kept.append(site)
            layer_ids[schema.layer.id] = label
            layers.append(replace(schema.layer, sites=tuple(kept)))
        for index, source in schema.sources:
            if source.id in sources:
                problems.append(
                    Problem(
                        label,
                        f"source id is already used by {source_files[source.id]}; this "
                        "source is skipped (the earlier one is cited)",
                        index=index,
                        record_id=source.id,
                        field="sources.id",
                    )
                )
                continue
            sources[source.id] = source
            source_files[source.id] = label
        for index, event in schema.events:
            dated = _checked_event(label, index, event, event_ids, sources, site_files, problems)
            if dated is not None:
                event_ids.add(event.id)
                events.append(dated)
    events.sort(key=lambda d: (d.when.sort_key, d.id))
    # replace(): every other part of the atlas (entities, ...) is kept as it is.
    return replace(
        atlas,
        layers=tuple(layers),
        events=tuple(events),
        sources=sources,
        problems=tuple(problems),
    )


def _checked_event(
    label: str,
    index: int,
    event: Event,
    event_ids: set[str],
    sources: dict[str, Source],
    site_files: dict[str, str],
    problems: list[Problem],
) -> DatedEvent | None:
    where = {"index": index, "record_id": event.id}
    if event.id in event_ids:
        problems.append(
            Problem(
                label,
                "event id is already used by the shipped data or an earlier extra layer; "
                "this event is skipped",
                field="events.id",
                **where,
            )
        )
        return None
    missing = [s for s in event.source_ids if s not in sources]
    for source_id in missing:
        problems.append(
            Problem(
                label,
                f"source {source_id!r} is in neither this file nor the shipped sources",
                field="events.source_ids",
                **where,
            )
        )
    if len(missing) == len(event.source_ids):
        problems.append(
            Problem(
                label,
                "no source resolves, so the event is not shown",
                field="events.source_ids",
                **where,
            )
        )
        return None
    for site_id in event.site_ids:
        if site_id not in site_files:
            problems.append(
                Problem(
                    label,
                    f"site {site_id!r} is not in any loaded layer",
                    field="events.site_ids",
                    severity="warning",
                    **where,
                )
            )
    return DatedEvent(event=event, when=parse_event_date(event.date))


# --------------------------------------------------------------------------- plain layers


class _Bad(Exception):
    """A geometry that cannot be drawn: the message and the field (dotted path)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class _Sink:
    """Problems of one file, at most PROBLEMS_PER_KIND per kind; the rest are counted."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.problems: list[Problem] = []
        self.counts: Counter[str] = Counter()
        self.severity: dict[str, str] = {}

    def add(self, kind: str, problem: Problem) -> None:
        self.counts[kind] += 1
        self.severity[kind] = problem.severity
        if self.counts[kind] <= PROBLEMS_PER_KIND:
            self.problems.append(problem)

    def finish(self) -> list[Problem]:
        out = list(self.problems)
        for kind, count in self.counts.items():
            if count > PROBLEMS_PER_KIND:
                out.append(
                    Problem(
                        self.label,
                        f"{count - PROBLEMS_PER_KIND:,} more feature(s) with the same "
                        f"problem ({_KIND_TEXT.get(kind, kind)}) are not listed",
                        severity=self.severity[kind],  # type: ignore[arg-type]
                    )
                )
        return out


_KIND_TEXT = {
    "swapped": "coordinates that look like [lat, lon]",
    "geometry": "geometry that cannot be drawn",
    "feature": "not a GeoJSON Feature",
    "invalid-polygon": "polygon not valid",
    "properties": "properties not an object",
    "ring": "polygon ring not closed",
}


def plain_layer(document: dict[str, Any], label: str) -> tuple[PlainLayer | None, list[Problem]]:
    """Validate any GeoJSON object into a :class:`PlainLayer`; bad features are skipped.

    Returns None (with problems) when nothing at all can be drawn. Consumes ``document``:
    each entry of its ``features`` list is set to None once read, so that a big parsed
    file is released feature by feature instead of all at the end.
    """
    kind = document.get("type")
    if kind == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list):
            return None, [Problem(label, "'features' must be a list", field="features")]
    elif kind == "Feature":
        features = [document]
    else:  # a bare geometry
        features = [{"type": "Feature", "geometry": document, "properties": None}]
    sink = _Sink(label)
    rows = _Rows()
    xy = array("d")
    point_rows = array("l")
    shapes: list[dict[str, Any]] = []
    nulls = 0
    for index, feature in enumerate(features):
        features[index] = None  # let the parsed document go as we read it (peak memory)
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            sink.add(
                "feature",
                Problem(label, "is not a GeoJSON Feature", index=index, field="type"),
            )
            continue
        record_id = _feature_id(feature)
        if "geometry" not in feature:
            sink.add(
                "geometry",
                Problem(
                    label,
                    "has no 'geometry' member (use null for a feature without one)",
                    index=index,
                    record_id=record_id,
                    field="geometry",
                ),
            )
            continue
        geometry = feature["geometry"]
        if geometry is None:
            nulls += 1
            continue
        props = feature.get("properties")
        if props is not None and not isinstance(props, dict):
            sink.add(
                "properties",
                Problem(
                    label,
                    "'properties' must be an object or null; shown without properties",
                    index=index,
                    record_id=record_id,
                    field="properties",
                    severity="warning",
                ),
            )
            props = None
        try:
            points, shape, notes = _geometry(geometry, "geometry", 0)
        except _Bad as bad:
            sink.add(
                "geometry",
                Problem(label, bad.message, index=index, record_id=record_id, field=bad.field),
            )
            continue
        except RecursionError:
            sink.add(
                "geometry",
                Problem(
                    label,
                    "geometry is nested too deeply",
                    index=index,
                    record_id=record_id,
                    field="geometry",
                ),
            )
            continue
        for note_kind, message, note_field in notes:
            sink.add(
                note_kind,
                Problem(
                    label,
                    message,
                    index=index,
                    record_id=record_id,
                    field=note_field,
                    severity="warning",
                ),
            )
        positions = points if shape is None else list(_positions(shape))
        if positions and all(_looks_swapped(lon, lat) for lon, lat in positions):
            sink.add("swapped", _swapped(label, index, record_id, "geometry.coordinates"))
        row = rows.add(props)
        for lon, lat in points:
            xy.append(round(lon, COORD_DECIMALS))
            xy.append(round(lat, COORD_DECIMALS))
            point_rows.append(row)
        if shape is not None:
            shapes.append({"type": "Feature", "geometry": shape, "properties": {"i": row}})
    problems = sink.finish()
    if nulls:
        problems.append(
            Problem(
                label,
                f"{nulls:,} feature(s) without geometry (null) are not drawn",
                field="geometry",
                severity="warning",
            )
        )
    if not xy and not shapes:
        problems.append(Problem(label, "has no feature that can be drawn", field="features"))
        return None, problems
    name = label.removesuffix(".geojson").removesuffix(".json") or label
    digest = hashlib.sha1(label.encode("utf-8")).hexdigest()[:8]
    layer = PlainLayer(
        file=label,
        name=name,
        layer_id=f"{_slug(name)[:40]}-{digest}",
        keys=tuple(rows.keys),
        rows=rows.rows,
        xy=xy,
        point_rows=point_rows,
        shapes=shapes,
        features=len(rows.rows),
    )
    return layer, problems


def _feature_id(feature: dict[str, Any]) -> str | None:
    value = feature.get("id")
    if isinstance(value, str | int) and not isinstance(value, bool):
        return str(value)[:40]
    props = feature.get("properties")
    if isinstance(props, dict):
        value = props.get("id")
        if isinstance(value, str | int) and not isinstance(value, bool):
            return str(value)[:40]
    return None


Position = tuple[float, float]
Note = tuple[str, str, str]  # (kind, message, field)


def _position(value: Any, where: str) -> Position:
    if not isinstance(value, list) or len(value) < 2:
        raise _Bad("a position must be a list [longitude, latitude]", where)
    if len(value) > 4:
        raise _Bad(f"a position has {len(value)} numbers; expected 2 or 3", where)
    for i, number in enumerate(value):
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise _Bad("coordinates must be numbers", f"{where}.{i}")
        if not math.isfinite(number):
            raise _Bad("coordinates must be finite numbers", f"{where}.{i}")
    lon, lat = float(value[0]), float(value[1])
    if not -180 <= lon <= 180 or not -90 <= lat <= 90:
        hint = " (it looks like [lat, lon])" if -90 <= lon <= 90 and -180 <= lat <= 180 else ""
        raise _Bad(f"[{lon:g}, {lat:g}] is out of range for [longitude, latitude]{hint}", where)
    return lon, lat


def _position_list(value: Any, where: str, minimum: int) -> list[Position]:
    if not isinstance(value, list):
        raise _Bad("must be a list of positions", where)
    if len(value) < minimum:
        raise _Bad(f"needs at least {minimum} positions, has {len(value)}", where)
    return [_position(p, f"{where}.{i}") for i, p in enumerate(value)]


def _rings(value: Any, where: str, notes: list[Note]) -> list[list[Position]]:
    if not isinstance(value, list) or not value:
        raise _Bad("a polygon must be a non-empty list of linear rings", where)
    rings = []
    for i, ring in enumerate(value):
        positions = _position_list(ring, f"{where}.{i}", 4)
        if positions[0] != positions[-1]:
            notes.append(("ring", "linear ring is not closed; drawn closed", f"{where}.{i}"))
        rings.append(positions)
    return rings


def _geometry(
    geometry: Any, where: str, depth: int
) -> tuple[list[Position], dict[str, Any] | None, list[Note]]:
    """Validate one geometry: (points for the canvas, a shape for L.geoJSON, notes).

    Points and MultiPoints become canvas points; everything else becomes a rebuilt
    geometry holding only validated, rounded coordinates (no foreign members).
    """
    if not isinstance(geometry, dict):
        raise _Bad("geometry must be a GeoJSON geometry object or null", where)
    kind = geometry.get("type")
    if kind not in GEOMETRY_TYPES:
        shown = repr(kind)[:40] if isinstance(kind, str) else type(kind).__name__
        raise _Bad(f"unknown geometry type {shown}", f"{where}.type")
    notes: list[Note] = []
    if kind == "GeometryCollection":
        members = geometry.get("geometries")
        if not isinstance(members, list):
            raise _Bad("'geometries' must be a list", f"{where}.geometries")
        if depth >= MAX_NESTING:
            raise _Bad("geometry collections are nested too deeply", where)
        out = []
        for i, member in enumerate(members):
            points, shape, more = _geometry(member, f"{where}.geometries.{i}", depth + 1)
            notes.extend(more)
            if shape is None:
                shape = _rebuild("MultiPoint", points)
            out.append(shape)
        if not out:
            raise _Bad("empty geometry collection", f"{where}.geometries")
        return [], {"type": "GeometryCollection", "geometries": out}, notes
    coordinates = geometry.get("coordinates")
    at = f"{where}.coordinates"
    if kind == "Point":
        return [_position(coordinates, at)], None, notes
    if kind == "MultiPoint":
        points = _position_list(coordinates, at, 1)
        return points, None, notes
    if kind == "LineString":
        return [], _rebuild(kind, _position_list(coordinates, at, 2)), notes
    if kind == "MultiLineString":
        if not isinstance(coordinates, list) or not coordinates:
            raise _Bad("must be a non-empty list of line strings", at)
        lines = [_position_list(line, f"{at}.{i}", 2) for i, line in enumerate(coordinates)]
        return [], _rebuild(kind, lines), notes
    if kind == "Polygon":
        shape = _rebuild(kind, _rings(coordinates, at, notes))
    else:  # MultiPolygon
        if not isinstance(coordinates, list) or not coordinates:
            raise _Bad("must be a non-empty list of polygons", at)
        shape = _rebuild(
            kind, [_rings(polygon, f"{at}.{i}", notes) for i, polygon in enumerate(coordinates)]
        )
    reason = _invalid_reason(shape)
    if reason:
        notes.append(("invalid-polygon", f"polygon is not valid ({reason}); drawn as given", at))
    return [], shape, notes


def _rebuild(kind: str, coordinates: Any) -> dict[str, Any]:
    return {"type": kind, "coordinates": _rounded(coordinates)}


def _rounded(value: Any) -> Any:
    if isinstance(value, tuple):
        return [round(value[0], COORD_DECIMALS), round(value[1], COORD_DECIMALS)]
    return [_rounded(v) for v in value]


def _invalid_reason(shape: dict[str, Any]) -> str | None:
    """shapely's reason a polygon is invalid (self-intersection, ...), or None."""
    try:
        import shapely
        from shapely.geometry import shape as to_shape

        geometry = to_shape(shape)
        if shapely.is_valid(geometry):
            return None
        return str(shapely.is_valid_reason(geometry))[:120]
    except Exception as exc:  # shapely refuses it outright: still drawable by Leaflet
        return f"shapely cannot read it: {type(exc).__name__}"


def _positions(geometry: dict[str, Any]) -> Iterator[Position]:
    if geometry["type"] == "GeometryCollection":
        for member in geometry["geometries"]:
            yield from _positions(member)
        return
    stack = [geometry["coordinates"]]
    while stack:
        item = stack.pop()
        if item and isinstance(item[0], int | float):
            yield item[0], item[1]
        else:
            stack.extend(item)


def _looks_swapped(lon: float, lat: float) -> bool:
    """Outside Syria as [lon, lat], inside it as [lat, lon]."""
    west, south, east, north = SYRIA_BOX
    inside = west <= lon <= east and south <= lat <= north
    return not inside and west <= lat <= east and south <= lon <= north


def _swapped(label: str, index: int | None, record_id: str | None, where: str) -> Problem:
    return Problem(
        label,
        "looks like [lat, lon]: these coordinates fall in Syria only when swapped "
        "(GeoJSON is [longitude, latitude]); drawn as given",
        index=index,
        record_id=record_id,
        field=where,
        severity="warning",
    )


# --------------------------------------------------------------------------- popups


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def value_text(value: Any) -> str:
    """A property value as text: strings as they are, anything else as JSON."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return "(a value that cannot be shown)"


_NEEDS_ESCAPE = re.compile(r"[&<>\"']")


def _escaped(text: str) -> str:
    return esc(text) if _NEEDS_ESCAPE.search(text) else text


def _cell(value: Any) -> str:
    """A property value as escaped popup text, cut to MAX_VALUE_CHARS."""
    if isinstance(value, str):
        text = value[: MAX_VALUE_CHARS + 1]
    elif isinstance(value, bool) or value is None:
        text = "true" if value is True else "false" if value is False else "null"
    elif isinstance(value, int):
        text = str(value) if abs(value) < 10**30 else value_text(value)
    elif isinstance(value, float):
        text = repr(value) if math.isfinite(value) else "(not a finite number)"
    else:
        text = value_text(value)
    return _escaped(_clip(text, MAX_VALUE_CHARS))


class _Rows:
    """Each feature's properties as one compact JSON text: ``[hidden, k, v, k, v, ...]``.

    Keys are interned in ``keys`` (escaped once). A text per row instead of a list of
    strings keeps 100,000 rows at ~10 MB instead of ~40 MB of Python objects.
    """

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.keys: list[str] = []
        self.rows: list[str] = []

    def add(self, props: dict[str, Any] | None) -> int:
        row: list[Any] = [0]
        if props:
            row[0] = max(0, len(props) - MAX_POPUP_PROPERTIES)
            for key, value in islice(props.items(), MAX_POPUP_PROPERTIES):
                k = self.index.get(key)
                if k is None:
                    k = self.index[key] = len(self.keys)
                    self.keys.append(_escaped(_clip(str(key), MAX_KEY_CHARS)))
                row.append(k)
                row.append(_cell(value))
        self.rows.append(_script_json(row))
        return len(self.rows) - 1


POPUP_CSS = (
    ".atlas-extra-popup{font:13px/1.35 sans-serif}"
    ".atlas-extra-popup table{border-collapse:collapse;margin-top:.3em;width:100%;"
    "table-layout:fixed}"
    ".atlas-extra-popup th,.atlas-extra-popup td{text-align:left;vertical-align:top;"
    "padding:1px 6px 1px 0;overflow-wrap:anywhere}"
    ".atlas-extra-popup th{color:#444;font-weight:600;width:38%}"
)


def popup_html(layer: PlainLayer, row: int) -> str:
    """A feature's popup: the layer name and its properties, every piece escaped.

    The map's script builds the same markup in the browser from the same escaped
    strings (``props_json``); this is the reference, used by tests and exports.
    """
    cells = json.loads(layer.rows[row])
    items = "".join(
        f"<tr><th>{layer.keys[cells[i]]}</th><td>{cells[i + 1]}</td></tr>"
        for i in range(1, len(cells), 2)
    )
    hidden = int(cells[0])
    more = f"<small>{hidden} more properties not shown</small>" if hidden else ""
    body = f"<table>{items}</table>" if items else "<small>(no properties)</small>"
    return f'<div class="atlas-extra-popup"><b>{esc(layer.name)}</b>{body}{more}</div>'


# --------------------------------------------------------------------------- static files


@dataclass(frozen=True)
class Published:
    """Where the map's iframe fetches a published layer (URLs relative to the iframe)."""

    points_url: str
    props_url: str
    bytes: int


def publish(
    layer: PlainLayer,
    static_dir: Path | None = None,
    *,
    prefix: str = IFRAME_STATIC_PREFIX,
) -> tuple[Published | None, list[Problem]]:
    """Write the layer's JSON to ``<static_dir>/extra-layers/`` for Streamlit to serve.

    Names are content hashes, so the same data is written once and a browser never
    sees stale data. The folder gets a ``.gitignore`` of ``*``. For the layers of
    ``ATLAS_EXTRA_LAYERS`` (the server's own data), not for uploads: files there are
    public to anyone who has the URL and outlive the session. When the folder cannot
    be written (a read-only deployment), returns None and a warning: draw it inline.
    """
    root = (static_dir or STATIC_DIR) / PUBLISH_SUBDIR
    points = layer.points_json.encode("utf-8")
    props = layer.props_json.encode("utf-8")
    digest = hashlib.sha256(points + b"\0" + props).hexdigest()[:20]
    names = (f"{digest}.points.json", f"{digest}.props.json")
    try:
        root.mkdir(parents=True, exist_ok=True)
        ignore = root / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# generated by layers/extra.py publish()\n*\n", encoding="utf-8")
        for file_name, content in zip(names, (points, props), strict=True):
            target = root / file_name
            if target.is_file() and target.stat().st_size == len(content):
                continue
            tmp = root / f".{file_name}.{os.getpid()}.tmp"
            tmp.write_bytes(content)
            os.replace(tmp, target)
    except OSError as exc:
        return None, [
            Problem(
                layer.file,
                f"cannot write the layer for the map to {root} ({exc.strerror or exc}); "
                "it is sent inline instead, which is slower for large layers",
                severity="warning",
            )
        ]
    # The map fetches the files now: keep the key, not the texts (~8 MB at 100,000 points).
    layer.content_key  # noqa: B018 - computed (and cached) before the texts go
    for cached in ("points_json", "props_json"):
        layer.__dict__.pop(cached, None)
    base = f"{prefix}{PUBLISH_SUBDIR}/"
    return Published(base + names[0], base + names[1], len(points) + len(props)), []


def publish_with(
    layer: PlainLayer, host: Callable[[bytes, str, str], str]
) -> tuple[Published | None, list[Problem]]:
    """Serve the layer's JSON through ``host(data, mimetype, name) -> URL``, for uploads.

    ``host`` returns a URL path from the app root, such as the ``/media/<hash>.json``
    that Streamlit's in-memory, per-session media file manager hands out::

        from streamlit import runtime

        def host(data: bytes, mimetype: str, name: str) -> str:
            return runtime.get_instance().media_file_mgr.add(data, mimetype, f"extra-{name}")

    Nothing touches the disk, and Streamlit forgets the files when the session ends.
    Call it on every script run: the media manager drops the files of a session that a
    run did not add again. A ``host`` that fails gives None and a warning (draw inline).
    """
    try:
        urls = [
            host(text.encode("utf-8"), "application/json", f"{layer.layer_id}.{part}")
            for part, text in (("points", layer.points_json), ("props", layer.props_json))
        ]
    except Exception as exc:
        return None, [
            Problem(
                layer.file,
                f"cannot serve the layer to the map ({type(exc).__name__}); it is sent "
                "inline instead, which is slower for large layers",
                severity="warning",
            )
        ]
    points, props = ("../../" + url.lstrip("/") for url in urls)
    return Published(points, props, len(layer.points_json) + len(layer.props_json)), []


def publish_all(
    extras: ExtraLayers, static_dir: Path | None = None
) -> tuple[dict[str, Published], list[Problem]]:
    """:func:`publish` every plain layer; returns {layer_id: Published} and problems."""
    out: dict[str, Published] = {}
    problems: list[Problem] = []
    for layer in extras.plain_layers:
        published, found = publish(layer, static_dir)
        problems.extend(found)
        if published is not None:
            out[layer.layer_id] = published
    return out, problems


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:50].strip("-") or "layer"
