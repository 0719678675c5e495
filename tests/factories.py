"""Small, valid records for tests, so each test states only what it changes."""

from __future__ import annotations

import copy
import functools
import hashlib
import json
from pathlib import Path
from typing import Any

REVIEWED = "2026-11-26"


def tree_digest(root: Path) -> str:
    """One SHA-256 over every file's path and bytes under ``root``: equal digests mean
    nothing under it was written, added, removed or renamed."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def site_feature(site_id: str = "S1", lon: float = 39.8, lat: float = 35.7, **props: Any) -> dict:
    properties = {
        "id": site_id,
        "name": f"Site {site_id}",
        "alt_names": [],
        "precision_m": 1000,
        "precision_class": "site",
        "precision_note": "test point",
        "coordinate_source": "test",
        "description": "A test site.",
        "last_reviewed": REVIEWED,
    }
    properties.update(props)
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": properties,
    }


def layer(layer_id: str, *features: dict, order: int = 1, mapped: bool = True) -> dict:
    return {
        "type": "FeatureCollection",
        "atlas_layer": {
            "id": layer_id,
            "title": f"Layer {layer_id}",
            "order": order,
            "mapped": mapped,
        },
        "features": list(features),
    }


def two_layers() -> dict[str, dict]:
    """Layer "a" (site S1) and layer "b" (site S2, near Damascus), in that order: the
    smallest atlas a layer filter can split."""
    return {
        "a": layer("a", site_feature("S1"), order=1),
        "b": layer("b", site_feature("S2", lon=36.3, lat=33.5), order=2),
    }


def _valid_grade(grade: object) -> str:
    """The event's grade for its link, or 'reported' where a test gave a bad grade."""
    valid = ("confirmed-official", "official-gov", "reported", "alleged", "disputed")
    return grade if grade in valid else "reported"  # type: ignore[return-value]


def event(
    event_id: str = "E01",
    site_ids: list[str] | None = None,
    *,
    link_types: list[str] | None = None,
    link_grade: str | None = None,
    **fields: Any,
) -> dict:
    """An event; `link_types` (["none"] for no link) and `link_grade` (the event's grade by
    default) build its `nk_link`, unless `nk_link` is given whole."""
    record = {
        "id": event_id,
        "site_ids": ["S1"] if site_ids is None else site_ids,
        "date": "2007-09-06",
        "title": f"Event {event_id}",
        "summary": "Something reportedly happened.",
        "grade": "reported",
        "grade_note": "test",
        "source_ids": ["src-a"],
        "last_reviewed": REVIEWED,
    }
    record.update(fields)
    if "nk_link" not in record:
        types = ["nuclear"] if link_types is None else link_types
        linked = types != ["none"]
        record["nk_link"] = {
            "types": types if linked else [],
            "grade": (link_grade or _valid_grade(record["grade"])) if linked else "none",
            "note": "test link",
        }
    return record


def source(source_id: str = "src-a", **fields: Any) -> dict:
    record = {
        "id": source_id,
        "publisher": "Test Publisher",
        "title": "A test article",
        "date": "2008-04-24",
        "url": "https://example.org/a",
        "url_kind": "publisher",
    }
    record.update(fields)
    return record


DATASET = {
    "title": "Test dataset",
    "version": "0.0.1",
    "released": REVIEWED,
    "licence": "CC BY 4.0",
    "description": "For tests.",
}


def entity(entity_id: str = "komid", **fields: Any) -> dict:
    """An organisation (by default) that a test event can name in its `entity_ids`."""
    record = {
        "id": entity_id,
        "kind": "organisation",
        "name": f"Entity {entity_id}",
        "description": "A test entity, named by a test event.",
        "source_ids": ["src-a"],
        "last_reviewed": REVIEWED,
    }
    record.update(fields)
    return record


def claim(claim_id: str = "C01", **fields: Any) -> dict:
    """A claim of the article under check, established by event E01."""
    record = {
        "id": claim_id,
        "topic": "A test claim",
        "quote": "Something happened",
        "status": "established",
        "evidence": "A test event says so (E01).",
        "event_ids": ["E01"],
        "last_reviewed": REVIEWED,
    }
    record.update(fields)
    return record


def claims_document(claims: list[dict], **fields: Any) -> dict:
    """A whole claims.json: a test article and its claims (`fields` add or replace keys)."""
    return {"article": {"author": "A. Writer", "note": "A test copy."}, "claims": claims, **fields}


def _write_json(path: Path, document: object) -> None:
    path.write_text(json.dumps(document), encoding="utf-8")


def write_dataset(
    root: Path,
    layers: dict[str, dict] | None = None,
    events: list[dict] | None = None,
    sources: list[dict] | None = None,
    *,
    entities: list[dict] | None = None,
    claims: dict | None = None,
) -> Path:
    """Write a complete small data folder and return it; with `entities` (records) an
    entities.json, with `claims` (a whole document, `claims_document`) a claims.json."""
    (root / "sites").mkdir(parents=True, exist_ok=True)
    _write_json(root / "dataset.json", DATASET)
    layers = layers if layers is not None else {"one": layer("one", site_feature())}
    for name, document in layers.items():
        _write_json(root / "sites" / f"{name}.geojson", document)
    _write_json(root / "events.json", {"events": events if events is not None else [event()]})
    _write_json(root / "sources.json", {"sources": sources if sources is not None else [source()]})
    if entities is not None:
        _write_json(root / "entities.json", {"entities": entities})
    if claims is not None:
        _write_json(root / "claims.json", claims)
    return root


