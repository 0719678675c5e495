"""The offline HTML export: one file that opens from a USB stick with no network.

Why: teachers need a handout that works without the app or the internet. It is the app's
folium map (`layers.map.mapview`, with popups) rendered to a full page, with Leaflet's
script and stylesheet, and the images the stylesheet names, inlined from static/vendor (the
atlas's own scripts and styles, from static/atlas, are inline already); around it the
legend, the SVG timeline, the events table and the source list (`layers.render.html`,
`layers.render.timeline`). Its provenance is the header (version,
filters, export time), the source list, and the same JSON as the other formats in a
`<script type="application/json" id="atlas-provenance">` element.

The page is the template ``layers/export/templates/bundle.html.j2``, which autoescapes: the
header's text from data is escaped by it, and only the atlas's own pieces (inlined scripts
and styles, after the checks below, and fragments rendered by layers.render) pass as Markup.

It doubles as the printable handout (static/atlas/bundle.css's @media print; page counts in
tests/browser/test_handout.py): `@page` size auto (A4 or Letter from the print dialog); the map
as Leaflet drew it for the screen, scaled whole to sit beside its legend; the events in two
columns, each citing its sources by number (`source_numbers`); the sources as numbered notes
in three columns, kept whole on a page of their own when they do not fit under a site's
or step's events (`SOURCES_KEPT_TOGETHER`). Nothing else forces a page break, so no page is
left nearly blank.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import mimetypes
import re
from pathlib import Path

import folium
from markupsafe import Markup

from layers.data.filters import sites_shown
from layers.export.provenance import Job, cited_sources
from layers.map import mapview
from layers.map.assets import VENDOR_DIR, OfflineAssetError, local_file
from layers.map.basemap import OFFLINE
from layers.map.leaflet import script_json
from layers.render import frontend
from layers.render.frontend import ATLAS_STATIC_DIR
from layers.render.html import events_table_html, legend_html, source_list, source_numbers
from layers.render.style import plural
from layers.render.templates import environment, render_from
from layers.render.timeline import timeline_legend, timeline_svg

# The page itself: templates/bundle.html.j2 (autoescaped; it may use layers/render/templates).
TEMPLATE_DIR = Path(__file__).parent / "templates"

#: The page's own Content-Security-Policy (a <meta> tag, since a file:// page has no
#: headers): inline script and style only, images and fonts from data: URLs, no network,
#: no forms, no <base>. The page needs nothing else; should an escaping slip ever let
#: markup in, it can neither load nor send anything.
BUNDLE_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data:; font-src data:; base-uri 'none'; form-action 'none'"
)

MAP_WIDTH_PX, MAP_HEIGHT_PX = 680, 500  # on screen; printed at 55 % beside the legend

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

# The page around the map, on screen and in print (static/atlas/bundle.css).
BUNDLE_CSS = frontend.stylesheet("bundle.css")

_FONT_URL = re.compile(r'url\("app/static/atlas/fonts/(?P<name>[\w.-]+\.ttf)"\)')


@functools.cache
def hangul_css() -> str:
    """static/atlas/hangul.css with its font inlined as a data: URL: the Korean names in the
    events render on a machine with no Korean font, from file:// too (11 kB), on screen
    and in print (both offline pages use it)."""

    def inline(match: re.Match[str]) -> str:
        font = (ATLAS_STATIC_DIR / "fonts" / match["name"]).read_bytes()
        return f'url("data:font/ttf;base64,{base64.b64encode(font).decode("ascii")}")'

    css, found = _FONT_URL.subn(inline, frontend.stylesheet("hangul.css"))
    if not found:
        raise OfflineAssetError("hangul.css no longer names its font as the offline pages expect")
    return css


# On paper, up to this many numbered notes are kept on one page (about 25 CSS px a note in
# the print layout's three columns; a Letter page's printable height is 995 px): a site's or
# a lesson step's handout then has every event on its front and every source on its back.
# The whole dataset's notes (over a hundred) run on from the events, as any long list.
SOURCES_KEPT_TOGETHER = 36

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
    """A vendored script, refused if inlining it could end its <script> element early."""
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


def inline_script(text: str, what: str) -> Markup:
    """Script text for an inline <script>, refused if it could end that element early."""
    if re.search(r"</script|<!--", text, re.I):
        raise OfflineAssetError(f"{what} cannot be inlined: it contains '</script' or '<!--'")
    return Markup(text)


@dataclasses.dataclass(frozen=True)
class MapPage:
    """A folium map rendered as parts of an offline page (also the lesson's file's map)."""

    head: Markup  # folium's head, vendored scripts and styles inlined
    body: Markup  # the map's <div>
    script: Markup  # the map's script, checked for inlining


def map_page(fmap: folium.Map) -> MapPage:
    """`fmap` rendered and split into head, body and script, with nothing left to fetch."""
    page = _FOLIUM_PAGE.fullmatch(fmap.get_root().render())
    if page is None:
        raise RuntimeError("folium's page layout has changed: update layers/export/bundle.py")
    return MapPage(
        head=Markup(_inline_assets(page["head"])),
        body=Markup(page["body"].strip()),
        script=inline_script(page["script"], "the map's script"),
    )


def html_bundle(job: Job) -> bytes:
    """The whole offline page: the map, legend, timeline, events table and sources."""
    atlas, filters, events, prov = job.atlas, job.filters, job.events, job.provenance
    sites = sites_shown(atlas, filters, events)
    fmap = mapview.base_map(OFFLINE)
    mapview.site_layer(atlas, sites, events, popups=True).add_to(fmap)
    page = map_page(fmap)
    info = atlas.info
    first, last = filters.date_span()
    cited = dataclasses.replace(
        atlas, events=tuple(events), sources=cited_sources(atlas, events), problems=()
    )
    # Fragments built by layers.render (escaped there) are Markup; everything else is text.
    chronology = (
        Markup(
            timeline_svg(atlas, events, first.year, last.year)
            + timeline_legend()
            + events_table_html(atlas, events, notes=source_numbers(cited))
        )
        if events
        else None
    )
    elsewhere = sum(1 for d in events if not any(s.id in d.event.site_ids for s in sites))
    shown = f"{plural(len(sites), 'site')} on the map, {plural(len(events), 'event')}" + (
        f"; {elsewhere} of them at no mapped site (Syria-wide, unlocated or filtered out), "
        "listed in the chronology only"
        if elsewhere
        else ""
    )
    document = render_from(
        environment(TEMPLATE_DIR),
        "bundle.html.j2",
        csp=BUNDLE_CSP,
        title=f"{info.title} — export, version {info.version}",
        info=info,
        prov=prov,
        shown=shown,
        head_assets=page.head,
        bundle_css=Markup(hangul_css() + BUNDLE_CSS),
        map_id=fmap.get_name(),
        map_width=MAP_WIDTH_PX,
        map_height=MAP_HEIGHT_PX,
        provenance_json=inline_script(script_json(prov), "the provenance"),
        map_body=page.body,
        legend=Markup(legend_html()),
        chronology=chronology,
        sources=Markup(source_list(cited)) if cited.sources else None,
        sources_together=len(cited.sources) <= SOURCES_KEPT_TOGETHER,
        map_script=page.script,
        print_script=inline_script(_PRINT_SCRIPT, "the print script"),
    )
    return (document + "\n").encode("utf-8")
