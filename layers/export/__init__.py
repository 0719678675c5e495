"""Exports of the filtered atlas: GeoJSON, CSV and KML through GDAL, and one offline HTML file.

Why: analysts take the data on into QGIS, spreadsheets and Google Earth, and teachers need a
file that opens from a USB stick with no network. A copy travels without the app, so every
export says where it came from: the dataset version, the filters (as words and as JSON),
the export time (UTC) and full citations of the sources of the exported events.

What is exported is what the app shows for the same `layers.data.filters.Filters`. Each chosen
event goes out whole, one row per (event, site) pair: an event at three sites is three
rows, a Syria-wide event one row with no site and a null geometry, and a row for a site
with no coordinate (`unlocated.geojson`) has a null geometry too. So the records read back
complete (`read_export`), even where a site filter chose the event by one of its sites;
the HTML bundle's map, like the app's, draws only the chosen sites.

Usage (the paragraph for the README)::

    python -m layers export --format geojson -o atlas.geojson
    python -m layers export --format csv --grade alleged --from 2016 -o alleged.csv
    python -m layers export --format kml --site S1 S2 -o kibar-masyaf.kml
    python -m layers export --format html --from 2007-09 --to 2019 -o handout.html

`--from`/`--to` take a year, a month (2017-03) or a day (2017-03-05); `--link-type`,
`--grade` and `--site` take one or more values and may repeat. Nothing is ever written
inside the data folder. In the app: `data, filename, mime = export_bytes(atlas, filters,
"csv")` for a download button. `read_export(path)` turns a GeoJSON export back into
validated `Event` records, `read_provenance(path)` returns its provenance.

Where provenance goes, per format:

- GeoJSON: a top-level foreign member `atlas_provenance`, written by GDAL itself
  (FOREIGN_MEMBERS_COLLECTION, GDAL >= 3.9, kept in RFC 7946 mode); every feature also
  carries `dataset_version`. GDAL writes `"geometry": null` for rows without a coordinate.
- CSV: columns `dataset_version`, `exported_at`, `filters`, `filters_json` on every row, and
  each row's sources cited in full. Not a comment block, which spreadsheets read as data
  rows, and not a sidecar, which a download button cannot deliver and which gets separated
  from the file. UTF-8 with a byte-order mark, so Excel reads the accents and Arabic.
- KML: GDAL's KML driver, not LIBKML: LIBKML writes text in CDATA sections without
  splitting "]]>", so a title containing it breaks the file. The provenance goes in the
  Document's name, description and ExtendedData, added after GDAL has written the file.
  A Placemark per row (name: the event title; description: the event as the app's panel
  shows it); rows without a coordinate are Placemarks without a geometry.
- HTML: the header (version, filters, export time), the source list, and the same JSON in a
  `<script type="application/json" id="atlas-provenance">` element.

The HTML bundle is the app's folium map (`layers.map.mapview`, with popups) rendered to a full
page, with Leaflet's script and stylesheet, and the images the stylesheet names, inlined from
static/vendor; around it the legend, the SVG timeline, the events table and the source list
(`layers.render.html`, `layers.render.timeline`). It doubles as the printable handout:
`@page` size auto (A4 or Letter from the print dialog), the chronology and the sources each
start a page, and the map keeps one fixed size on screen and paper, since Leaflet draws for
the size it had.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import io
import json
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from xml.sax.saxutils import escape as xml_escape

import geopandas as gpd
import pandas as pd
import pyogrio
from shapely.geometry import Point

from layers.data.filters import Filters, filter_events, sites_shown
from layers.data.load import DEFAULT_DATA_DIR, data_dir, read_json
from layers.data.model import SYRIA_WIDE, Atlas, DatedEvent
from layers.data.schema import Event, Grade, LinkType, Source
from layers.map import mapview
from layers.map.assets import VENDOR_DIR, OfflineAssetError, local_file
from layers.map.basemap import OFFLINE
from layers.map.leaflet import script_json
from layers.render.html import (
    esc,
    event_item,
    events_table_html,
    legend_html,
    precision_text,
    source_citation,
    source_list,
)
from layers.render.style import GRADE_BASIS_LABELS, GRADE_STYLES, LINK_LABELS, link_words
from layers.render.timeline import timeline_legend, timeline_svg
from layers.render.words import citation_text

Format = Literal["geojson", "csv", "kml", "html"]
#: Format -> (file suffix, MIME type).
FORMATS: dict[str, tuple[str, str]] = {
    "geojson": (".geojson", "application/geo+json"),
    "csv": (".csv", "text/csv"),
    "kml": (".kml", "application/vnd.google-earth.kml+xml"),
    "html": (".html", "text/html"),
}
PROVENANCE_MEMBER = "atlas_provenance"
LAYER_NAME = "dprk_syria_atlas_export"
GENERATOR = "DPRK–Syria Atlas, layers.export (python -m layers export)"

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


class ExportPathError(ValueError):
    """An export would be written where it must not be (inside the data folder)."""


# --------------------------------------------------------------------------- provenance


def utc_stamp(when: dt.datetime) -> str:
    """ISO 8601 in UTC to the second, with a Z: 2026-11-26T15:04:05Z."""
    return when.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def filters_json(filters: Filters) -> dict[str, Any]:
    """The filters as plain JSON, with the date span resolved to days (null = all)."""
    first, last = filters.date_span()
    links = None if filters.link_types == frozenset(LinkType) else filters.link_types
    grades = None if filters.grades == frozenset(Grade) else filters.grades
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "link_types": None if links is None else sorted(v.value for v in links),
        "grades": None if grades is None else sorted(v.value for v in grades),
        "grade_of": filters.grade_basis,
        "layer_ids": None if filters.layer_ids is None else sorted(filters.layer_ids),
        "site_ids": None if filters.site_ids is None else sorted(filters.site_ids),
        "entity_ids": None if filters.entity_ids is None else sorted(filters.entity_ids),
        "syria_wide": filters.syria_wide and filters.site_ids is None,
    }


def filters_text(atlas: Atlas, filters: Filters) -> str:
    """The filters in words, for readers of the export."""
    first, last = filters.date_span()
    if (first.month, first.day, last.month, last.day) == (1, 1, 12, 31):
        span = f"years {first.year}–{last.year}"
    else:
        span = f"dates {first.isoformat()} to {last.isoformat()}"
    chosen = filters_json(filters)
    titles = {layer.id: layer.info.title for layer in atlas.layers}

    def listed(key: str, name: Any) -> str:
        values = chosen[key]
        return "all" if values is None else ", ".join(name(v) for v in values)

    parts = [
        span,
        "North Korean link: " + listed("link_types", lambda v: LINK_LABELS[LinkType(v)]),
        f"evidence ({GRADE_BASIS_LABELS[filters.grade_basis]}): "
        + listed("grades", lambda v: GRADE_STYLES[Grade(v)].short),
        "layers: " + listed("layer_ids", lambda v: titles.get(v, v)),
        "sites: " + listed("site_ids", atlas.site_label),
        "entities: " + listed("entity_ids", lambda v: _entity_name(atlas, v)),
        "Syria-wide events " + ("included" if chosen["syria_wide"] else "left out"),
    ]
    return "; ".join(parts)


def _entity_name(atlas: Atlas, entity_id: str) -> str:
    entity = atlas.entities.get(entity_id)
    return entity.name if entity else entity_id


def cited_sources(atlas: Atlas, events: list[DatedEvent]) -> dict[str, Source]:
    """The sources the events cite, in the order of the source list (by publisher)."""
    ids = {s for dated in events for s in dated.event.source_ids if s in atlas.sources}
    chosen = sorted((atlas.sources[s] for s in ids), key=lambda s: (s.publisher.lower(), s.id))
    return {s.id: s for s in chosen}


def provenance(
    atlas: Atlas, filters: Filters, events: list[DatedEvent], exported_at: dt.datetime, fmt: str
) -> dict[str, Any]:
    """Where an export came from: dataset, filters, time and the full sources cited."""
    info = atlas.info
    return {
        "generator": GENERATOR,
        "format": fmt,
        "dataset": {
            "title": info.title,
            "version": info.version,
            "released": info.released.isoformat(),
            "licence": info.licence,
        },
        "exported_at": utc_stamp(exported_at),
        "filters": filters_json(filters),
        "filters_text": filters_text(atlas, filters),
        "event_count": len(events),
        "event_ids": [dated.id for dated in events],
        "rows": "one per (event, site) pair; one with no site for a Syria-wide event; "
        "geometry null where the site has no coordinate",
        "sources": [
            {**s.model_dump(mode="json", exclude_none=True), "citation": citation_text(s)}
            for s in cited_sources(atlas, events).values()
        ],
    }


# --------------------------------------------------------------------------- rows


def rows(atlas: Atlas, events: list[DatedEvent]) -> list[dict[str, Any]]:
    """One row per (event, site) pair, in date order; one row with no site for an event
    that concerns none. Lists stay lists here; each format decides how to write them."""
    out = []
    for dated in events:
        event = dated.event
        sources = [atlas.sources[s] for s in event.source_ids if s in atlas.sources]
        common = {
            "event_id": event.id,
            **event.model_dump(mode="json", include=set(EVENT_FIELDS)),
            "date_label": dated.when.label(),
            "date_precision": dated.when.precision,
            "grade_label": GRADE_STYLES[event.grade].label,
            "nk_link_types": [t.value for t in event.nk_link.types],
            "nk_link_grade": str(event.nk_link.grade),
            "nk_link_note": event.nk_link.note,
            "nk_link_label": link_words(event),
            "sources": [citation_text(s) for s in sources],
            "dataset_version": atlas.info.version,
        }
        for site_id in event.site_ids or [None]:
            site = atlas.sites.get(site_id) if site_id else None
            props = site.props if site else None
            out.append(
                {
                    **common,
                    "site_id": site_id,
                    "site_name": atlas.site_label(site_id) if site_id else SYRIA_WIDE,
                    "lon": site.lon if site else None,
                    "lat": site.lat if site else None,
                    "precision_m": props.precision_m if props else None,
                    "precision_class": props.precision_class.value if props else None,
                    "precision_note": props.precision_note if props else None,
                    "site_last_reviewed": props.last_reviewed.isoformat() if props else None,
                }
            )
    return out


def _frame(records: list[dict[str, Any]], *, geometry: bool, join: bool) -> pd.DataFrame:
    names = [c for c in columns() if not (geometry and c in ("lon", "lat"))]
    frame = pd.DataFrame(records, columns=names)
    frame["precision_m"] = frame["precision_m"].astype("Int64")
    if join:  # CSV and KML have no list fields: ids joined by "; ", citations by lines
        for name in names:
            if any(isinstance(value, list) for value in frame[name]):
                separator = "\n" if name == "sources" else "; "
                frame[name] = [separator.join(v) for v in frame[name]]
    if not geometry:
        return frame
    points = [
        Point(r["lon"], r["lat"]) if r["lon"] is not None and r["lat"] is not None else None
        for r in records
    ]
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(points, crs="EPSG:4326"))


def _gdal(frame: pd.DataFrame, driver: str, **options: Any) -> bytes:
    buffer = io.BytesIO()
    pyogrio.write_dataframe(frame, buffer, driver=driver, layer=LAYER_NAME, **options)
    return buffer.getvalue()


# --------------------------------------------------------------------------- formats


@dataclass(frozen=True)
class _Job:
    atlas: Atlas
    filters: Filters
    events: list[DatedEvent]
    provenance: dict[str, Any]


def _geojson(job: _Job) -> bytes:
    frame = _frame(rows(job.atlas, job.events), geometry=True, join=False)
    member = json.dumps({PROVENANCE_MEMBER: job.provenance}, ensure_ascii=False)
    data = _gdal(
        frame,
        "GeoJSON",
        layer_options={"RFC7946": "YES", "FOREIGN_MEMBERS_COLLECTION": member},
    )
    if PROVENANCE_MEMBER not in json.loads(data):  # GDAL < 3.9 ignores the option
        raise RuntimeError("GDAL dropped the provenance member: pyogrio needs GDAL >= 3.9")
    return data


def _csv(job: _Job) -> bytes:
    frame = _frame(rows(job.atlas, job.events), geometry=False, join=True)
    frame["exported_at"] = job.provenance["exported_at"]
    frame["filters"] = job.provenance["filters_text"]
    frame["filters_json"] = json.dumps(job.provenance["filters"], ensure_ascii=False)
    return _gdal(frame, "CSV", layer_options={"WRITE_BOM": "YES"})


def _kml(job: _Job) -> bytes:
    atlas = job.atlas
    records = rows(atlas, job.events)
    by_id = {dated.id: dated for dated in job.events}
    frame = _frame(records, geometry=True, join=True)
    frame.insert(0, "Name", frame.pop("title"))
    frame.insert(
        1, "Description", [_kml_description(atlas, by_id[r["event_id"]], r) for r in records]
    )
    for name in frame.columns.drop("geometry"):
        frame[name] = [_xml_chars(v) if isinstance(v, str) else v for v in frame[name]]
    data = _gdal(frame, "KML").decode("utf-8")
    document = re.search(r"<Document\b[^>]*>", data)
    if document is None:
        raise RuntimeError("GDAL's KML has no <Document> element")
    prov = json.dumps(job.provenance, ensure_ascii=False)
    head = (
        f"<name>{xml_escape(atlas.info.title)} — export, version {xml_escape(atlas.info.version)}"
        f"</name><description>{xml_escape(_provenance_html(atlas, job))}</description>"
        f'<ExtendedData><Data name="{PROVENANCE_MEMBER}"><value>'
        f"{xml_escape(prov)}</value></Data></ExtendedData>"
    )
    head = _xml_chars(head)
    return (data[: document.end()] + head + data[document.end() :]).encode("utf-8")


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_chars(text: str) -> str:
    """Text with the characters XML 1.0 cannot hold at all (control characters, U+FFFE)
    replaced by U+FFFD: GDAL's KML driver writes them as they are, which breaks the file."""
    return _NOT_XML.sub("\ufffd", text)


