"""Bring-your-own layers: a user's GeoJSON, uploaded or found in ``ATLAS_EXTRA_LAYERS``.

A file that follows the atlas's site schema is merged into a copy of the atlas (its sites
get dates, grades, filters and the chronology); any other valid GeoJSON becomes a plain
layer, drawn by layers/map/plain_layers.py. Nothing here raises on bad input: every
problem names the file, the feature and the field, and the valid rest is kept. Nothing
is written to ``geodata/``, and no Streamlit is used: layers/ui/uploads.py wires it in.

The work is split by step: model (limits, results), read (limits, worker process,
folder), site_file and merge (the site schema), geojson, geometry and popups (plain
layers), sink (problem caps), text (safe names), publish (files the map fetches).
"""

from layers.extra.merge import distinct_plain_layers, merge_into_atlas
from layers.extra.model import (
    GEOMETRY_TYPES,
    MAX_POPUP_PROPERTIES,
    PROBLEMS_PER_KIND,
    UPLOAD_LIMIT_BYTES,
    UPLOAD_LIMIT_MB,
    ExtraFile,
    ExtraLayers,
    PlainLayer,
    SchemaLayer,
)
from layers.extra.popups import POPUP_CSS, popup_html
from layers.extra.publish import PUBLISH_SUBDIR, Published, publish, publish_all, publish_with
from layers.extra.read import (
    EXTRA_LAYERS_ENV,
    extra_folder,
    load_extra_folder,
    read_extra,
    read_extra_path,
    too_large,
)
from layers.extra.text import safe_name

__all__ = [
    "EXTRA_LAYERS_ENV",
    "GEOMETRY_TYPES",
    "MAX_POPUP_PROPERTIES",
    "POPUP_CSS",
    "PROBLEMS_PER_KIND",
    "PUBLISH_SUBDIR",
    "UPLOAD_LIMIT_BYTES",
    "UPLOAD_LIMIT_MB",
    "ExtraFile",
    "ExtraLayers",
    "PlainLayer",
    "Published",
    "SchemaLayer",
    "extra_folder",
    "load_extra_folder",
    "distinct_plain_layers",
    "merge_into_atlas",
    "popup_html",
    "publish",
    "publish_all",
    "publish_with",
    "read_extra",
    "read_extra_path",
    "safe_name",
    "too_large",
]
