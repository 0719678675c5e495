"""A figure of the view for reports and slides: PNG (300 dpi), SVG or PDF, drawn on the
server with geopandas and matplotlib from the same data and filters as the map.

Why not a browser screenshot: the figure must carry what a screenshot loses (the grade of
every mark in words, the filters, the dataset version, the date and the numbered sources),
and words in an SVG or PDF must stay text that Inkscape or Illustrator can select and edit
(``svg.fonttype = none``, ``pdf.fonttype = 42``, TrueType embedded).

Contents: the offline basemap (``geodata/basemap/``, as `layers.map.basemap` draws it),
each shown site with its grade shape (`layers.render.style`), its dashed precision ring
and its name and grade in words, a thick ring round the sites of highlighted events, the
legend, a scale bar, a north arrow, the title, a caption with the filters, the dataset
version and the date, and the sources of the shown events as numbered notes
(`layers.export.figure_notes`). Notes that do not fit beside the map continue on further
panels: pages of the PDF, or panels stacked below the map in one PNG or SVG, so no source
is ever dropped. Shape, fill, dash and words carry every grade, so it reads in greyscale.

Text from data is plain text here: matplotlib's maths parser is off (a ``$`` in a title
stays a dollar), characters XML cannot hold are replaced, and the SVG writer escapes the
rest. Usage: ``figure_bytes(atlas, filters, "svg", size="16:9")``.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import textwrap
import warnings
from dataclasses import dataclass
from functools import cache
from typing import Literal

import geopandas as gpd
import matplotlib
import numpy as np
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.figure import Figure, SubFigure
from matplotlib.patches import Ellipse, FancyArrow, PathPatch, Rectangle
from matplotlib.path import Path

from layers.data.filters import Filters, filter_events, sites_shown
from layers.data.geo import SYRIA_BOX
from layers.data.model import Atlas, DatedEvent, Site
from layers.export.figure_notes import (
    Notes,
    caption_text,
    event_line,
    number_sources,
    site_key,
)
from layers.export.formats import xml_chars
from layers.map.basemap import GOVERNORATES, LAYER_FILES, NO_DATA, SEA, WATER, load_layer
from layers.map.mapview import HALO_COLOUR
from layers.render.style import GRADE_STYLES, NO_LINK_STYLE, GradeStyle, events_by_site, site_style

FigureFormat = Literal["png", "svg", "pdf"]
Size = Literal["a4", "letter", "16:9"]
#: Format -> (file suffix, MIME type).
FIGURE_FORMATS: dict[str, tuple[str, str]] = {
    "png": (".png", "image/png"),
    "svg": (".svg", "image/svg+xml"),
    "pdf": (".pdf", "application/pdf"),
}
#: Paper or slide size in inches, landscape.
SIZES: dict[str, tuple[float, float]] = {
    "a4": (297 / 25.4, 210 / 25.4),
    "letter": (11.0, 8.5),
    "16:9": (13.333, 7.5),
}
DPI = 300
LINE_SPACING = 1.15
HIGHLIGHT_COLOUR = "#d55e00"  # Okabe–Ito vermillion; drawn thick, so it reads in grey too
RC = {
    "svg.fonttype": "none",  # words stay <text>
    "pdf.fonttype": 42,  # TrueType, so PDF text is selectable and editable
    "text.parse_math": False,  # a "$" in data is a dollar sign, not maths
    "text.usetex": False,
    "svg.hashsalt": "dprk-syria-atlas",  # the same view gives the same SVG ids
    "font.family": "DejaVu Sans",
}
matplotlib.rcParams.update(RC)
# DejaVu Sans has no Hangul or CJK glyphs: such a title prints as boxes in PNG and PDF (the SVG
# keeps the text). Known and documented; not worth a warning per character on every export.
warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font", category=UserWarning)

_MARKERS = {"square": "s", "circle": "o", "triangle-up": "^", "diamond": "D", "cross": "o"}
_M_PER_DEG = 111_320.0
_LEGEND_TITLE = "Marker shape = strongest evidence of a North Korean link among the shown events"
_LEGEND_NOTE = (
    "Graded on the link, not on the event: an IAEA finding about a building that says nothing "
    "of North Korea does not make the link an official finding."
)


@dataclass(frozen=True)
class Frame:
    """The map's extent in degrees (west, south, east, north), before fitting the axes."""

    west: float
    south: float
    east: float
    north: float

    @classmethod
    def around(cls, lat: float, lon: float, zoom: float) -> Frame:
        """What a Leaflet map about 800 px wide shows at this centre and zoom."""
        half = 800 / (256 * 2**zoom) * 360 / 2
        return cls(lon - half, lat - half * 0.7, lon + half, lat + half * 0.7)


