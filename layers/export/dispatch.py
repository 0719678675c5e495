"""Choose the writer for a format, name the file, and write it anywhere but the data folder.

Usage (the paragraph for the README)::

    python -m layers export --format geojson -o atlas.geojson
    python -m layers export --format csv --grade alleged --from 2016 -o alleged.csv
    python -m layers export --format kml --site S1 S2 -o kibar-masyaf.kml
    python -m layers export --format html --from 2007-09 --to 2019 -o handout.html
    python -m layers export --format png --site S1 --size 16:9 -o al-kibar.png
    python -m layers export --format pptx --lesson north-korea-in-syria -o lesson.pptx
    python -m layers export --format html --lesson north-korea-in-syria -o lesson.html

`--from`/`--to` take a year, a month (2017-03) or a day (2017-03-05); `--link-type`,
`--grade` and `--site` take one or more values and may repeat. Nothing is ever written
inside the data folder. A lesson (`--lesson`, slides or its offline page) is made from its
steps, not from filters: `layers.export.slides` and `layers.export.lesson_bundle`. In the
app: `data, filename, mime = export_bytes(atlas, filters, "csv")` for a download button;
`size=` and `highlight=` shape a figure (png, svg, pdf).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

from layers.data.filters import Filters, filter_events
from layers.data.load import DEFAULT_DATA_DIR, data_dir
from layers.data.model import Atlas
from layers.data.schema import Grade, LinkType
from layers.export.kinds import FIGURE_FORMATS, FORMATS, Format, Size
from layers.export.provenance import Job, provenance


def _writer(fmt: str) -> Callable[[Job], bytes] | None:
    """The writer of a data or page format, imported when a file is made (GDAL is slow to
    load, and the page only names the formats); None for a figure or an unknown format."""
    if fmt == "html":
        from layers.export.bundle import html_bundle

        return html_bundle
    if fmt in ("geojson", "csv", "kml"):
        from layers.export import formats

        writers = {
            "geojson": formats.write_geojson,
            "csv": formats.write_csv,
            "kml": formats.write_kml,
        }
        return writers[fmt]
    return None


class ExportPathError(ValueError):
    """An export would be written where it must not be (inside the data folder)."""


def export_bytes(
    atlas: Atlas,
    filters: Filters,
    fmt: Format,
    *,
    exported_at: dt.datetime | None = None,
    size: Size = "a4",
    highlight: frozenset[str] = frozenset(),
) -> tuple[bytes, str, str]:
    """The export as (bytes, file name, MIME type), for a download button or a file."""
    writer = _writer(fmt)
    if writer is None and fmt not in FIGURE_FORMATS:
        expected = ", ".join(f for f in FORMATS if f != "pptx")
        raise ValueError(f"unknown export format {fmt!r}; expected one of {expected}")
    when = exported_at or dt.datetime.now(dt.UTC)
    _, mime = FORMATS[fmt]
    name = file_name(atlas, filters, fmt, when)
    if writer is None:
        from layers.export.figure import figure_bytes  # matplotlib: loaded when asked for

        data = figure_bytes(atlas, filters, fmt, size=size, highlight=highlight, drawn_at=when)
        return data, name, mime
    events = filter_events(atlas, filters)
    job = Job(atlas, filters, events, provenance(atlas, filters, events, when, fmt))
    return writer(job), name, mime


def file_name(atlas: Atlas, filters: Filters, fmt: Format, when: dt.datetime) -> str:
    """``dprk-syria-atlas-1.0.0-2007-2011-alleged-20261129.csv``: the dataset version, the
    filters that differ from the whole atlas (or ``all``), and the day (UTC), so two
    downloads of different views never share a name."""
    words = filter_slug(atlas, filters)
    day = when.astimezone(dt.UTC).strftime("%Y%m%d")
    return f"dprk-syria-atlas-{atlas.info.version}-{words}-{day}{FORMATS[fmt][0]}"


def filter_slug(atlas: Atlas, filters: Filters, limit: int = 60) -> str:
    """The filters in a few file-name-safe words."""
    parts: list[str] = []
    first, last = filters.date_span()
    if (first, last) != Filters().date_span():
        whole_years = (first.month, first.day, last.month, last.day) == (1, 1, 12, 31)
        parts.append(
            f"{first.year}-{last.year}" if whole_years else f"{first:%Y%m%d}-{last:%Y%m%d}"
        )
    if filters.layer_ids is not None and set(filters.layer_ids) != {
        layer.id for layer in atlas.layers
    }:
        parts.append("-".join(sorted(filters.layer_ids)) or "no-layers")
    if filters.site_ids is not None:
        parts.append("-".join(sorted(filters.site_ids)))
    if filters.link_types != frozenset(LinkType):
        parts.append("-".join(t.value for t in LinkType if t in filters.link_types) or "no-link")
    if filters.grades != frozenset(Grade):
        parts.append("-".join(g.value for g in Grade if g in filters.grades) or "no-grade")
    if filters.entity_ids:
        parts.append("-".join(sorted(filters.entity_ids)))
    if not filters.syria_wide:
        parts.append("no-syria-wide")
    slug = re.sub(r"[^a-z0-9]+", "-", "-".join(parts).lower()).strip("-")
    return slug[:limit].rstrip("-") or "all"


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
    size: Size = "a4",
) -> Path:
    """Write the export to `path` (never inside the data folder) and return the path."""
    refuse_data_dir(path)
    data, _, _ = export_bytes(atlas, filters, fmt, exported_at=exported_at, size=size)
    path.write_bytes(data)
    return path