def copy_of(document: dict) -> dict:
    return copy.deepcopy(document)


def synthetic_points(n: int, seed: int = 0) -> bytes:
    """A GeoJSON FeatureCollection of ``n`` random points inside Syria (UTF-8 bytes).

    Points are drawn uniformly over Syria's governorates (Natural Earth, from
    geodata/basemap/, read only), with a name, a category, a count and a date each.
    Deterministic for a given ``seed``. For tests and benchmarks.
    """
    import numpy as np
    import shapely
    from shapely.geometry import shape as to_shape

    from layers.map.basemap import GOVERNORATES, load_layer

    syria = shapely.union_all(
        [
            to_shape(f["geometry"])
            for f in load_layer(GOVERNORATES)["features"]
            if f["properties"].get("type_en")
        ]
    )
    west, south, east, north = syria.bounds
    rng = np.random.default_rng(seed)
    lons: list[float] = []
    lats: list[float] = []
    while len(lons) < n:
        want = max(64, int((n - len(lons)) * 1.6))
        x = rng.uniform(west, east, want)
        y = rng.uniform(south, north, want)
        keep = shapely.contains_xy(syria, x, y)
        lons.extend(x[keep].tolist())
        lats.extend(y[keep].tolist())
    categories = ("depot", "checkpoint", "airstrip", "workshop", "port", "unknown")
    pick = rng.integers(0, len(categories), n).tolist()
    counts = rng.integers(0, 1000, n).tolist()
    days = rng.integers(0, 365 * 20, n).tolist()
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [round(lons[i], 6), round(lats[i], 6)],
            },
            "properties": {
                "name": f"Synthetic point {i + 1}",
                "category": categories[pick[i]],
                "count": counts[i],
                "day": days[i],
            },
        }
        for i in range(n)
    ]
    return json.dumps(
        {"type": "FeatureCollection", "features": features}, separators=(",", ":")
    ).encode("utf-8")


@functools.cache
def shipped_atlas():
    """The shipped data (geodata/), loaded once per test session: tests must not change it."""
    from layers.data.load import DEFAULT_DATA_DIR, load_atlas

    return load_atlas(DEFAULT_DATA_DIR)


@functools.cache
def shipped_lessons() -> tuple:
    """The shipped lessons, checked against the shipped data (none may have a problem)."""
    from layers.data.lessons import load_lessons
    from layers.data.load import DEFAULT_DATA_DIR

    found, problems = load_lessons(DEFAULT_DATA_DIR, shipped_atlas())
    assert problems == [], problems
    return tuple(found)


def schema_events_layer(n_events: int, n_sites: int = 1, seed: int = 0) -> bytes:
    """A schema-following extra layer (UTF-8 GeoJSON bytes): ``n_sites`` sites near Deir
    ez-Zor, one source and ``n_events`` events spread over 1966-2025 across the sites.

    The shape of the security review's chronology probe (one site, 20,000 events: about
    3.7 MB). Deterministic for a given ``seed``. For tests and benchmarks.
    """
    import random

    rng = random.Random(seed)
    sites = [
        site_feature(f"S{9001 + i}", lon=40.0 + i * 0.01, lat=35.3, name=f"Synthetic site {i + 1}")
        for i in range(n_sites)
    ]
    document = layer("extra-synthetic-events", *sites, order=90)
    document["sources"] = [source("src-synthetic-events")]
    grades = ("confirmed-official", "official-gov", "reported", "alleged", "disputed")
    document["events"] = [
        event(
            f"E{900001 + i}",
            [f"S{9001 + rng.randrange(n_sites)}"],
            date=f"{rng.randint(1966, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            title=f"Synthetic event {i + 1}",
            grade=grades[rng.randrange(len(grades))],
            source_ids=["src-synthetic-events"],
        )
        for i in range(n_events)
    ]
    return json.dumps(document, separators=(",", ":")).encode("utf-8")


def hostile_lesson(root: Path, text: str) -> tuple:
    """(atlas, lesson) with `text` as a site's name, an event's and a source's title, and as
    the lesson's own title, summary, step titles, texts and notes (past the validator, which
    refuses < and >: an export must not rely on it). Two steps, both on site S1."""
    from layers.data.lessons import Lesson
    from layers.data.load import load_atlas

    layers = {"a": layer("a", site_feature("S1", name=text))}
    events = [event("E01", ["S1"], title=text, grade="alleged")]
    atlas = load_atlas(write_dataset(root, layers, events, [source(title=text)]))
    assert atlas.problems == ()
    step = {
        "title": "A step",
        "text": "It is alleged that something happened.",
        "citations": ["E01", "src-a"],
        "view": {"site": "S1", "zoom": 8},
        "filters": {"years": [2000, 2020]},
        "highlight_event_ids": ["E01"],
        "presenter_notes": "Say 'alleged'.",
    }
    lesson = Lesson.model_validate(
        {
            "id": "hostile",
            "title": "A test",
            "audience": "Testers",
            "summary": "A lesson about a hostile record.",
            "last_reviewed": "2026-11-26",
            "steps": [{**step, "id": f"step-{n}"} for n in (1, 2)],
        }
    )
    steps = [
        s.model_copy(update={"title": text, "text": text, "presenter_notes": text})
        for s in lesson.steps
    ]
    return atlas, lesson.model_copy(update={"title": text, "summary": text, "steps": steps})
