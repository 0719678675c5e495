"""Towns and cities for the offline basemap, read from ``geodata/basemap/places.geojson``.

Why here: the place list is data (GeoNames, derived by geodata/basemap/derive_places.py);
the map only decides how to draw it. Each place also gets the zoom from which its name is
shown, from its population, so the national view carries only the large cities and a view
zoomed on a site carries the small towns around it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from layers.paths import REPO_ROOT

PLACES_FILE = REPO_ROOT / "geodata" / "basemap" / "places.geojson"

#: (minimum population, zoom from which the name is shown), first match wins. Syria is the
#: subject, so its towns come in one zoom step earlier than its neighbours'.
SYRIA_ZOOMS: tuple[tuple[int, int], ...] = ((300_000, 0), (100_000, 7), (20_000, 8), (5_000, 9))
NEIGHBOUR_ZOOMS: tuple[tuple[int, int], ...] = ((1_000_000, 7), (200_000, 8), (50_000, 9))
#: Every other place (small towns; GeoNames gives some seats of districts population 0).
LAST_ZOOM = 10


@dataclass(frozen=True)
class Place:
    """A populated place: GeoNames' main name, its Arabic name where unambiguous."""

    geonameid: int
    name: str
    name_ar: str | None
    country: str
    population: int
    lat: float
    lon: float

    @property
    def min_zoom(self) -> int:
        """The zoom from which this place's name is shown."""
        steps = SYRIA_ZOOMS if self.country == "SY" else NEIGHBOUR_ZOOMS
        return next((zoom for least, zoom in steps if self.population >= least), LAST_ZOOM)


def _place(feature: dict[str, Any]) -> Place:
    p = feature["properties"]
    lon, lat = feature["geometry"]["coordinates"]
    return Place(
        geonameid=int(p["geonameid"]),
        name=str(p["name"]),
        name_ar=str(p["name_ar"]) if p.get("name_ar") else None,
        country=str(p["country"]),
        population=int(p["population"]),
        lat=float(lat),
        lon=float(lon),
    )


def load_places(path: Path = PLACES_FILE) -> tuple[Place, ...]:
    """Every place in the file, in its order (largest population first)."""
    collection = json.loads(path.read_text(encoding="utf-8"))
    return tuple(_place(f) for f in collection["features"])


@cache
def places() -> tuple[Place, ...]:
    """The packaged places, read once per process."""
    return load_places()


def places_source(path: Path = PLACES_FILE) -> dict[str, str]:
    """The provenance recorded in the file itself (name, url, licence, carrier)."""
    return dict(json.loads(path.read_text(encoding="utf-8"))["source"])
