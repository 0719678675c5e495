"""Joining schema-following extra files to a copy of the shipped atlas, under the rules
the shipped data obeys: ids stay unique and every event shown keeps a source."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from layers.data.dates import parse_event_date
from layers.data.model import Atlas, DatedEvent
from layers.data.problems import Problem
from layers.data.schema import Event, Source
from layers.data.validate import unresolved
from layers.extra.model import ExtraFile, PlainLayer


def merge_into_atlas(atlas: Atlas, extras: Iterable[ExtraFile]) -> Atlas:
    """A copy of ``atlas`` with the schema-following extra files joined in.

    Extra layers come after the shipped ones. An id already used (layer, site, event,
    source: by the shipped data or an earlier extra file) is a problem and that record
    is skipped; an event whose sources are all unknown is skipped; an event naming an
    unknown site is kept with a warning, as for the shipped data. The problems of every
    extra file (plain ones too) are added to the atlas's problems. ``atlas`` is not
    changed (it is shared by every session).
    """
    layers = list(atlas.layers)
    layer_ids = {layer.id: layer.file for layer in layers}
    site_files = {site.id: layer.file for layer in layers for site in layer.sites}
    event_ids = {dated.id for dated in atlas.events}
    sources = dict(atlas.sources)
    source_files = dict.fromkeys(atlas.sources, "the shipped sources")
    events = list(atlas.events)
    problems = list(atlas.problems)
    for extra in extras:
        problems.extend(extra.problems)
        schema = extra.schema
        if schema is None:
            continue
        label = schema.file
        if schema.layer.id in layer_ids:
            problems.append(
                Problem(
                    label,
                    f"layer id {schema.layer.id!r} is already used by "
                    f"{layer_ids[schema.layer.id]}; this file's sites are skipped",
                    field="atlas_layer.id",
                )
            )
        else:
            kept = []
            for site in schema.layer.sites:
                if site.id in site_files:
                    problems.append(
                        Problem(
                            label,
                            f"site id is already used by {site_files[site.id]}; "
                            "this feature is skipped",
                            index=schema.site_index.get(site.id),
                            record_id=site.id,
                            field="properties.id",
                        )
                    )
                    continue
                site_files[site.id] = label
                kept.append(site)
            layer_ids[schema.layer.id] = label
            layers.append(replace(schema.layer, sites=tuple(kept)))
        for index, source in schema.sources:
            if source.id in sources:
                problems.append(
                    Problem(
                        label,
                        f"source id is already used by {source_files[source.id]}; this "
                        "source is skipped (the earlier one is cited)",
                        index=index,
                        record_id=source.id,
                        field="sources.id",
                    )
                )
                continue
            sources[source.id] = source
            source_files[source.id] = label
        for index, event in schema.events:
            dated = _checked_event(label, index, event, event_ids, sources, site_files, problems)
            if dated is not None:
                event_ids.add(event.id)
                events.append(dated)
    events.sort(key=lambda d: (d.when.sort_key, d.id))
    # replace(): every other part of the atlas (entities, ...) is kept as it is.
    return replace(
        atlas,
        layers=tuple(layers),
        events=tuple(events),
        sources=sources,
        problems=tuple(problems),
    )


def _checked_event(
    label: str,
    index: int,
    event: Event,
    event_ids: set[str],
    sources: dict[str, Source],
    site_files: dict[str, str],
    problems: list[Problem],
) -> DatedEvent | None:
    """The event dated, or None when it is skipped; its problems go to ``problems``."""
    where = {"file": label, "index": index, "record_id": event.id}
    if event.id in event_ids:
        problems.append(
            Problem(
                message="event id is already used by the shipped data or an earlier extra "
                "layer; this event is skipped",
                field="events.id",
                **where,
            )
        )
        return None
    problems += _in_events(
        unresolved(
            where,
            "source_ids",
            event.source_ids,
            sources,
            "is in neither this file nor the shipped sources",
        )
    )
    if all(s not in sources for s in event.source_ids):
        problems.append(
            Problem(
                message="no source resolves, so the event is not shown",
                field="events.source_ids",
                **where,
            )
        )
        return None
    problems += _in_events(
        unresolved(
            where,
            "site_ids",
            event.site_ids,
            site_files,
            "is not in any loaded layer",
            severity="warning",
        )
    )
    return DatedEvent(event=event, when=parse_event_date(event.date))


def _in_events(problems: list[Problem]) -> list[Problem]:
    """Problems of an event's field named as in an extra file: ``events.<field>``."""
    return [replace(p, field=f"events.{p.field}") for p in problems]


def distinct_plain_layers(layers: Iterable[PlainLayer]) -> list[PlainLayer]:
    """The plain layers with unique ids: two files with one name (``points.geojson`` from
    two folders, say) become "points" and "points (2)", so each keeps its own toggle."""
    seen: dict[str, int] = {}
    out = []
    for layer in layers:
        count = seen.get(layer.layer_id, 0) + 1
        seen[layer.layer_id] = count
        if count > 1:
            layer = replace(
                layer, layer_id=f"{layer.layer_id}-{count}", name=f"{layer.name} ({count})"
            )
        out.append(layer)
    return out