SYRIA_FRAME = Frame(*SYRIA_BOX)


def _text(value: object) -> str:
    """Text from data, safe for every backend: no characters XML cannot hold."""
    return xml_chars(str(value))


def figure_bytes(
    atlas: Atlas,
    filters: Filters,
    fmt: FigureFormat,
    *,
    size: Size = "a4",
    highlight: frozenset[str] = frozenset(),
    frame: Frame | None = None,
    title: str | None = None,
    drawn_at: dt.datetime | None = None,
    sources_elsewhere: str | None = None,
    dpi: int = DPI,
) -> bytes:
    """The figure of the view `filters` selects, as PNG, SVG or PDF bytes.

    `highlight` names events to ring (a lesson step's, rows picked in the table); `frame`
    overrides the extent (the whole of Syria, or the shown sites under a site filter).
    `sources_elsewhere` replaces the numbered notes with that sentence, for a figure whose
    sources are listed beside it (a lesson's slides); the figure is then one page.
    """
    if fmt not in FIGURE_FORMATS:
        raise ValueError(f"unknown figure format {fmt!r}; expected png, svg or pdf")
    if size not in SIZES:
        raise ValueError(f"unknown figure size {size!r}; expected {', '.join(SIZES)}")
    matplotlib.rcParams.update(RC)
    when = drawn_at or dt.datetime.now(dt.UTC)
    events = filter_events(atlas, filters)
    sites = sites_shown(atlas, filters, events)
    notes = number_sources(atlas, sites, events) if sources_elsewhere is None else Notes((), {})
    sheet = _Sheet(
        atlas=atlas,
        events=events,
        sites=sites,
        highlight=highlight,
        notes=notes,
        title=_text(title or f"{atlas.info.title}: {_view_name(atlas, filters, sites)}"),
        caption=_text(caption_text(atlas, filters, events, sites, when)),
        frame=frame or _frame_for(filters, sites),
        sources_elsewhere=sources_elsewhere,
    )
    width, height = SIZES[size]
    buffer = io.BytesIO()
    metadata = _metadata(fmt, sheet.title)
    if fmt == "pdf":
        from matplotlib.backends.backend_pdf import PdfPages

        with PdfPages(buffer, metadata=metadata) as pdf:
            fig = Figure(figsize=(width, height))
            rest = sheet.draw_map_page(fig)
            pdf.savefig(fig)
            while rest:
                fig = Figure(figsize=(width, height))
                rest = sheet.draw_notes_page(fig, rest)
                pdf.savefig(fig)
        return buffer.getvalue()
    # PNG and SVG are one image: panels of the same size stacked below the map for the notes.
    pages = sheet.count_pages(width, height)
    fig = Figure(figsize=(width, height * pages))
    panels = [fig] if pages == 1 else list(fig.subfigures(pages, 1))
    rest = sheet.draw_map_page(panels[0])
    for panel in panels[1:]:
        rest = sheet.draw_notes_page(panel, rest)
    # zlib level 1: a third of the default's time for a few per cent more bytes.
    extra = {"pil_kwargs": {"compress_level": 1}} if fmt == "png" else {}
    fig.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata, **extra)
    return buffer.getvalue()


def _metadata(fmt: str, title: str) -> dict[str, object]:
    """File metadata without a creation date, so the same view gives the same file."""
    if fmt == "svg":
        return {"Date": None, "Title": title}
    if fmt == "pdf":
        return {"CreationDate": None, "ModDate": None, "Title": title}
    return {"Title": title}