def _kml_description(atlas: Atlas, dated: DatedEvent, row: dict[str, Any]) -> str:
    """The balloon: the event as the app's panel shows it, the site and its precision."""
    site = atlas.sites.get(row["site_id"]) if row["site_id"] else None
    where = f"{site.name}: {precision_text(site)}" if site else row["site_name"]
    return (
        f'<ol style="list-style:none;padding:0;margin:0">{event_item(atlas, dated)}</ol>'
        f"<p>{esc(where)}</p><p>Dataset version {esc(atlas.info.version)}; event last "
        f"reviewed {esc(row['last_reviewed'])}.</p>"
    )


def _provenance_html(atlas: Atlas, job: _Job) -> str:
    prov = job.provenance
    info = atlas.info
    items = "".join(
        f"<li>{source_citation(s)}</li>" for s in cited_sources(atlas, job.events).values()
    )
    return (
        f"<p>{esc(info.title)}, version {esc(info.version)} (released "
        f"{esc(info.released.isoformat())}); {esc(info.licence)}.</p>"
        f"<p>Exported {esc(prov['exported_at'])} (UTC). Filters: {esc(prov['filters_text'])}. "
        f"{len(job.events)} event(s).</p><p>Sources:</p><ol>{items}</ol>"
    )


# --------------------------------------------------------------------------- HTML bundle

