"""A lesson as one offline HTML file: the projector stage, every step, played from file://.

Why: a teacher in a room with no internet (or no app server) still needs the lesson, not
just one view of the map. The file holds the offline basemap and Leaflet (inlined as in the
single-view bundle, `layers.export.bundle.map_page`), every step laid out by the stage's
own template (`layers.render.html.stage_step_html`: title, text, cited events with the
map's grade words), the presenter notes (hidden until the N key or their button), the marker
key on the map, and the sources the lesson rests on. Each step's map (its centre, zoom, the
sites its filters show and its highlighted events) travels as JSON in a
``<script type="application/json">`` element; static/atlas/lesson-bundle.js draws it with
the atlas's own marker script (site-markers.js) and takes the lesson keys from
static/atlas/lesson-keys.js, which clicks the page's buttons exactly as in the app.

The page is ``templates/lesson_bundle.html.j2`` (autoescaped); only the atlas's own pieces
pass as Markup: inlined scripts and styles (checked), fragments rendered by layers.render,
and the JSON written by `script_json` (every ``<`` escaped, so a hostile title cannot end the
element). The Content-Security-Policy is the single-view bundle's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import folium
from folium.map import FitBounds
from markupsafe import Markup

from layers.data.filters import filter_events, sites_shown
from layers.data.lessons import Lesson, LessonStep, step_filters, step_view
from layers.data.model import Atlas, DatedEvent
from layers.export.bundle import BUNDLE_CSP, TEMPLATE_DIR, hangul_css, inline_script, map_page
from layers.export.provenance import cited_sources, filters_text, utc_stamp
from layers.map import mapview
from layers.map.basemap import OFFLINE
from layers.map.leaflet import SiteMarkers, script_json
from layers.render import frontend
from layers.render.html import legend_html, source_list, stage_legend_html, stage_step_html
from layers.render.style import plural
from layers.render.templates import environment, render_from
from layers.render.words import day_label

#: The front-end files the page inlines, in order (all from static/atlas/).
SCRIPTS = ("site-markers.js", "lesson-keys.js", "lesson-bundle.js")
STYLES = ("lesson-bundle.css",)
#: The largest file the lesson may make (issue 14: a USB stick, an e-mail attachment).
MAX_BYTES = 3 * 1024 * 1024


def lesson_file_name(atlas: Atlas, lesson: Lesson) -> str:
    """``north-korea-in-syria-1.0.0.html``: the lesson id (a slug) and the dataset version."""
    return f"{lesson.id}-{atlas.info.version}.html"


def _step_data(atlas: Atlas, step: LessonStep) -> tuple[dict[str, Any], str]:
    """A step's map for site-markers.js (centre, zoom, and the markers its filters show, with
    popups and highlight rings), and what that map shows in words (filters, site count)."""
    filters = step_filters(step, atlas)
    events = filter_events(atlas, filters)
    sites = sites_shown(atlas, filters, events)
    highlight = frozenset(step.highlight_event_ids)
    lat, lon, zoom = step_view(step, atlas)
    records = mapview.site_records(atlas, sites, events, popups=True, highlight=highlight)
    drawn = {"id": step.id, "lat": lat, "lon": lon, "zoom": zoom, "sites": records}
    located = len(records)
    on_map = f"{plural(located, 'site')} on the map" if located else "No site on the map"
    return drawn, f"{on_map}; {filters_text(atlas, filters)}"


def _opened_at(fmap: folium.Map, first: dict[str, Any]) -> folium.Map:
    """The map drawn at the first step's view from the start, not fitted to Syria and then
    moved: every move re-projects the whole basemap, and the first step shows sooner."""
    for name, child in list(fmap._children.items()):
        if isinstance(child, FitBounds):
            del fmap._children[name]
    fmap.location = [first["lat"], first["lon"]]
    fmap.options["zoom"] = first["zoom"]
    return fmap


def _lesson_atlas(atlas: Atlas, lesson: Lesson) -> Atlas:
    """The atlas cut down to what the lesson cites: its events and their sources, and the
    sources a step cites directly (for the source list)."""
    cited = {ref for step in lesson.steps for ref in step.citations}
    events: list[DatedEvent] = [d for d in atlas.events if d.id in cited]
    sources = cited_sources(atlas, events)
    direct = [atlas.sources[ref] for ref in cited if ref in atlas.sources and ref not in sources]
    for source in direct:
        sources[source.id] = source
    return dataclasses.replace(atlas, events=tuple(events), sources=sources, problems=())


def lesson_html(atlas: Atlas, lesson: Lesson, *, exported_at: dt.datetime | None = None) -> bytes:
    """The whole lesson as one HTML page (UTF-8 bytes) that needs no network."""
    when = exported_at or dt.datetime.now(dt.UTC)
    steps, shown = zip(*(_step_data(atlas, step) for step in lesson.steps), strict=True)
    fmap = _opened_at(mapview.base_map(OFFLINE), steps[0])
    page = map_page(fmap)
    marker_config = SiteMarkers([], mapview.HALO_COLOUR, True, legend_html=stage_legend_html())
    data = {
        "map": fmap.get_name(),
        "markers": {k: v for k, v in marker_config.config().items() if k != "sites"},
        "steps": list(steps),
    }
    count = len(lesson.steps)
    step_html = [
        Markup(
            stage_step_html(
                atlas,
                lesson.title,
                index,
                count,
                step.title,
                step.text,
                step.citations,
                step.image,  # a picture the teacher added travels in the file (data: URL)
            )
        )
        for index, step in enumerate(lesson.steps)
    ]
    cited = _lesson_atlas(atlas, lesson)
    info = atlas.info
    document = render_from(
        environment(TEMPLATE_DIR),
        "lesson_bundle.html.j2",
        csp=BUNDLE_CSP,
        title=f"{lesson.title} — a lesson of the {info.title}, version {info.version}",
        lesson=lesson,
        info=info,
        exported_at=utc_stamp(when),
        reviewed=day_label(lesson.last_reviewed),
        steps=list(zip(lesson.steps, step_html, shown, strict=True)),
        head_assets=page.head,
        styles=Markup(hangul_css() + "".join(frontend.stylesheet(name) for name in STYLES)),
        map_body=page.body,
        map_script=page.script,
        lesson_json=inline_script(script_json(data), "the lesson's data"),
        scripts=[inline_script(frontend.script(name), name) for name in SCRIPTS],
        legend=Markup(legend_html()),
        sources=Markup(source_list(cited)) if cited.sources else None,
    )
    return (document + "\n").encode("utf-8")