def _view_name(atlas: Atlas, filters: Filters, sites: list[Site]) -> str:
    if filters.site_ids is not None and len(sites) == 1:
        return sites[0].name
    first, last = filters.date_span()
    return f"the map, {first.year}–{last.year}" if first.year != last.year else str(first.year)


def _frame_for(filters: Filters, sites: list[Site]) -> Frame:
    """Syria, or the chosen sites with a margin of at least a degree and a half (enough for
    the governorate names and rivers that place them)."""
    if filters.site_ids is None or not sites:
        return SYRIA_FRAME
    lons = [s.lon for s in sites if s.lon is not None]
    lats = [s.lat for s in sites if s.lat is not None]
    pad = max(1.5, (max(lons) - min(lons)) * 0.2, (max(lats) - min(lats)) * 0.2)
    return Frame(min(lons) - pad, min(lats) - pad, max(lons) + pad, max(lats) + pad)


#: How each basemap layer is drawn, as `layers.map.basemap` styles it for Leaflet.
_FILLS: dict[str, dict[str, object]] = {
    "sea": {"facecolor": SEA, "edgecolor": "none", "linewidth": 0},
    "land": {"facecolor": "#f3f2ee", "edgecolor": "none", "linewidth": 0},
    "countries": {"facecolor": "white", "edgecolor": "none", "linewidth": 0, "alpha": 0.7},
    "lakes": {"facecolor": SEA, "edgecolor": WATER, "linewidth": 0.4},
}
_LINES: dict[str, dict[str, object]] = {
    "rivers": {"colors": WATER, "linewidths": 0.9},
    "coast": {"colors": "#9db8cf", "linewidths": 0.5},
    "governorate_lines": {"colors": "#b4b4b4", "linewidths": 0.5, "linestyles": (0, (3, 3))},
    "borders": {"colors": "#8a8a8a", "linewidths": 0.9},
}


@cache
def _basemap_paths(name: str) -> tuple[Path, ...]:
    """A basemap layer read with geopandas once per process, as matplotlib paths (polygons
    with their holes, or lines): each figure then draws them without converting again."""
    frame = gpd.GeoDataFrame.from_features(load_layer(name)["features"], crs="EPSG:4326")
    if name == "countries":  # only Syria is drawn, a shade lighter than its neighbours
        frame = frame[frame["name"] == "Syria"]
    paths = []
    for geometry in frame.geometry:
        for part in getattr(geometry, "geoms", [geometry]):
            if part.geom_type == "Polygon":
                rings = [part.exterior, *part.interiors]
                paths.append(
                    Path.make_compound_path(*(Path(np.asarray(r.coords)[:, :2]) for r in rings))
                )
            else:
                paths.append(Path(np.asarray(part.coords)[:, :2]))
    return tuple(paths)


def _draw_basemap(ax) -> None:
    """The offline basemap as `layers.map.basemap` draws it: fills, water and lines."""
    ax.set_facecolor(NO_DATA)
    for name in LAYER_FILES:
        paths = _basemap_paths(name)
        if name in _FILLS:
            patches = [PathPatch(path) for path in paths]
            ax.add_collection(PatchCollection(patches, **_FILLS[name]), autolim=False)
        else:
            lines = [path.vertices for path in paths]
            ax.add_collection(LineCollection(lines, **_LINES[name]), autolim=False)


def _governorate_labels(ax) -> None:
    """Natural Earth's governorate names at their label points, inside the map."""
    west, east = ax.get_xlim()
    south, north = ax.get_ylim()
    for feature in load_layer(GOVERNORATES)["features"]:
        p = feature["properties"]
        if p.get("type_en") and p.get("latitude") is not None:
            lon, lat = p["longitude"], p["latitude"]
            if west < lon < east and south < lat < north:
                ax.text(
                    lon,
                    lat,
                    _text(p["name"]),
                    fontsize=6,
                    style="italic",
                    color="#6a6a6a",
                    ha="center",
                    va="center",
                    clip_on=True,
                    zorder=2,
                )


