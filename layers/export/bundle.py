"""The offline HTML export: one file that opens from a USB stick with no network.

Why: teachers need a handout that works without the app or the internet. It is the app's
folium map (`layers.map.mapview`, with popups) rendered to a full page, with Leaflet's
script and stylesheet, and the images the stylesheet names, inlined from static/vendor (the
atlas's own scripts and styles, from static/atlas, are inline already); around it the
legend, the SVG timeline, the events table and the source list (`layers.render.html`,
`layers.render.timeline`). Its provenance is the header (version,
filters, export time), the source list, and the same JSON as the other formats in a
`<script type="application/json" id="atlas-provenance">` element.

It doubles as the printable handout: `@page` size auto (A4 or Letter from the print
dialog), the chronology and the sources each start a page, and the map keeps one fixed size
on screen and paper, since Leaflet draws for the size it had.
"""

from __future__ import annotations

import base64
import dataclasses
import mimetypes
import re
from pathlib import Path

from layers.data.filters import sites_shown
from layers.export.provenance import Job, cited_sources
from layers.map import mapview
from layers.map.assets import VENDOR_DIR, OfflineAssetError, local_file
from layers.map.basemap import OFFLINE
from layers.map.leaflet import script_json
from layers.render import frontend
from layers.render.html import esc, events_table_html, legend_html, source_list
from layers.render.timeline import timeline_legend, timeline_svg

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

# The page around the map, on screen and in print (static/atlas/bundle.css).
BUNDLE_CSS = frontend.stylesheet("bundle.css")

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


def html_bundle(job: Job) -> bytes:
    """The whole offline page: the map, legend, timeline, events table and sources."""
    atlas, filters, events, prov = job.atlas, job.filters, job.events, job.provenance
    sites = sites_shown(atlas, filters, events)
    fmap = mapview.base_map(OFFLINE)
    mapview.site_layer(atlas, sites, events, popups=True).add_to(fmap)
    page = _FOLIUM_PAGE.fullmatch(fmap.get_root().render())
    if page is None:
        raise RuntimeError("folium's page layout has changed: update layers/export/bundle.py")
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