MAP_WIDTH_PX, MAP_HEIGHT_PX = 680, 500  # fits A4 and Letter at 12 mm margins, on screen too

_FOLIUM_PAGE = re.compile(
    r"\s*<!DOCTYPE html>\s*<html>\s*<head>(?P<head>.*?)</head>\s*<body>(?P<body>.*?)</body>"
    r"\s*<script>(?P<script>.*)</script>\s*</html>\s*",
    re.S,
)
_SCRIPT_LINK = re.compile(r'<script src="(?P<url>[^"]+)"></script>')
_CSS_LINK = re.compile(r'<link rel="stylesheet" href="(?P<url>[^"]+)"/>')
_ANY_LINK = re.compile(r"<(?:script|link)\b[^>]*\b(?:src|href)=", re.I)
_CSS_URL = re.compile(r"url\((?P<q>['\"]?)(?P<url>[^)'\"]+)(?P=q)\)")
_VIEWPORT = re.compile(r'<meta name="viewport".*?/>', re.S)

BUNDLE_CSS = """
html,body{height:auto;margin:0;padding:0}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;
  background:#fff}
.atlas-doc{max-width:1100px;margin:0 auto;padding:1rem 1.25rem 2rem}
.atlas-doc h1{font-size:1.6rem;margin:0 0 .2rem}
.atlas-doc h2{font-size:1.25rem;margin:1.4rem 0 .5rem;border-bottom:2px solid #3f007d}
.atlas-facts{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .8rem;margin:.6rem 0;
  font-size:.9rem}
.atlas-facts dt{font-weight:600}.atlas-facts dd{margin:0}
.atlas-map-row{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}
.atlas-map-row .folium-map{flex:none;border:1px solid #bbb}
.atlas-map-side{flex:1 1 260px;min-width:240px}
.atlas-note{font-size:.85rem;color:#4a4a4a}
.atlas-source-section .atlas-sources{margin:0;padding-left:2.6em}
.atlas-source-section .atlas-sources li{margin:.25rem 0}
.atlas-popup ol{max-height:210px;overflow:auto}
.atlas-chronology .atlas-muted>span{display:inline-block;white-space:nowrap}
@media screen and (max-width:740px){.atlas-map-row .folium-map{width:100%!important;
  height:70vh!important}}
@page{size:auto;margin:12mm}
@media print{
  *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
  body{font-size:10pt}
  .atlas-doc{max-width:none;padding:0}
  .atlas-doc h1{font-size:16pt}
  .atlas-doc h2{font-size:13pt;margin-top:0}
  .atlas-map-row{display:block}
  .atlas-map-side{margin-top:.5rem}
  .leaflet-control-zoom,.leaflet-popup-pane,.leaflet-tooltip-pane{display:none}
  .atlas-chronology,.atlas-source-section{break-before:page}
  .atlas-timeline{max-width:100%!important}
  .atlas-chronology .atlas-table{font-size:8.5pt}
  .atlas-chronology .atlas-badge{font-size:7.5pt}
  tr,li,figure{break-inside:avoid}
  thead{display:table-header-group}
  details::details-content{content-visibility:visible;display:block}
  details summary{list-style:none;font-style:italic;color:#4a4a4a}
  details summary::-webkit-details-marker{display:none}
  .atlas-source-section a[href]::after{content:" <" attr(href) ">";overflow-wrap:anywhere;
    font-size:8.5pt;color:#333}
}
"""

