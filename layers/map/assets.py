"""Point folium's JavaScript/CSS at the copies in ``static/vendor/``, so maps work offline.

Why: folium lists its front-end libraries (Leaflet, jQuery, Bootstrap, Font Awesome, ...)
as CDN URLs on each element class (``default_js``/``default_css``). st_folium loads them
one after another inside its iframe and awaits each; with no internet the first failure
leaves a zero-height map and no error. Streamlit serves ``static/`` at ``/app/static/``
(``[server] enableStaticServing`` in ``.streamlit/config.toml``), so the same files are
shipped in the repo and the URLs are rewritten to them.

The URLs are relative to the st_folium iframe, whose document is
``<baseUrlPath>/component/streamlit_folium.st_folium/index.html``: two levels up is the
app root, so ``../../app/static/vendor/...`` resolves to ``<baseUrlPath>/app/static/...``
with or without ``--server.baseUrlPath`` (checked in Chromium, see
``tests/unit/test_offline_assets.py``). An absolute ``/app/static/...`` would break under a
base path.

The rewrite sets instance-level ``default_js``/``default_css`` on each element of one
map: folium's class attributes (shared by every map in the process) stay untouched.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Literal

import branca.colormap
import folium
import folium.plugins
from branca.element import CssLink, Element, JavascriptLink, MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from layers.paths import REPO_ROOT

VENDOR_DIR = REPO_ROOT / "static" / "vendor"

# Relative to the st_folium iframe document (see module docstring).
IFRAME_PREFIX = "../../app/static/vendor/"
# Leaflet's default marker images, relative to the vendor folder.
LEAFLET_IMAGES = "leaflet-1.9.3/images/"


class OfflineAssetError(RuntimeError):
    """A map still needs something from the internet to render."""


@dataclass(frozen=True)
class VendoredAsset:
    """One front-end file folium asks for, and where its local copy lives."""

    cdn_url: str  # exactly as folium 0.20 lists it
    path: str  # relative to static/vendor/
    kind: Literal["js", "css"]
    package: str
    version: str

    @property
    def file(self) -> Path:
        return VENDOR_DIR / self.path


#: The manifest of vendored files: folium's CDN URL for each, and where the copy lives.
MANIFEST = VENDOR_DIR / "assets.json"


def _load_manifest() -> tuple[tuple[VendoredAsset, ...], dict[str, str]]:
    document = json.loads(MANIFEST.read_text(encoding="utf-8"))
    assets = tuple(
        VendoredAsset(
            cdn_url=entry["cdn_url"],
            path=entry["path"],
            kind="css" if entry["path"].endswith(".css") else "js",
            package=entry["package"],
            version=entry["version"],
        )
        for entry in document["assets"]
    )
    return assets, dict(document["dropped"])


_ASSETS, _DROPPED = _load_manifest()

#: CDN URL -> vendored asset. Read-only.
ASSETS: Mapping[str, VendoredAsset] = MappingProxyType({a.cdn_url: a for a in _ASSETS})

#: CDN URLs removed from the lists instead of vendored, with the reason.
DROPPED: Mapping[str, str] = MappingProxyType(_DROPPED)


def local_url(asset: VendoredAsset, prefix: str = IFRAME_PREFIX) -> str:
    """The URL of ``asset`` as the map's page should request it."""
    return prefix + asset.path


def local_file(url: str) -> Path:
    """The vendored file behind ``url``: a CDN URL folium lists, a URL produced by
    :func:`localize_assets` (any prefix), or a path relative to ``static/vendor/``
    (which also reaches the images and fonts the vendored CSS refers to).

    For the offline HTML export, which inlines the same files the live app serves.
    Raises :class:`KeyError` for anything that is not a file in ``static/vendor/``.
    """
    if url in ASSETS:
        return ASSETS[url].file
    marker = "static/vendor/"
    rel = url.split(marker, 1)[1] if marker in url else url
    rel = rel.split("?", 1)[0].split("#", 1)[0]
    root = VENDOR_DIR.resolve()
    path = (root / rel).resolve()
    if _is_remote(rel) or not path.is_relative_to(root) or not path.is_file():
        raise KeyError(f"not a vendored file: {url!r}")
    return path


def iter_elements(root: Element) -> Iterator[Element]:
    """``root`` and every element below it (both maps of a DualMap included).

    Walks the same tree st_folium walks to collect its js/css links.
    """
    stack: list[Element] = [root]
    seen: set[int] = set()
    while stack:
        element = stack.pop()
        if id(element) in seen:
            continue
        seen.add(id(element))
        yield element
        if isinstance(element, folium.plugins.DualMap):
            stack.extend((element.m1, element.m2))
        stack.extend(reversed(list(getattr(element, "_children", {}).values())))