def _marker(ax, style: GradeStyle, x: float, y: float, size: float, **extra) -> None:
    """A grade's shape, as `layers.render.style.symbol_svg` draws it."""
    hollow = style.fill == "none"
    ax.scatter(
        [x],
        [y],
        s=size**2,
        marker=_MARKERS[style.shape],
        facecolors="none" if hollow else style.fill,
        edgecolors=style.stroke,
        linewidths=1.4,
        linestyles="--" if style.dashed else "-",
        **extra,
    )
    if style.shape == "cross":
        ax.scatter(
            [x],
            [y],
            s=(size * 0.55) ** 2,
            marker="x",
            c=style.stroke,
            linewidths=1.2,
            **{k: v for k, v in extra.items() if k == "zorder"},
        )


@dataclass
class _Sheet:
    atlas: Atlas
    events: list[DatedEvent]
    sites: list[Site]
    highlight: frozenset[str]
    notes: Notes
    title: str
    caption: str
    frame: Frame
    sources_elsewhere: str | None = None

    # --- layout ----------------------------------------------------------------------

    def count_pages(self, width: float, height: float) -> int:
        """How many panels the notes need (drawn once on a scratch figure)."""
        rest = self.draw_map_page(Figure(figsize=(width, height)), with_map=False)
        pages = 1
        while rest:
            rest = self.draw_notes_page(Figure(figsize=(width, height)), rest)
            pages += 1
        return pages

    def draw_map_page(self, fig: Figure | SubFigure, *, with_map: bool = True) -> list[str]:
        """Title, caption, map and key; returns the note lines that did not fit."""
        width, height = _size(fig)
        margin = 0.35
        title_lines = _lines(self.title, _chars(width - 2 * margin, 13, bold=True))
        y = height - margin
        y = _write(fig, margin, y, "\n".join(title_lines), 13, weight="bold")
        cap = _lines(self.caption, _chars(width - 2 * margin, 7.5))
        y = _write(fig, margin, y - 0.04, "\n".join(cap), 7.5, color="#333333")
        map_top = y - 0.12
        map_w = width * 0.6
        if with_map:
            self._draw_map(fig.add_axes(_rect(fig, margin, margin, map_w, map_top - margin)))
        panel_x = margin + map_w + 0.25
        panel_w = width - panel_x - margin
        y = self._draw_legend(fig, panel_x, map_top, panel_w)
        return self._draw_notes_column(fig, panel_x, y - 0.08, panel_w, margin)

    def draw_notes_page(self, fig: Figure | SubFigure, lines: list[str]) -> list[str]:
        """Notes continued in four columns; returns the lines that still did not fit."""
        width, height = _size(fig)
        margin = 0.35
        y = _write(
            fig, margin, height - margin, f"{self.title}: sources (continued)", 11, weight="bold"
        )
        column_w = (width - 2 * margin - 0.6) / 4
        rest = lines
        for column in range(4):
            x = margin + column * (column_w + 0.2)
            rest = _fill(fig, x, y - 0.1, column_w, margin, rest, 6.5)
        return rest

    # --- the map ---------------------------------------------------------------------

    def _draw_map(self, ax) -> None:
        _draw_basemap(ax)
        west, south, east, north = _fit(self.frame, ax)
        ax.set_aspect("auto")  # _fit gave the limits the box's shape, at the right scale
        ax.set_xlim(west, east)
        ax.set_ylim(south, north)
        _governorate_labels(ax)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("")  # geopandas names the axes in degrees; the figure has no axes
        ax.set_ylabel("")
        for spine in ax.spines.values():
            spine.set_edgecolor("#555555")
            spine.set_linewidth(0.8)
        grouped = events_by_site(self.events)
        placed = [_marker_box(ax, site) for site in self.sites]  # labels avoid markers too
        for site in self.sites:
            shown = grouped.get(site.id, [])
            style = site_style(shown)
            lat, lon = site.lat or 0.0, site.lon or 0.0
            radius = (site.props.precision_m or 0) / _M_PER_DEG
            ring = Ellipse(
                (lon, lat),
                2 * radius / math.cos(math.radians(lat)),
                2 * radius,
                facecolor=HALO_COLOUR,
                alpha=0.06,
                edgecolor="none",
                zorder=3,
            )
            ax.add_patch(ring)
            ax.add_patch(
                Ellipse(
                    (lon, lat),
                    2 * radius / math.cos(math.radians(lat)),
                    2 * radius,
                    facecolor="none",
                    edgecolor=HALO_COLOUR,
                    linewidth=0.8,
                    linestyle=(0, (4, 3)),
                    zorder=3,
                )
            )
            if any(d.id in self.highlight for d in shown):
                ax.scatter(
                    [lon],
                    [lat],
                    s=22**2,
                    marker="o",
                    facecolors="none",
                    edgecolors=HIGHLIGHT_COLOUR,
                    linewidths=3.2,
                    zorder=4,
                )
            _marker(ax, style, lon, lat, 11, zorder=5, gid=f"site-{site.id}")
            placed.append(_label(ax, site, style, placed))
        _scale_bar(ax)
        _north_arrow(ax)

    # --- the key beside the map -------------------------------------------------------

    def _draw_legend(self, fig, x: float, top: float, width: float) -> float:
        y = _write(
            fig,
            x,
            top,
            "\n".join(_lines(_LEGEND_TITLE, _chars(width, 8, bold=True))),
            8,
            weight="bold",
        )
        key_ax = fig.add_axes(_rect(fig, x, y - 6 * 0.2, 0.3, 6 * 0.2))
        key_ax.set_xlim(0, 1)
        key_ax.set_ylim(-0.5, 5.5)
        key_ax.axis("off")
        for row, style in enumerate([*GRADE_STYLES.values(), NO_LINK_STYLE]):
            _marker(key_ax, style, 0.5, 5 - row, 8, zorder=3)
            fig.text(
                *_at(fig, x + 0.32, y - (row + 0.5) * 0.2), style.label, fontsize=7.5, va="center"
            )
        y -= 6 * 0.2 + 0.12
        extra = [
            ("ring", "Dashed ring: the coordinate's precision (the site lies within it)"),
        ]
        if any(d.id in self.highlight for d in self.events):
            extra.append(("highlight", "Thick ring: a site of a highlighted event"))
        for kind, words in extra:
            ring_ax = fig.add_axes(_rect(fig, x + 0.05, y - 0.2, 0.2, 0.2))
            ring_ax.axis("off")
            ring_ax.set_xlim(-1, 1)
            ring_ax.set_ylim(-1, 1)
            ring_ax.set_aspect("equal")
            if kind == "ring":
                ring_ax.add_patch(
                    Ellipse(
                        (0, 0),
                        1.6,
                        1.6,
                        facecolor="none",
                        edgecolor=HALO_COLOUR,
                        linestyle=(0, (4, 3)),
                    )
                )
            else:
                ring_ax.add_patch(
                    Ellipse(
                        (0, 0), 1.5, 1.5, facecolor="none", edgecolor=HIGHLIGHT_COLOUR, linewidth=3
                    )
                )
            _write(
                fig,
                x + 0.32,
                y - 0.03,
                "\n".join(_lines(words, _chars(width - 0.32, 7.5))),
                7.5,
            )
            y -= 0.26
        y = _write(
            fig,
            x,
            y - 0.04,
            "\n".join(_lines(_LEGEND_NOTE, _chars(width, 6.5))),
            6.5,
            color="#444444",
        )
        grouped = events_by_site(self.events)
        lines = [
            f"• {site_key(site, grouped.get(site.id, []), self.notes)}" for site in self.sites
        ] or ["No site on the map: no shown event has a mapped site."]
        y = _write(fig, x, y - 0.08, "Sites on the map", 8, weight="bold")
        y = _write(fig, x, y, _wrap(lines, _chars(width, 6.5)), 6.5)
        picked = [d for d in self.events if d.id in self.highlight]
        if picked:
            y = _write(fig, x, y - 0.08, "Highlighted events", 8, weight="bold")
            y = _write(
                fig,
                x,
                y,
                _wrap([f"• {event_line(d, self.notes)}" for d in picked], _chars(width, 6.5)),
                6.5,
            )
        return y

    def _draw_notes_column(self, fig, x, top, width, bottom) -> list[str]:
        if self.sources_elsewhere is not None:
            _write(fig, x, top, _wrap([self.sources_elsewhere], _chars(width, 7)), 7)
            return []
        if not self.notes.sources:
            _write(fig, x, top, "Sources: none (no event shown).", 7)
            return []
        y = _write(fig, x, top, "Sources (numbered notes)", 8, weight="bold")
        return _fill(fig, x, y, width, bottom, [_text(line) for line in self.notes.lines()], 6.5)


