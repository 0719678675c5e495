"""The GIS and spreadsheet formats, written by GDAL (pyogrio): GeoJSON, CSV and KML.

Why GDAL: QGIS, spreadsheets and Google Earth read what GDAL writes. Where provenance goes
(`layers.export.provenance`), per format:

- GeoJSON: a top-level foreign member `atlas_provenance`, written by GDAL itself
  (FOREIGN_MEMBERS_COLLECTION, GDAL >= 3.9, kept in RFC 7946 mode); every feature also
  carries `dataset_version`. GDAL writes `"geometry": null` for rows without a coordinate.
- CSV: columns `dataset_version`, `exported_at`, `filters`, `filters_json` and
  `formula_guard` on every row, and each row's sources cited in full. Not a comment block,
  which spreadsheets read as data rows, and not a sidecar, which a download button cannot
  deliver and which gets separated from the file. UTF-8 with a byte-order mark, so Excel
  reads the accents and Arabic.
- KML: GDAL's KML driver, not LIBKML: LIBKML writes text in CDATA sections without
  splitting "]]>", so a title containing it breaks the file. The provenance goes in the
  Document's name, description and ExtendedData, added after GDAL has written the file.
  A Placemark per row (name: the event title; description: the event as the app's panel
  shows it); rows without a coordinate are Placemarks without a geometry.
  Google Earth renders a Placemark's balloon, and its name in the Places list, as HTML, and
  expands `$[field]` entities in them. So every Placemark uses one BalloonStyle whose text
  is `$[description]` alone (the name never enters the balloon); `$[` in a description is
  written `$&#91;` (shown as `$[`, never expanded); and a name carries no markup: `<`,
  `>`, an `&` that could start a character reference and `$[` become look-alikes
  (`‹ › ＆ $［`), which read the same as text in Google Earth and in a GIS.

CSV injection: a spreadsheet runs a cell that begins with `=`, `+`, `-` or `@` (and, in
some, a tab or a carriage return) as a formula, so a hostile title such as
`=HYPERLINK("http://x")` would run on the reader's machine. In the CSV, and only there, every
such text cell gets a single quote prefixed (OWASP's advice), which spreadsheets show as
text; the `formula_guard` column says so. Numeric columns (lon, lat, precision_m) are
written as numbers, negative ones included. GeoJSON and KML keep the text as it is: they
are read by GIS, not by spreadsheets, and `read_export` must give back the records exactly.
"""

from __future__ import annotations

import io
import json
import re
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import pandas as pd
import pyogrio

from layers.data.model import Atlas, DatedEvent
from layers.export.provenance import PROVENANCE_MEMBER, Job, cited_sources
from layers.export.table import NUMERIC_COLUMNS, rows, to_frame
from layers.render.html import esc, event_item, precision_text, source_citation
from layers.render.style import plural

LAYER_NAME = "dprk_syria_atlas_export"
#: What a spreadsheet may take for the start of a formula (OWASP's list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: The one style every KML Placemark uses: a balloon of the (escaped) description only.
KML_BALLOON_STYLE_ID = "atlas-balloon"
KML_BALLOON_STYLE = (
    f'<Style id="{KML_BALLOON_STYLE_ID}"><BalloonStyle><text>$[description]</text>'
    "</BalloonStyle></Style>"
)


def gdal(frame: pd.DataFrame, driver: str, **options: Any) -> bytes:
    """The frame as one file in `driver`'s format, written in memory."""
    buffer = io.BytesIO()
    pyogrio.write_dataframe(frame, buffer, driver=driver, layer=LAYER_NAME, **options)
    return buffer.getvalue()


def write_geojson(job: Job) -> bytes:
    """RFC 7946 GeoJSON with the provenance as a foreign member of the collection."""
    frame = to_frame(rows(job.atlas, job.events), geometry=True, join=False)
    member = json.dumps({PROVENANCE_MEMBER: job.provenance}, ensure_ascii=False)
    data = gdal(
        frame,
        "GeoJSON",
        layer_options={"RFC7946": "YES", "FOREIGN_MEMBERS_COLLECTION": member},
    )
    if PROVENANCE_MEMBER not in json.loads(data):  # GDAL < 3.9 ignores the option
        raise RuntimeError("GDAL dropped the provenance member: pyogrio needs GDAL >= 3.9")
    return data


