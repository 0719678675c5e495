"""River names for the offline basemap, read from ``geodata/basemap/river_names.geojson``.

Why here: the names and their points are data, each copied from a public source recorded
beside it (Natural Earth for the Euphrates, Pleiades for the Orontes; see PROVENANCE.md);
the map only decides how to draw them. A river has several candidate points along its
course (the Euphrates: the vertices of the line the basemap draws), so that wherever the
view is, one of them can carry the name clear of the site markers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from layers.paths import REPO_ROOT

RIVER_NAMES_FILE = REPO_ROOT / "geodata" / "basemap" / "river_names.geojson"

#: The zoom from which river names are shown: from the national view on, as far as there is
#: room (the layout hides a name that would touch a site marker or a town's name).
RIVER_MIN_ZOOM = 6

#: What every source record in the file must say.
SOURCE_FIELDS = ("title", "publisher", "url", "licence", "seen_in", "points")


@dataclass(frozen=True)
class RiverName:
    """A river's name (English, and Arabic where the source gives one) and its points."""

    name: str
    name_ar: str | None
    points: tuple[tuple[float, float], ...]  # (lat, lon), in order down the river
    source: dict[str, str]


def _river(feature: dict[str, Any]) -> RiverName:
    p = feature["properties"]
    geometry = feature["geometry"]
    if geometry["type"] != "MultiPoint" or not geometry["coordinates"]:
        raise ValueError(f"river name {p.get('name')!r}: expected a MultiPoint of its points")
    missing = [k for k in SOURCE_FIELDS if not str(p.get("source", {}).get(k, "")).strip()]
    if missing:
        raise ValueError(f"river name {p.get('name')!r}: source lacks {', '.join(missing)}")
    return RiverName(
        name=str(p["name"]),
        name_ar=str(p["name_ar"]) if p.get("name_ar") else None,
        points=tuple((float(lat), float(lon)) for lon, lat in geometry["coordinates"]),
        source={k: str(v) for k, v in p["source"].items()},
    )


def load_river_names(path: Path = RIVER_NAMES_FILE) -> tuple[RiverName, ...]:
    """Every river name in the file, in its order; a record without its source is refused."""
    collection = json.loads(path.read_text(encoding="utf-8"))
    return tuple(_river(f) for f in collection["features"])


@cache
def river_names() -> tuple[RiverName, ...]:
    """The packaged river names, read once per process."""
    return load_river_names()