# --- helpers --------------------------------------------------------------------------


def _size(fig: Figure | SubFigure) -> tuple[float, float]:
    """The panel's width and height in inches (a subfigure is a share of its figure)."""
    box = fig.bbox
    dpi = fig.figure.dpi
    return box.width / dpi, box.height / dpi


def _at(fig: Figure | SubFigure, x: float, y: float) -> tuple[float, float]:
    """Inches from the panel's lower left corner, as the panel's fractions."""
    width, height = _size(fig)
    return x / width, y / height


def _rect(fig, x: float, y: float, w: float, h: float) -> tuple[float, float, float, float]:
    width, height = _size(fig)
    return x / width, y / height, w / width, h / height


def _chars(width_in: float, points: float, *, bold: bool = False) -> int:
    """How many characters of DejaVu Sans fit across `width_in` inches (a safe estimate)."""
    return max(10, int(width_in * 72 / (points * (0.62 if bold else 0.54))))


def _line_height(points: float) -> float:
    return points * LINE_SPACING / 72  # matplotlib: n lines are n × spacing × size tall


def _write(fig, x: float, top: float, text: str, points: float, **style) -> float:
    """Text from `top` (inches) downwards; returns where the next block may start."""
    if text:
        fig.text(
            *_at(fig, x, top),
            text,
            fontsize=points,
            va="top",
            ha="left",
            linespacing=LINE_SPACING,
            **style,
        )
    return top - _line_height(points) * (text.count("\n") + 1) - 0.02