def neutralise_formula(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, with ' prefixed; anything else as is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_csv(job: Job) -> bytes:
    """CSV with lon/lat columns, the provenance on every row and formula-safe text cells."""
    frame = to_frame(rows(job.atlas, job.events), geometry=False, join=True)
    frame["exported_at"] = job.provenance["exported_at"]
    frame["filters"] = job.provenance["filters_text"]
    frame["filters_json"] = json.dumps(job.provenance["filters"], ensure_ascii=False)
    frame["rows"] = job.provenance["rows"]
    frame["formula_guard"] = job.provenance["formula_guard"]
    for name in frame.columns:
        if name not in NUMERIC_COLUMNS:
            frame[name] = [neutralise_formula(v) for v in frame[name]]
    return gdal(frame, "CSV", layer_options={"WRITE_BOM": "YES"})


def write_kml(job: Job) -> bytes:
    """KML with a Placemark per row and the provenance in the Document's header."""
    atlas = job.atlas
    records = rows(atlas, job.events)
    by_id = {dated.id: dated for dated in job.events}
    frame = to_frame(records, geometry=True, join=True)
    frame.insert(0, "Name", [kml_name(title) for title in frame.pop("title")])
    frame.insert(
        1,
        "Description",
        [no_entities(_kml_description(atlas, by_id[r["event_id"]], r)) for r in records],
    )
    for name in frame.columns.drop("geometry"):
        frame[name] = [xml_chars(v) if isinstance(v, str) else v for v in frame[name]]
    data = _with_balloon_style(gdal(frame, "KML").decode("utf-8"), len(records))
    document = re.search(r"<Document\b[^>]*>", data)
    if document is None:
        raise RuntimeError("GDAL's KML has no <Document> element")
    prov = json.dumps(job.provenance, ensure_ascii=False)
    head = (
        f"<name>{xml_escape(kml_name(atlas.info.title))} — export, version "
        f"{xml_escape(kml_name(atlas.info.version))}</name>"
        f"<description>{xml_escape(no_entities(_provenance_html(job)))}</description>"
        f"{KML_BALLOON_STYLE}"
        f'<ExtendedData><Data name="{PROVENANCE_MEMBER}"><value>'
        f"{xml_escape(prov)}</value></Data></ExtendedData>"
    )
    head = xml_chars(head)
    return (data[: document.end()] + head + data[document.end() :]).encode("utf-8")


_REFERENCE_START = re.compile(r"&(?=[#A-Za-z])")
_LOOK_ALIKES = str.maketrans({"<": "\u2039", ">": "\u203a"})


def kml_name(text: str) -> str:
    """A Placemark or Document name with no markup for Google Earth's HTML to run:
    ``<`` ``>`` as ‹ ›, an ``&`` before a letter or ``#`` as ＆, ``$[`` as ``$［``."""
    text = _REFERENCE_START.sub("\uff06", text.translate(_LOOK_ALIKES))
    return text.replace("$[", "$\uff3b")


def no_entities(html: str) -> str:
    """HTML with ``$[`` written ``$&#91;``: the same on screen, but Google Earth's entity
    replacement (``$[name]``, ``$[geDirections]``) no longer finds anything to expand."""
    return html.replace("$[", "$&#91;")


_PLACEMARK = re.compile(r"<Placemark\b[^>]*>.*?</Placemark>", re.S)


def _with_balloon_style(kml: str, expected: int) -> str:
    """GDAL's KML with every Placemark pointing at the balloon style (after its
    description, where KML 2.2 puts a styleUrl). Text from data is escaped by GDAL, so
    no tag inside a Placemark comes from data."""
    style_url = f"<styleUrl>#{KML_BALLOON_STYLE_ID}</styleUrl>"
    count = 0

    def point(match: re.Match[str]) -> str:
        nonlocal count
        placemark, found = re.subn(
            "</description>", "</description>" + style_url, match[0], count=1
        )
        count += found
        return placemark

    kml = _PLACEMARK.sub(point, kml)
    if count != expected:
        raise RuntimeError(f"GDAL's KML has {count} Placemark description(s), not {expected}")
    return kml


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_chars(text: str) -> str:
    """Text with the characters XML 1.0 cannot hold at all (control characters, U+FFFE)
    replaced by U+FFFD: GDAL's KML driver writes them as they are, which breaks the file."""
    return _NOT_XML.sub("\ufffd", text)


def _kml_description(atlas: Atlas, dated: DatedEvent, row: dict[str, Any]) -> str:
    """The balloon: the event as the app's panel shows it, the site and its precision."""
    site = atlas.sites.get(row["site_id"]) if row["site_id"] else None
    where = f"{site.name}: {precision_text(site)}" if site else row["site_name"]
    item = event_item(atlas, dated, shapes=False)  # no image in a balloon
    return (
        f'<ol style="list-style:none;padding:0;margin:0">{item}</ol>'
        f"<p>{esc(where)}</p><p>Dataset version {esc(atlas.info.version)}; event last "
        f"reviewed {esc(row['last_reviewed'])}.</p>"
    )


def _provenance_html(job: Job) -> str:
    """The Document's description: dataset, export time, filters and the sources cited."""
    prov = job.provenance
    info = job.atlas.info
    items = "".join(
        f"<li>{source_citation(s)}</li>" for s in cited_sources(job.atlas, job.events).values()
    )
    return (
        f"<p>{esc(info.title)}, version {esc(info.version)} (released "
        f"{esc(info.released.isoformat())}); {esc(info.licence)}.</p>"
        f"<p>Exported {esc(prov['exported_at'])} (UTC). Filters: {esc(prov['filters_text'])}. "
        f"{plural(len(job.events), 'event')}.</p><p>Sources:</p><ol>{items}</ol>"
    )
