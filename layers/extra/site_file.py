"""A user's file that follows the atlas's site schema, read as the shipped layers are, so
that its sites, events and sources can join the atlas (layers/extra/merge.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel

from layers.data.load import site_layer_from_geojson
from layers.data.problems import Problem
from layers.data.records import validate_records
from layers.data.schema import Event, Source
from layers.extra.geometry import looks_swapped, swapped_problem
from layers.extra.model import SCHEMA_MEMBERS, SchemaLayer
from layers.extra.sink import ProblemSink
from layers.extra.text import slug


def follows_site_schema(document: dict[str, Any]) -> bool:
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


def schema_layer(document: dict[str, Any], label: str) -> tuple[SchemaLayer | None, list[Problem]]:
    """The file's sites, events and sources, or None (with problems) without a layer."""
    default_id = "extra-" + slug(Path(label).stem)
    layer, problems = site_layer_from_geojson(document, label, default_id=default_id)
    if layer is None:
        return None, problems
    features = document.get("features") or []
    site_index: dict[str, int] = {}
    for index, feature in enumerate(features):
        props = feature.get("properties") if isinstance(feature, dict) else None
        if isinstance(props, dict) and isinstance(props.get("id"), str):
            site_index.setdefault(props["id"], index)
    sink = ProblemSink(label)
    for site in layer.sites:
        if site.located and looks_swapped(site.lon, site.lat):
            sink.add(
                "swapped", swapped_problem(label, site_index.get(site.id), site.id, "geometry")
            )
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
    document: dict[str, Any], key: str, model: type[BaseModel], label: str, problems: list[Problem]
) -> list[tuple[int, Any]]:
    if key not in document:
        return []
    raw = document[key]
    if not isinstance(raw, list):
        problems.append(Problem(label, f"{key!r} must be a list", field=key))
        return []
    records, found = validate_records(raw, model, file=label, field_prefix=key)
    problems.extend(found)
    return records