def _lines(text: str, chars: int, subsequent_indent: str = "") -> list[str]:
    """Wrapped lines; hyphenated words stay whole (Secretary-General), long URLs are cut."""
    return textwrap.wrap(text, chars, subsequent_indent=subsequent_indent, break_on_hyphens=False)


def _wrap(items: list[str], chars: int) -> str:
    return "\n".join(
        line for item in items for line in _lines(_text(item), chars, subsequent_indent="  ")
    )


def _fill(fig, x, top, width, bottom, lines: list[str], points: float) -> list[str]:
    """Write whole notes while they fit above `bottom`; returns the notes left over."""
    chars = _chars(width, points)
    y = top
    for index, line in enumerate(lines):
        wrapped = _lines(line, chars, subsequent_indent="   ")
        if y - _line_height(points) * len(wrapped) < bottom:
            return lines[index:]
        y = _write(fig, x, y, "\n".join(wrapped), points) - 0.01
    return []


def _label(ax, site: Site, style: GradeStyle, placed: list) -> tuple[float, float, float, float]:
    """The site's name and grade beside its marker, moved until it overlaps no other label."""
    text = f"{_text(site.label)}\n{style.short}"
    fig = ax.figure
    points_w = max(len(line) for line in text.split("\n")) * 7 * 0.58 + 6
    points_h = 2 * 7 * 1.22 + 4
    x0, y0 = ax.transData.transform((site.lon, site.lat))
    scale = fig.dpi / 72
    box = ax.get_window_extent()
    candidates = [
        (12, 0),
        (-12, 0),
        (0, 16),
        (0, -16),
        (30, 30),
        (-30, 30),
        (30, -30),
        (-30, -30),
        (60, 10),
        (-60, 10),
        (60, -40),
        (-60, -40),
    ]
    chosen = None
    for dx, dy in candidates:
        left = x0 + dx * scale - (points_w * scale if dx < 0 else 0)
        if dx == 0:
            left = x0 - points_w * scale / 2
        bottom = y0 + dy * scale - points_h * scale / 2
        rect = (left, bottom, left + points_w * scale, bottom + points_h * scale)
        inside = rect[0] >= box.x0 and rect[2] <= box.x1 and rect[1] >= box.y0
        inside = inside and rect[3] <= box.y1
        if inside and not any(_overlap(rect, other) for other in placed):
            chosen = (dx, dy, rect)
            break
    if chosen is None:
        dx, dy = candidates[0]
        left = x0 + dx * scale
        bottom = y0 - points_h * scale / 2
        chosen = (dx, dy, (left, bottom, left + points_w * scale, bottom + points_h * scale))
    dx, dy, rect = chosen
    far = abs(dx) > 12 or abs(dy) > 16
    ax.annotate(
        text,
        (site.lon, site.lat),
        xytext=(dx, dy),
        textcoords="offset points",
        ha="left" if dx > 0 else "right" if dx < 0 else "center",
        va="center",
        fontsize=7,
        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "#999999", "lw": 0.4, "alpha": 0.9},
        arrowprops={"arrowstyle": "-", "color": "#555555", "lw": 0.6} if far else None,
        zorder=6,
        annotation_clip=False,
    )
    return rect


