"""Checking one GeoJSON geometry from a user's file, and rebuilding it from validated,
rounded coordinates only, so that nothing else in it reaches the map."""

from __future__ import annotations

import math
from typing import Any

from layers.data.geo import SYRIA_BOX
from layers.data.problems import Problem
from layers.extra.model import COORD_DECIMALS, GEOMETRY_TYPES, MAX_NESTING, Position

Note = tuple[str, str, str]  # (kind, message, field)


class GeometryError(Exception):
    """A geometry that cannot be drawn: the message and the field (dotted path)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def check_geometry(
    geometry: Any, where: str, depth: int = 0
) -> tuple[list[Position], dict[str, Any] | None, list[Note]]:
    """Validate one geometry: (points for the canvas, a shape for L.geoJSON, notes).

    Points and MultiPoints become canvas points; everything else becomes a rebuilt
    geometry holding only validated, rounded coordinates (no foreign members). Raises
    :class:`GeometryError` for a geometry that cannot be drawn.
    """
    if not isinstance(geometry, dict):
        raise GeometryError("geometry must be a GeoJSON geometry object or null", where)
    kind = geometry.get("type")
    if kind not in GEOMETRY_TYPES:
        shown = repr(kind)[:40] if isinstance(kind, str) else type(kind).__name__
        raise GeometryError(f"unknown geometry type {shown}", f"{where}.type")
    notes: list[Note] = []
    if kind == "GeometryCollection":
        members = geometry.get("geometries")
        if not isinstance(members, list):
            raise GeometryError("'geometries' must be a list", f"{where}.geometries")
        if depth >= MAX_NESTING:
            raise GeometryError("geometry collections are nested too deeply", where)
        out = []
        for i, member in enumerate(members):
            points, shape, more = check_geometry(member, f"{where}.geometries.{i}", depth + 1)
            notes.extend(more)
            if shape is None:
                shape = _rebuild("MultiPoint", points)
            out.append(shape)
        if not out:
            raise GeometryError("empty geometry collection", f"{where}.geometries")
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
            raise GeometryError("must be a non-empty list of line strings", at)
        lines = [_position_list(line, f"{at}.{i}", 2) for i, line in enumerate(coordinates)]
        return [], _rebuild(kind, lines), notes
    if kind == "Polygon":
        shape = _rebuild(kind, _rings(coordinates, at, notes))
    else:  # MultiPolygon
        if not isinstance(coordinates, list) or not coordinates:
            raise GeometryError("must be a non-empty list of polygons", at)
        shape = _rebuild(
            kind, [_rings(polygon, f"{at}.{i}", notes) for i, polygon in enumerate(coordinates)]
        )
    reason = _invalid_reason(shape)
    if reason:
        notes.append(("invalid-polygon", f"polygon is not valid ({reason}); drawn as given", at))
    return [], shape, notes


def _position(value: Any, where: str) -> Position:
    if not isinstance(value, list) or len(value) < 2:
        raise GeometryError("a position must be a list [longitude, latitude]", where)
    if len(value) > 4:
        raise GeometryError(f"a position has {len(value)} numbers; expected 2 or 3", where)
    for i, number in enumerate(value):
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise GeometryError("coordinates must be numbers", f"{where}.{i}")
        if not math.isfinite(number):
            raise GeometryError("coordinates must be finite numbers", f"{where}.{i}")
    lon, lat = float(value[0]), float(value[1])
    if not -180 <= lon <= 180 or not -90 <= lat <= 90:
        hint = " (it looks like [lat, lon])" if -90 <= lon <= 90 and -180 <= lat <= 180 else ""
        raise GeometryError(
            f"[{lon:g}, {lat:g}] is out of range for [longitude, latitude]{hint}", where
        )
    return lon, lat


def _position_list(value: Any, where: str, minimum: int) -> list[Position]:
    if not isinstance(value, list):
        raise GeometryError("must be a list of positions", where)
    if len(value) < minimum:
        raise GeometryError(f"needs at least {minimum} positions, has {len(value)}", where)
    return [_position(p, f"{where}.{i}") for i, p in enumerate(value)]


def _rings(value: Any, where: str, notes: list[Note]) -> list[list[Position]]:
    if not isinstance(value, list) or not value:
        raise GeometryError("a polygon must be a non-empty list of linear rings", where)
    rings = []
    for i, ring in enumerate(value):
        positions = _position_list(ring, f"{where}.{i}", 4)
        if positions[0] != positions[-1]:
            notes.append(("ring", "linear ring is not closed; drawn closed", f"{where}.{i}"))
        rings.append(positions)
    return rings


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


def looks_swapped(lon: float, lat: float) -> bool:
    """Outside Syria as [lon, lat], inside it as [lat, lon]."""
    west, south, east, north = SYRIA_BOX
    inside = west <= lon <= east and south <= lat <= north
    return not inside and west <= lat <= east and south <= lon <= north


def swapped_problem(label: str, index: int | None, record_id: str | None, where: str) -> Problem:
    """The warning for a feature whose coordinates :func:`looks_swapped`."""
    return Problem(
        label,
        "looks like [lat, lon]: these coordinates fall in Syria only when swapped "
        "(GeoJSON is [longitude, latitude]); drawn as given",
        index=index,
        record_id=record_id,
        field=where,
        severity="warning",
    )
