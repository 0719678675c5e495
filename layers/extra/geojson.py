"""Any valid GeoJSON as a plain layer: the features that can be drawn are kept, each bad
one becomes a problem naming it, and the file is released feature by feature."""

from __future__ import annotations

import hashlib
from array import array
from typing import Any

from layers.data.problems import Problem
from layers.extra.geometry import GeometryError, check_geometry, looks_swapped, swapped_problem
from layers.extra.model import COORD_DECIMALS, PlainLayer, positions
from layers.extra.popups import PopupRows
from layers.extra.sink import ProblemSink
from layers.extra.text import slug


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
    sink = ProblemSink(label)
    rows = PopupRows()
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
            points, shape, notes = check_geometry(geometry, "geometry")
        except GeometryError as bad:
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
        at = points if shape is None else list(positions(shape))
        if at and all(looks_swapped(lon, lat) for lon, lat in at):
            sink.add("swapped", swapped_problem(label, index, record_id, "geometry.coordinates"))
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
        layer_id=f"{slug(name)[:40]}-{digest}",
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