def _marker_box(ax, site: Site) -> tuple[float, float, float, float]:
    x, y = ax.transData.transform((site.lon, site.lat))
    half = 7 * ax.figure.dpi / 72
    return x - half, y - half, x + half, y + half


def _overlap(a, b) -> bool:
    return not (a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1])


def _fit(frame: Frame, ax) -> tuple[float, float, float, float]:
    """The frame grown to the axes' shape, a degree of longitude drawn cos(latitude) times
    a degree of latitude (the scale of the map at its centre)."""
    box = ax.get_position()
    width, height = _size(ax.figure)
    ratio = (box.width * width) / (box.height * height)  # the box's width / height
    lat0 = (frame.south + frame.north) / 2
    shrink = math.cos(math.radians(lat0))
    span_x = (frame.east - frame.west) * shrink
    span_y = frame.north - frame.south
    if span_x / span_y < ratio:
        span_x = span_y * ratio
    else:
        span_y = span_x / ratio
    lon0 = (frame.west + frame.east) / 2
    half_x = span_x / shrink / 2
    return lon0 - half_x, lat0 - span_y / 2, lon0 + half_x, lat0 + span_y / 2


def _scale_bar(ax) -> None:
    """A bar of a round number of kilometres, about a fifth of the map's width."""
    west, east = ax.get_xlim()
    south, north = ax.get_ylim()
    lat = south + (north - south) * 0.06
    km_per_deg = _M_PER_DEG / 1000 * math.cos(math.radians(lat))
    target = (east - west) * km_per_deg / 5
    km = max(n for n in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500) if n <= max(target, 1))
    x = west + (east - west) * 0.04
    length = km / km_per_deg
    height = (north - south) * 0.008
    for part in range(2):
        ax.add_patch(
            Rectangle(
                (x + part * length / 2, lat),
                length / 2,
                height,
                facecolor="#222222" if part == 0 else "white",
                edgecolor="#222222",
                linewidth=0.6,
                zorder=7,
            )
        )
    ax.text(x, lat + height * 2, "0", fontsize=6.5, ha="center", va="bottom", zorder=7)
    ax.text(
        x + length, lat + height * 2, f"{km} km", fontsize=6.5, ha="center", va="bottom", zorder=7
    )


def _north_arrow(ax) -> None:
    west, east = ax.get_xlim()
    south, north = ax.get_ylim()
    x = east - (east - west) * 0.05
    y = north - (north - south) * 0.16
    length = (north - south) * 0.08
    ax.add_patch(
        FancyArrow(
            x,
            y,
            0,
            length,
            width=(east - west) * 0.006,
            head_width=(east - west) * 0.02,
            head_length=length * 0.35,
            length_includes_head=True,
            color="#222222",
            zorder=7,
        )
    )
    ax.text(
        x,
        y - (north - south) * 0.01,
        "N",
        fontsize=9,
        weight="bold",
        ha="center",
        va="top",
        zorder=7,
    )
