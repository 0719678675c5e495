"""The export formats: each one's name, file suffix and MIME type, and the figure sizes.

Why a module of its own: the page names the formats on every run (its download buttons),
while the writers behind them load GDAL (pyogrio, geopandas) and matplotlib, which take
about a second to import. The page imports this; a writer is imported when a file is made.
"""

from __future__ import annotations

from typing import Literal

Format = Literal["geojson", "csv", "kml", "html", "png", "svg", "pdf", "pptx"]
FigureFormat = Literal["png", "svg", "pdf"]
Size = Literal["a4", "letter", "16:9"]

#: Figure format -> (file suffix, MIME type): drawn by `layers.export.figure`.
FIGURE_FORMATS: dict[str, tuple[str, str]] = {
    "png": (".png", "image/png"),
    "svg": (".svg", "image/svg+xml"),
    "pdf": (".pdf", "application/pdf"),
}
#: Format -> (file suffix, MIME type).
FORMATS: dict[str, tuple[str, str]] = {
    "geojson": (".geojson", "application/geo+json"),
    "csv": (".csv", "text/csv"),
    "kml": (".kml", "application/vnd.google-earth.kml+xml"),
    "html": (".html", "text/html"),
    **FIGURE_FORMATS,
    # A lesson's slides (`layers.export.slides`): made from a lesson, not from filters.
    "pptx": (".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}
