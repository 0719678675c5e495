"""The rows every export is made of, and the (Geo)DataFrame GDAL writes from them.

What is exported is what the app shows for the same `layers.data.filters.Filters`. Each chosen
event goes out whole, one row per (event, site) pair: an event at three sites is three
rows, a Syria-wide event one row with no site and a null geometry, and a row for a site
with no coordinate (`unlocated.geojson`) has a null geometry too. So the records read back
complete (`layers.export.readback`), even where a site filter chose the event by one of
its sites; the HTML bundle's map, like the app's, draws only the chosen sites.

Module name: `table`, not `rows`, so that `layers.export.rows` stays the function.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from layers.data.model import SYRIA_WIDE, Atlas, DatedEvent
from layers.data.schema import Event
from layers.render.event_row import event_row
from layers.render.style import plural

#: Every field of an event record goes out under its own name, except `id` (as `event_id`)
#: and `site_ids` (one row per site, as `site_id`): a field added to the schema is exported
#: and read back without a change here.
EVENT_FIELDS = tuple(
    name for name in Event.model_fields if name not in ("id", "site_ids", "nk_link")
)
#: The North Korean link goes out flat (spreadsheets and GIS have no nested fields), beside
#: the event's own grade, and is joined back into `nk_link` when reading.
LINK_COLUMNS = ("nk_link_types", "nk_link_grade", "nk_link_note")
#: Added for readers, ignored when reading back.
DERIVED_COLUMNS = ("date_label", "date_precision", "grade_label", "nk_link_label", "sources")
SITE_COLUMNS = ("precision_m", "precision_class", "precision_note", "site_last_reviewed")
#: The only columns that hold numbers; every other column holds text (or nothing).
NUMERIC_COLUMNS = ("lon", "lat", "precision_m")

_FIRST_COLUMNS = (
    "date", "date_label", "date_precision", "title", "grade", "grade_label",
    *LINK_COLUMNS, "nk_link_label",
)  # fmt: skip


def columns() -> tuple[str, ...]:
    """The columns of a row, in order; lon/lat are dropped where the format has a geometry."""
    rest = [
        name
        for name in (*EVENT_FIELDS, *LINK_COLUMNS, *DERIVED_COLUMNS)
        if name not in _FIRST_COLUMNS
    ]
    return (
        "event_id", "site_id", "site_name", "lon", "lat",
        *_FIRST_COLUMNS, *rest, *SITE_COLUMNS, "dataset_version",
    )  # fmt: skip


def row_count(events: list[DatedEvent]) -> int:
    """How many rows :func:`rows` makes of the events, without making them."""
    return sum(max(1, len(dated.event.site_ids)) for dated in events)


def rows_and_events(events: list[DatedEvent]) -> str:
    """ "11 rows for 9 events": what a file holds, said on its button and in the file."""
    return f"{plural(row_count(events), 'row')} for {plural(len(events), 'event')}"


def rows(atlas: Atlas, events: list[DatedEvent]) -> list[dict[str, Any]]:
    """One row per (event, site) pair, in date order; one row with no site for an event
    that concerns none. Lists stay lists here; each format decides how to write them."""
    out = []
    for dated in events:
        row = event_row(atlas, dated)  # the words every table of events shares
        event = row.event
        common = {
            "event_id": event.id,
            **event.model_dump(mode="json", include=set(EVENT_FIELDS)),
            "date_label": row.date,
            "date_precision": dated.when.precision,
            "grade_label": row.grade,
            "nk_link_types": [t.value for t in event.nk_link.types],
            "nk_link_grade": str(event.nk_link.grade),
            "nk_link_note": event.nk_link.note,
            "nk_link_label": row.link,
            "sources": row.citations,
            "dataset_version": atlas.info.version,
        }
        for row_site in row.sites or (None,):
            site = atlas.sites.get(row_site.id) if row_site else None
            props = site.props if site else None
            out.append(
                {
                    **common,
                    "site_id": row_site.id if row_site else None,
                    "site_name": row_site.name if row_site else SYRIA_WIDE,
                    "lon": site.lon if site else None,
                    "lat": site.lat if site else None,
                    "precision_m": props.precision_m if props else None,
                    "precision_class": props.precision_class.value if props else None,
                    "precision_note": props.precision_note if props else None,
                    "site_last_reviewed": props.last_reviewed.isoformat() if props else None,
                }
            )
    return out


def to_frame(records: list[dict[str, Any]], *, geometry: bool, join: bool) -> pd.DataFrame:
    """The rows as GDAL's input: a GeoDataFrame (EPSG:4326 points, None where a row has no
    coordinate) when the format has a geometry, else a DataFrame with lon/lat columns.
    `join` flattens lists for formats without list fields: ids by "; ", citations by lines."""
    names = [c for c in columns() if not (geometry and c in ("lon", "lat"))]
    frame = pd.DataFrame(records, columns=names)
    frame["precision_m"] = frame["precision_m"].astype("Int64")
    if join:
        for name in names:
            if any(isinstance(value, list) for value in frame[name]):
                separator = "\n" if name == "sources" else "; "
                frame[name] = [separator.join(v) for v in frame[name]]
    if not geometry:
        return frame
    import geopandas as gpd  # GDAL's stack: loaded when a file is written, not with the page
    from shapely.geometry import Point

    points = [
        Point(r["lon"], r["lat"]) if r["lon"] is not None and r["lat"] is not None else None
        for r in records
    ]
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(points, crs="EPSG:4326"))