def _rewrite(links: list[tuple[str, str]], prefix: str, owner: Element) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for name, url in links:
        if url in DROPPED:
            continue
        if url in ASSETS:
            out.append((name, local_url(ASSETS[url], prefix)))
        elif _is_remote(url):
            raise OfflineAssetError(
                f"{type(owner).__name__} needs {url} ({name!r}), which is not vendored in "
                f"static/vendor/: add it to layers/map/assets.py or do not use this element"
            )
        else:
            out.append((name, url))  # already local (idempotent re-run)
    return out


def localize_assets(root: Element, prefix: str = IFRAME_PREFIX) -> Element:
    """Point every js/css link of ``root`` (a Map, DualMap or Figure) and of every
    element on it at the vendored copies; return ``root``.

    Also points Leaflet's default marker images at the vendored ones (see
    :class:`_LeafletIconPath`). Call it after the last element is added and before
    ``st_folium``. Safe to call again. Raises :class:`OfflineAssetError` if anything
    would still be fetched from the internet (an element whose library is not vendored,
    or a branca colormap, for which st_folium itself adds d3 from a CDN).
    """
    for element in iter_elements(root):
        if isinstance(element, branca.colormap.ColorMap):
            raise OfflineAssetError(
                "a branca colormap is on the map: st_folium then loads d3 from a CDN"
            )
        if isinstance(element, JSCSSMixin):
            # Instance attributes: folium's class-level lists stay as they are.
            element.default_js = _rewrite(list(element.default_js), prefix, element)
            element.default_css = _rewrite(list(element.default_css), prefix, element)
        if isinstance(element, folium.Map):
            _set_icon_path(element, prefix + LEAFLET_IMAGES)
    _forget_rendered_links(root)
    assert_offline(root)
    return root


class _LeafletIconPath(MacroElement):
    """Sets ``L.Icon.Default.imagePath`` before any marker on the map is drawn.

    Why: Leaflet guesses the folder of its default marker images from leaflet.css when
    the first marker is drawn. st_folium adds the stylesheets only after running the
    map script, so the guess falls back to the css link's folder, drops ``images/``
    and the slash, and every default marker 404s (``.../leaflet-1.9.3marker-icon.png``).
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "L.Icon.Default.imagePath = {{ this.image_path|tojson }};"
        "{% endmacro %}"
    )

    def __init__(self, image_path: str) -> None:
        super().__init__()
        self._name = "LeafletIconPath"
        self.image_path = image_path


_ICON_PATH_CHILD = "atlas_leaflet_icon_path"


def _set_icon_path(m: folium.Map, image_path: str) -> None:
    """Add (or replace) the icon-path script as the map's first child, so it runs
    before the script of any marker."""
    m.add_child(_LeafletIconPath(image_path), name=_ICON_PATH_CHILD)
    m._children.move_to_end(_ICON_PATH_CHILD, last=False)


def _forget_rendered_links(root: Element) -> None:
    """Drop CDN links a render before :func:`localize_assets` left in the figure header.

    Rendering again re-adds the links under the same names, now local; a dropped asset
    (glyphicons) would otherwise linger.
    """
    figure = root.get_root()
    header = getattr(figure, "header", None)
    if header is None:
        return
    for name, child in list(header._children.items()):
        url = getattr(child, "url", "")
        if isinstance(child, (JavascriptLink, CssLink)) and _is_remote(url):
            del header._children[name]


def asset_links(root: Element) -> list[tuple[Literal["js", "css"], str, str]]:
    """Every (kind, name, url) the map's page will load, in load order, deduplicated
    by url (as st_folium does)."""
    links: dict[str, tuple[Literal["js", "css"], str, str]] = {}
    for element in iter_elements(root):
        if isinstance(element, JSCSSMixin):
            for name, url in element.default_js:
                links.setdefault(url, ("js", name, url))
            for name, url in element.default_css:
                links.setdefault(url, ("css", name, url))
    return list(links.values())


def assert_offline(root: Element) -> None:
    """Raise :class:`OfflineAssetError` if any js/css link of the map is http(s)."""
    remote = [url for _, _, url in asset_links(root) if _is_remote(url)]
    figure = root.get_root()
    header = getattr(figure, "header", None)
    if header is not None:
        remote += [
            child.url
            for child in header._children.values()
            if isinstance(child, (JavascriptLink, CssLink)) and _is_remote(child.url)
        ]
    if remote:
        raise OfflineAssetError("the map would load from the internet: " + ", ".join(remote))


def _is_remote(url: str) -> bool:
    return url.lower().startswith(("http://", "https://", "//"))