# Printing from a browser without ::details-content support: open every summary first.
_PRINT_SCRIPT = (
    'addEventListener("beforeprint",function(){'
    'document.querySelectorAll("details").forEach(function(d){d.open=true;});});'
)


def _css_text(path: Path) -> str:
    """A vendored stylesheet with the files it refers to inlined as data: URLs."""
    css = path.read_text(encoding="utf-8")
    base = path.relative_to(VENDOR_DIR).parent

    def inline(match: re.Match[str]) -> str:
        url = match["url"]
        if url.startswith(("#", "data:")):
            return match[0]
        file = local_file(str(base / url))
        mime = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        encoded = base64.b64encode(file.read_bytes()).decode("ascii")
        return f'url("data:{mime};base64,{encoded}")'

    if "</style" in css.lower():
        raise OfflineAssetError(f"{path.name} cannot be inlined: it contains '</style'")
    return _CSS_URL.sub(inline, css)


def _script_text(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if re.search(r"</script|<!--", text, re.I):
        raise OfflineAssetError(f"{path.name} cannot be inlined: it contains '</script' or '<!--'")
    return text


def _inline_assets(head: str) -> str:
    """Every <script src> and stylesheet <link> of folium's head, inlined from static/vendor."""
    head = _SCRIPT_LINK.sub(
        lambda m: f"<script>{_script_text(local_file(m['url']))}</script>", head
    )
    head = _CSS_LINK.sub(lambda m: f"<style>{_css_text(local_file(m['url']))}</style>", head)
    if _ANY_LINK.search(head):
        raise OfflineAssetError("the map page still links a script or stylesheet")
    return _VIEWPORT.sub("", head)  # folium's forbids zooming the page; ours is below


def _html_bundle(job: _Job) -> bytes:
    atlas, filters, events, prov = job.atlas, job.filters, job.events, job.provenance
    sites = sites_shown(atlas, filters, events)
    fmap = mapview.base_map(OFFLINE)
    mapview.site_layer(atlas, sites, events, popups=True).add_to(fmap)
    page = _FOLIUM_PAGE.fullmatch(fmap.get_root().render())
    if page is None:
        raise RuntimeError("folium's page layout has changed: update layers/export.py")
    map_id = fmap.get_name()
    info = atlas.info
    first, last = filters.date_span()
    chronology = (
        timeline_svg(atlas, events, first.year, last.year)
        + timeline_legend()
        + events_table_html(atlas, events)
        if events
        else "<p>No event matches the filters.</p>"
    )
    cited = dataclasses.replace(
        atlas, events=tuple(events), sources=cited_sources(atlas, events), problems=()
    )
    sources = source_list(cited) if cited.sources else "<p>No source: no event is shown.</p>"
    elsewhere = sum(1 for d in events if not any(s.id in d.event.site_ids for s in sites))
    shown = f"{len(sites)} site(s) on the map, {len(events)} event(s)" + (
        f"; {elsewhere} of them at no mapped site (Syria-wide, unlocated or filtered out), "
        "listed in the chronology only"
        if elsewhere
        else ""
    )
    title = f"{info.title} — export, version {info.version}"
    body = f"""<div class="atlas-doc">
<header>
<h1>DPRK–Syria Atlas</h1>
<div class="atlas-note">Sites in Syria with documented North Korean links: every claim dated,
graded for evidence and sourced. Allegations are claims, not findings.</div>
<dl class="atlas-facts">
<dt>Dataset</dt><dd>{esc(info.title)}, version {esc(info.version)} (released
{esc(info.released.isoformat())})</dd>
<dt>Filters</dt><dd>{esc(prov["filters_text"])}</dd>
<dt>Exported</dt><dd><time datetime="{esc(prov["exported_at"])}">{esc(prov["exported_at"])}</time>
(UTC)</dd>
<dt>Shown</dt><dd>{esc(shown)}</dd>
</dl>
</header>
<main>
<section class="atlas-map-section" aria-label="Map">
<h2>Map</h2>
<div class="atlas-map-row">{page["body"].strip()}
<div class="atlas-map-side">{legend_html()}
<p class="atlas-note">Click a marker for its events. A point may stand for a village, a
neighbourhood or a city centre rather than the facility: the dashed ring shows how precise
it is, and each popup says what the point is.</p></div></div>
</section>
<section class="atlas-chronology" aria-label="Chronology" id="chronology">
<h2>Chronology</h2>{chronology}
</section>
<section class="atlas-source-section" aria-label="Sources" id="sources">
<h2>Sources</h2>{sources}
</section>
</main>
<footer class="atlas-note"><p>Cite as: {esc(info.title)}, version {esc(info.version)},
filtered export of {esc(prov["exported_at"])}. Licence: {esc(info.licence)}.
Basemap: Natural Earth (public domain).</p></footer>
</div>"""
    document = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
{_inline_assets(page["head"])}
<style>{BUNDLE_CSS}
#{map_id}{{width:{MAP_WIDTH_PX}px;height:{MAP_HEIGHT_PX}px;max-width:100%}}</style>
<script type="application/json" id="atlas-provenance">{script_json(prov)}</script>
</head>
<body>
{body}
<script>{page["script"]}</script>
<script>{_PRINT_SCRIPT}</script>
</body>
</html>
"""
    return document.encode("utf-8")


# --------------------------------------------------------------------------- dispatch

_WRITERS = {"geojson": _geojson, "csv": _csv, "kml": _kml, "html": _html_bundle}


def export_bytes(
    atlas: Atlas, filters: Filters, fmt: Format, *, exported_at: dt.datetime | None = None
) -> tuple[bytes, str, str]:
    """The export as (bytes, file name, MIME type), for a download button or a file."""
    if fmt not in _WRITERS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    when = exported_at or dt.datetime.now(dt.UTC)
    events = filter_events(atlas, filters)
    job = _Job(atlas, filters, events, provenance(atlas, filters, events, when, fmt))
    suffix, mime = FORMATS[fmt]
    stamp = utc_stamp(when).replace("-", "").replace(":", "")
    return _WRITERS[fmt](job), f"dprk-syria-atlas-{atlas.info.version}-{stamp}{suffix}", mime


def refuse_data_dir(path: Path) -> None:
    """Raise ExportPathError if `path` lies inside geodata/ or the data folder in use."""
    target = path.expanduser().resolve()
    for folder in {DEFAULT_DATA_DIR.resolve(), data_dir().resolve()}:
        if target.is_relative_to(folder):
            raise ExportPathError(
                f"{path} is inside the data folder {folder}: exports are never written there"
            )


def export(
    atlas: Atlas,
    filters: Filters,
    fmt: Format,
    path: Path,
    *,
    exported_at: dt.datetime | None = None,
) -> Path:
    """Write the export to `path` (never inside the data folder) and return the path."""
    refuse_data_dir(path)
    data, _, _ = export_bytes(atlas, filters, fmt, exported_at=exported_at)
    path.write_bytes(data)
    return path


# --------------------------------------------------------------------------- reading back


def _read_collection(path: Path) -> dict[str, Any]:
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
