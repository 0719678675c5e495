"""The limits on a user's file and what reading one gives: shared by every step and
picklable, since large files are read in a worker process (layers/extra/read.py)."""

from __future__ import annotations

import hashlib
import json
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Literal

from layers.data.load import MAX_FILE_BYTES
from layers.data.model import SiteLayer
from layers.data.problems import Problem
from layers.data.schema import Event, Source

#: Uploads (and folder files) larger than this are refused before they are parsed.
UPLOAD_LIMIT_BYTES = MAX_FILE_BYTES  # one limit for every data file, shipped or uploaded
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

Position = tuple[float, float]


def script_json(value: Any) -> str:
    """JSON that is safe inside an inline <script>: as layers.map.leaflet.script_json, which
    is not imported here so that the reader (also run as a worker process) does not
    load folium."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def positions(geometry: dict[str, Any]) -> Iterator[Position]:
    """Every (longitude, latitude) of a validated geometry, collections included."""
    if geometry["type"] == "GeometryCollection":
        for member in geometry["geometries"]:
            yield from positions(member)
        return
    stack = [geometry["coordinates"]]
    while stack:
        item = stack.pop()
        if item and isinstance(item[0], int | float):
            yield item[0], item[1]
        else:
            stack.extend(item)


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
    are HTML escaped already (see :func:`layers.extra.popups.popup_html`).
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
            for lon, lat in positions(shape["geometry"]):
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
        return script_json(
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
        return f'{{"keys":{script_json(self.keys)},"rows":[{",".join(self.rows)}]}}'

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
