"""Reading a GeoJSON export back: its event records and its provenance.

Why: an export must be usable as data again (and the tests prove a round trip gives the
same records), so the rows of one event are joined back into one schema-checked `Event`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from layers.data.load import read_json
from layers.data.schema import Event
from layers.export.provenance import PROVENANCE_MEMBER
from layers.export.table import EVENT_FIELDS


def _read_collection(path: Path) -> dict[str, Any]:
    """The file as a GeoJSON FeatureCollection, or ValueError saying why it is not one."""
    document, problems = read_json(path, name=str(path))
    errors = [p for p in problems if p.severity == "error"]
    if document is None or errors:
        raise ValueError("; ".join(str(p) for p in errors) or f"{path}: cannot be read")
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise ValueError(f"{path}: not a GeoJSON FeatureCollection")
    return document


def read_export(path: Path) -> list[Event]:
    """The event records of a GeoJSON export, validated by the schema, in file order.

    Rows of one event are joined back into one record: its site_ids are the rows'
    site ids in order (none for a Syria-wide event).
    """
    records: dict[str, dict[str, Any]] = {}
    for index, feature in enumerate(_read_collection(path).get("features", [])):
        props = feature.get("properties") or {}
        if "event_id" not in props:
            raise ValueError(f"{path}: feature {index} has no event_id: not an atlas export")
        fields = {name: props[name] for name in EVENT_FIELDS if props.get(name) is not None}
        fields["nk_link"] = {
            "types": props.get("nk_link_types") or [],
            "grade": props.get("nk_link_grade"),
            "note": props.get("nk_link_note"),
        }
        record = records.setdefault(
            props["event_id"], {"id": props["event_id"], "site_ids": [], **fields}
        )
        if props.get("site_id"):
            record["site_ids"].append(props["site_id"])
    return [Event.model_validate(record) for record in records.values()]


def read_provenance(path: Path) -> dict[str, Any]:
    """The `atlas_provenance` member of a GeoJSON export."""
    return _read_collection(path)[PROVENANCE_MEMBER]
