"""Exports of the filtered atlas: GeoJSON, CSV and KML through GDAL, and one offline HTML file.

Why: analysts take the data on into QGIS, spreadsheets and Google Earth, and teachers need a
file that opens from a USB stick with no network. A copy travels without the app, so every
export says where it came from. One job per module:

- `provenance`: the dataset version, filters, export time and sources every format carries;
- `table`: one row per (event, site) pair, and the frame GDAL writes;
- `formats`: the GeoJSON, CSV (formula-injection safe) and KML writers;
- `bundle`: the single-file HTML page, map and handout in one;
- `lesson_bundle`: a lesson as one offline HTML page that plays it (the stage, keys, notes);
- `dispatch`: `export_bytes` and `export`, never into the data folder (usage there);
- `readback`: `read_export` and `read_provenance` for a GeoJSON export;
- `figure` (a sub-package): a figure of the view (PNG, SVG, PDF) with its words and notes;
- `slides`: a lesson as PowerPoint slides (imported where used: python-pptx is not light).

The names other code uses are re-exported here: `from layers.export import export_bytes`.
"""

from __future__ import annotations

from layers.export.bundle import BUNDLE_CSP, BUNDLE_CSS, MAP_HEIGHT_PX, MAP_WIDTH_PX, html_bundle
from layers.export.dispatch import (
    FORMATS,
    ExportPathError,
    Format,
    export,
    export_bytes,
    file_name,
    refuse_data_dir,
)
from layers.export.lesson_bundle import lesson_file_name, lesson_html
from layers.export.provenance import (
    CSV_FORMULA_GUARD,
    GENERATOR,
    PROVENANCE_MEMBER,
    Job,
    cited_sources,
    filters_json,
    filters_text,
    utc_stamp,
)
from layers.export.readback import read_export, read_provenance
from layers.export.table import (
    DERIVED_COLUMNS,
    EVENT_FIELDS,
    LINK_COLUMNS,
    NUMERIC_COLUMNS,
    SITE_COLUMNS,
    columns,
    row_count,
    rows,
    rows_and_events,
    to_frame,
)
from layers.render.words import citation_text

__all__ = [
    "BUNDLE_CSP",
    "BUNDLE_CSS",
    "CSV_FORMULA_GUARD",
    "DERIVED_COLUMNS",
    "EVENT_FIELDS",
    "FORMATS",
    "FORMULA_START",
    "GENERATOR",
    "KML_BALLOON_STYLE_ID",
    "LAYER_NAME",
    "LINK_COLUMNS",
    "MAP_HEIGHT_PX",
    "MAP_WIDTH_PX",
    "NUMERIC_COLUMNS",
    "PROVENANCE_MEMBER",
    "SITE_COLUMNS",
    "ExportPathError",
    "Format",
    "Job",
    "citation_text",
    "cited_sources",
    "columns",
    "export",
    "export_bytes",
    "file_name",
    "filters_json",
    "filters_text",
    "html_bundle",
    "kml_name",
    "lesson_file_name",
    "lesson_html",
    "neutralise_formula",
    "no_entities",
    "read_export",
    "read_provenance",
    "refuse_data_dir",
    "row_count",
    "rows",
    "rows_and_events",
    "to_frame",
    "utc_stamp",
    "write_csv",
    "write_geojson",
    "write_kml",
]


#: Names of `layers.export.formats` (GDAL's writers), imported on first use: the page imports
#: this package on every server start, and pyogrio and geopandas take about a second to load.
_FROM_FORMATS = frozenset(
    [
        "FORMULA_START",
        "KML_BALLOON_STYLE_ID",
        "LAYER_NAME",
        "kml_name",
        "neutralise_formula",
        "no_entities",
        "write_csv",
        "write_geojson",
        "write_kml",
    ]
)


def __getattr__(name: str) -> object:
    if name in _FROM_FORMATS:
        from layers.export import formats

        return getattr(formats, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
