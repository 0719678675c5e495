"""The sortable events table: the accessible equivalent of the map, with the same facts
(date at its precision, site, link type, grade, sources) plus when each was reviewed."""

from __future__ import annotations

import hashlib

import pandas as pd

from layers.data.model import Atlas, DatedEvent
from layers.render.event_row import event_row

COLUMNS = [
    "Date",
    "Earliest day",
    "Site",
    "Event",
    "North Korean link",
    "Event grade",
    "Sources",
    "Last reviewed",
    "ID",
]


def events_frame(atlas: Atlas, events: list[DatedEvent]) -> pd.DataFrame:
    """One row per shown event, in date order ("Earliest day" sorts by date); the cells
    are `layers.render.event_row`'s, sources one line each joined by "; "."""
    rows = []
    for dated in events:
        row = event_row(atlas, dated)
        rows.append(
            [
                row.date,
                dated.when.start,
                row.site_text,
                row.title,
                row.link,
                row.grade,
                "; ".join(row.citations),
                row.event.last_reviewed,
                row.event.id,
            ]
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def table_key(events: list[DatedEvent], site_id: str | None) -> str:
    """The table widget's key: new when the events or the chosen site change, so a map
    click selects that site's rows and a stale selection never points at other rows."""
    digest = hashlib.sha1(",".join(e.id for e in events).encode()).hexdigest()[:10]
    return f"event-table-{site_id or 'none'}-{digest}"


def rows_at_site(events: list[DatedEvent], site_id: str | None) -> list[int]:
    return [i for i, dated in enumerate(events) if site_id and site_id in dated.event.site_ids]


def selected_event_ids(state_value: object, events: list[DatedEvent]) -> set[str]:
    """Event ids of the rows selected in the table (its session-state value)."""
    try:
        rows = state_value["selection"]["rows"]  # type: ignore[index]
    except (KeyError, TypeError):
        return set()
    return {events[i].id for i in rows if isinstance(i, int) and 0 <= i < len(events)}
