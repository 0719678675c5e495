"""Read the data files into an `Atlas`, never failing on bad input.

Whatever is wrong with a file (not UTF-8, not JSON, not GeoJSON, a feature that breaks
the schema) becomes a `Problem` naming the file, feature and field; the valid rest is
kept so that one bad layer never takes the map down. Files are only ever read.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from layers.data.dates import parse_event_date
from layers.data.model import Atlas, DatedEvent, Site, SiteLayer
from layers.data.problems import Problem, problems_from_validation
from layers.data.records import peek_id, validate_records
from layers.data.schema import DatasetInfo, Entity, Event, LayerInfo, SiteFeature, Source
from layers.data.validate import check_entities, cross_reference
from layers.paths import REPO_ROOT

DEFAULT_DATA_DIR = REPO_ROOT / "geodata"
DATA_DIR_ENV = "ATLAS_DATA_DIR"
#: The largest data file read (a shipped layer, or a user's layer: see layers.extra). A
#: file over it is refused unread, with a message giving both sizes.
MAX_FILE_BYTES = 50 * 1024 * 1024
#: Properties only a site has. A feature with one of them, or with a site id, is meant as a
#: site however broken it is; see `not_a_site_layer`.
SITE_ONLY_PROPERTIES = ("precision_class", "precision_m", "precision_note", "coordinate_source")
_SITE_ID = re.compile(r"S\d+[a-z]?")


def data_dir() -> Path:
    """The data folder: `ATLAS_DATA_DIR` when set (tests, deployments), else geodata/."""
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override) if override else DEFAULT_DATA_DIR


def display_name(path: Path, root: Path | None = None) -> str:
    """A short, stable file name for messages (relative to the data folder's parent)."""
    base = (root or data_dir()).parent
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return path.name


def read_json(path: Path, *, name: str | None = None) -> tuple[Any, list[Problem]]:
    """Parse a JSON file strictly; return (value or None, problems)."""
    label = name or path.name
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [
                Problem(label, f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
            ]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(label, f"cannot read the file ({exc.strerror or exc})")]
    return parse_json_bytes(raw, label)


def parse_json_bytes(raw: bytes, label: str) -> tuple[Any, list[Problem]]:
    """Decode UTF-8 (a byte-order mark is accepted with a warning) and parse JSON."""
    problems: list[Problem] = []
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
        problems.append(
            Problem(label, "starts with a byte-order mark (ignored)", severity="warning")
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [
            *problems,
            Problem(
                label,
                f"is not UTF-8 text (bad byte at position {exc.start}); GeoJSON must be UTF-8",
            ),
        ]
    try:
        return json.loads(text, parse_constant=_reject_constant), problems
    except json.JSONDecodeError as exc:
        return None, [
            *problems,
            Problem(
                label, f"is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
            ),
        ]
    except (RecursionError, ValueError) as exc:
        return None, [*problems, Problem(label, f"is not usable JSON: {exc}")]


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not allowed in JSON")


def load_site_layer(
    path: Path, *, name: str | None = None
) -> tuple[SiteLayer | None, list[Problem]]:
    """Load one site layer FeatureCollection; invalid features are skipped and reported."""
    label = name or path.name
    document, problems = read_json(path, name=label)
    if document is None:
        return None, problems
    reason = not_a_site_layer(document)
    if reason is not None:
        return None, [*problems, Problem(label, reason)]
    layer, more = site_layer_from_geojson(document, label, default_id=path.stem)
    return layer, problems + more


def not_a_site_layer(document: Any) -> str | None:
    """Why a parsed file is some other GeoJSON and not a site layer, or None if it may be one.

    A FeatureCollection with features, no `atlas_layer` member and not one feature with a
    site id or a site's precision fields is a basemap or another data set: naming every
    missing site field of every feature would bury the one thing worth saying.
    """
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        return None
    features = document.get("features")
    if "atlas_layer" in document or not isinstance(features, list) or not features:
        return None
    if any(_meant_as_site(feature) for feature in features):
        return None
    kinds = sorted({_geometry_kind(feature) for feature in features})
    shown = ", ".join(kinds[:4]) + (", ..." if len(kinds) > 4 else "")
    if len(features) == 1:
        what = f"its one feature ({shown}) is not a site point"
    else:
        what = f"its {len(features)} features ({shown}) are not site points"
    return (
        f"not a site layer: it has no atlas_layer member and {what} "
        "(no site id, no precision_class); see geodata/SCHEMA.md"
    )


def _meant_as_site(feature: Any) -> bool:
    """A site id (on the feature or in its properties) or a site-only property."""
    if not isinstance(feature, dict):
        return False
    props = feature.get("properties")
    props = props if isinstance(props, dict) else {}
    ids = (props.get("id"), feature.get("id"))
    return any(isinstance(i, str) and _SITE_ID.fullmatch(i) for i in ids) or any(
        key in props for key in SITE_ONLY_PROPERTIES
    )


def _geometry_kind(feature: Any) -> str:
    """The geometry type for the message, cut short: the file's text is not trusted."""
    geometry = feature.get("geometry") if isinstance(feature, dict) else None
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if geometry is None:
        return "no geometry"
    return kind[:40] if isinstance(kind, str) else "unknown geometry"


def site_layer_from_geojson(
    document: Any, label: str, *, default_id: str
) -> tuple[SiteLayer | None, list[Problem]]:
    """Validate a parsed GeoJSON FeatureCollection of sites."""
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        kind = document.get("type") if isinstance(document, dict) else type(document).__name__
        return None, [
            Problem(
                label,
                f"is not a GeoJSON FeatureCollection (top-level type is {kind!r})",
                field="type",
            )
        ]
    problems: list[Problem] = []
    if "crs" in document:
        problems.append(
            Problem(
                label,
                "has a legacy 'crs' member; RFC 7946 GeoJSON is always "
                "WGS84 longitude/latitude, so it is ignored",
                field="crs",
                severity="warning",
            )
        )
    try:
        info = LayerInfo.model_validate(
            document.get("atlas_layer") or {"id": default_id, "title": default_id}
        )
    except ValidationError as exc:
        return None, problems_from_validation(
            exc, file=label, index=None, record_id=None, field_prefix="atlas_layer"
        )
    features = document.get("features")
    if not isinstance(features, list):
        return None, [*problems, Problem(label, "'features' must be a list", field="features")]
    sites = []
    for index, raw in enumerate(features):
        site, found = _site(raw, index, label, info.id)
        problems.extend(found)
        if site is not None:
            sites.append(site)
    return SiteLayer(info=info, file=label, sites=tuple(sites)), problems


def _site(raw: Any, index: int, label: str, layer_id: str) -> tuple[Site | None, list[Problem]]:
    record_id = peek_id(raw)
    try:
        feature = SiteFeature.model_validate(raw)
    except ValidationError as exc:
        return None, problems_from_validation(exc, file=label, index=index, record_id=record_id)
    coords = feature.geometry.coordinates if feature.geometry else None
    lon, lat = (coords[0], coords[1]) if coords else (None, None)
    return Site(props=feature.properties, layer_id=layer_id, lon=lon, lat=lat), []


def _records(path: Path, key: str, model: type, label: str) -> tuple[list, list[Problem]]:
    records, problems = indexed_records(path, key, model, label)
    return [record for _, record in records], problems


def indexed_records(
    path: Path, key: str, model: type, label: str
) -> tuple[list[tuple[int, Any]], list[Problem]]:
    """Validate each record of `{key: [...]}`; keep the valid ones with their index in the file.

    The index lets later checks name the record's true position even after invalid
    records before it were skipped.
    """
    document, problems = read_json(path, name=label)
    if document is None:
        return [], problems
    if not isinstance(document, dict) or not isinstance(document.get(key), list):
        return [], [*problems, Problem(label, f"expected an object with a list {key!r}", field=key)]
    records, found = validate_records(document[key], model, file=label)
    return records, [*problems, *found]


def load_atlas(root: Path | None = None) -> Atlas:
    """Load dataset.json, sites/*.geojson, events.json, sources.json and entities.json.

    entities.json is optional: a data folder without it has no entities, and no problem.
    """
    root = root or data_dir()
    problems: list[Problem] = []
    info_doc, found = read_json(
        root / "dataset.json", name=display_name(root / "dataset.json", root)
    )
    problems.extend(found)
    info = _dataset_info(info_doc, root, problems)

    layers = []
    for path in sorted((root / "sites").glob("*.geojson")):
        layer, found = load_site_layer(path, name=display_name(path, root))
        problems.extend(found)
        if layer is not None:
            layers.append(layer)
    layers.sort(key=lambda layer: (layer.info.order, layer.info.title))

    sources_path, events_path = root / "sources.json", root / "events.json"
    sources, found = _records(sources_path, "sources", Source, display_name(sources_path, root))
    problems.extend(found)
    indexed, found = indexed_records(events_path, "events", Event, display_name(events_path, root))
    events = [event for _, event in indexed]
    problems.extend(found)
    entities, found = _entities(root, {s.id: s for s in sources})
    problems.extend(found)

    dated = sorted(
        (DatedEvent(event=e, when=parse_event_date(e.date)) for e in events),
        key=lambda d: (d.when.sort_key, d.id),
    )
    atlas = Atlas(
        info=info,
        layers=tuple(layers),
        events=tuple(dated),
        sources={s.id: s for s in sources},
        entities=entities,
    )
    checked, found = cross_reference(
        atlas,
        events_file=display_name(events_path, root),
        file_index={event.id: i for i, event in reversed(indexed)},
    )
    return Atlas(
        info=checked.info,
        layers=checked.layers,
        events=checked.events,
        sources=checked.sources,
        problems=tuple(problems + found),
        entities=checked.entities,
    )


def _entities(root: Path, sources: dict[str, Source]) -> tuple[dict[str, Entity], list[Problem]]:
    path = root / "entities.json"
    if not path.exists():
        return {}, []
    label = display_name(path, root)
    records, problems = indexed_records(path, "entities", Entity, label)
    kept, found = check_entities(records, sources, entities_file=label)
    return kept, problems + found


def _dataset_info(document: Any, root: Path, problems: list[Problem]) -> DatasetInfo:
    try:
        return DatasetInfo.model_validate(document)
    except ValidationError as exc:
        problems.extend(
            problems_from_validation(
                exc, file=display_name(root / "dataset.json", root), index=None, record_id=None
            )
        )
        return DatasetInfo(
            title="DPRK–Syria Atlas dataset (unversioned)",
            version="0.0.0",
            released="1970-01-01",
            licence="unknown",
            description="dataset.json could not be read",
        )
