"""The chronology: a timeline chart of shown events by site, and the table beneath it.

Rows are built here, not in the page, so tests can check what the chart and the table
say without a browser. Dates keep their precision: a year-precision event is drawn as a
bar over the whole year and labelled with the year only.
"""

from __future__ import annotations

from functools import lru_cache

import altair as alt
import pandas as pd

from layers.model import SYRIA_WIDE, Atlas, DatedEvent
from layers.style import GRADE_STYLES, LINK_COLOURS, LINK_LABELS

TABLE_COLUMNS = ["Date", "Site", "Event", "DPRK link", "Evidence grade", "Sources", "ID"]


def site_order(atlas: Atlas) -> list[str]:
    """Row order for the chart: layers in their order, then Syria-wide."""
    names = [site.label for layer in atlas.layers for site in layer.sites]
    return [*names, SYRIA_WIDE]


def chart_rows(atlas: Atlas, events: list[DatedEvent]) -> pd.DataFrame:
    """One row per event and site (a multi-site event appears on each site's row)."""
    rows = []
    for dated in events:
        event = dated.event
        for place in [atlas.short_label(s) for s in event.site_ids] or [SYRIA_WIDE]:
            rows.append(
                {
                    "id": event.id,
                    "site": place,
                    "start": dated.when.start_year,
                    "end": dated.when.end_year,
                    "date": dated.when.label(),
                    "title": event.title,
                    "grade": GRADE_STYLES[event.grade].label,
                    "link": LINK_LABELS[event.link_types[0]],
                    "links": ", ".join(LINK_LABELS[link] for link in event.link_types),
                }
            )
    columns = ["id", "site", "start", "end", "date", "title", "grade", "link", "links"]
    return pd.DataFrame(rows, columns=columns)


def chronology_spec(atlas: Atlas, events: list[DatedEvent]) -> dict:
    """A Vega-Lite spec of events by site over the years (shape = grade, colour = link).

    The spec is built and validated by Altair once per row order; each call only puts
    the rows in, which keeps a rerun fast.
    """
    data = chart_rows(atlas, events)
    present = [s for s in site_order(atlas) if s in set(data["site"])]
    spec = dict(_spec_template(tuple(site_order(atlas))))
    spec["datasets"] = {"events": data.to_dict(orient="records")}
    spec["height"] = max(120, 34 * len(present))
    return spec


@lru_cache(maxsize=8)
def _spec_template(order: tuple[str, ...]) -> dict:
    grades = [style.label for style in GRADE_STYLES.values()]
    links = list(LINK_LABELS.values())
    link_scale = alt.Scale(domain=links, range=list(LINK_COLOURS.values()))
    y = alt.Y("site:N", sort=list(order), title=None, axis=alt.Axis(labelLimit=260))
    x_scale = alt.Scale(nice=False, zero=False)
    base = alt.Chart(alt.NamedData(name="events"))
    spans = base.mark_rule(strokeWidth=3, opacity=0.55).encode(
        x=alt.X("start:Q", scale=x_scale),
        x2="end:Q",
        y=y,
        color=alt.Color("link:N", scale=link_scale, legend=None),
    )
    tooltip = [
        alt.Tooltip("date:N", title="Date"),
        alt.Tooltip("title:N", title="Event"),
        alt.Tooltip("grade:N", title="Evidence"),
        alt.Tooltip("links:N", title="DPRK link"),
        alt.Tooltip("id:N", title="ID"),
    ]
    points = base.mark_point(
        size=110, filled=True, opacity=0.95, stroke="#222", strokeWidth=0.8
    ).encode(
        x=alt.X("start:Q", title="Year", scale=x_scale, axis=alt.Axis(format="d", tickMinStep=1)),
        y=y,
        shape=alt.Shape(
            "grade:N",
            title="Evidence grade",
            scale=alt.Scale(domain=grades, range=[s.shape for s in GRADE_STYLES.values()]),
        ),
        color=alt.Color("link:N", title="North Korean link", scale=link_scale),
        tooltip=tooltip,
    )
    chart = (
        alt.layer(spans, points)
        .properties(title="Events by site over the years")
        .configure_legend(orient="bottom", columns=3, labelLimit=280)
    )
    return chart.to_dict()


def events_table(atlas: Atlas, events: list[DatedEvent]) -> pd.DataFrame:
    """The accessible equivalent of the chart: every shown event with its evidence."""
    rows = []
    for dated in events:
        event = dated.event
        sources = "; ".join(_citation_text(atlas, s) for s in event.source_ids)
        rows.append(
            {
                "Date": dated.when.label(),
                "Site": "; ".join(atlas.site_label(s) for s in event.site_ids) or SYRIA_WIDE,
                "Event": event.title,
                "DPRK link": ", ".join(LINK_LABELS[link] for link in event.link_types),
                "Evidence grade": GRADE_STYLES[event.grade].label,
                "Sources": sources,
                "ID": event.id,
            }
        )
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def _citation_text(atlas: Atlas, source_id: str) -> str:
    source = atlas.sources.get(source_id)
    if source is None:
        return source_id
    number = f" {source.document_number}" if source.document_number else ""
    return f"{source.publisher}: {source.title}{number}"
