"""Leaflet layers written as prepared JavaScript, for speed on every rerun.

branca compiles the rendered output of every folium element as a new Jinja template,
and streamlit-folium renders the map several times per rerun: with a 100 KB basemap
and a dozen markers that cost ~80 ms a rerun. These layers build their script once as
plain text and hand it over without compiling it. Data goes in as JSON, escaped for a
<script> element, so text from data cannot end the script.

The larger scripts (site markers, the canvas point layer) live in static/atlas/ as .js
files, read once per process by layers.render.frontend and inlined like the rest: each
defines its function once per page, and the layer here passes it only data and options.
"""

from __future__ import annotations

import json
from typing import Any

from branca.element import Element, Template
from folium.map import Layer

from layers.render import frontend


def script_json(value: Any) -> str:
    """JSON that is safe inside an inline <script> element.

    Every "<" is written as \\u003c: escaping only "</" leaves "<!--<script>", which makes
    the HTML parser read past the closing </script> and swallow the rest of the page.
    """
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


class _PreparedText(Element):
    """Text placed in the page as it is (branca's Element(text) would compile it)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


class ScriptLayer(Layer):
    """A layer whose JavaScript is produced by `script_text`; subclasses supply it."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.script_text() }}{% endmacro %}")

    def __init__(self, name: str) -> None:
        super().__init__(name=name, overlay=True, control=False)
        self._name = "ScriptLayer"

    def script_text(self) -> str:
        raise NotImplementedError

    def render(self, **kwargs: Any) -> None:
        self.get_root().script.add_child(_PreparedText(self.script_text()), name=self.get_name())


class GeoJsonScript(ScriptLayer):
    """A non-interactive GeoJSON layer with a style given as a JavaScript expression."""

    def __init__(self, name: str, data_json: str, style_js: str, options: dict[str, Any]) -> None:
        super().__init__(name)
        self.data_json = data_json
        self.style_js = style_js
        self.options = options

    def script_text(self) -> str:
        options = script_json({"interactive": False, **self.options})[:-1]
        return (
            f"var {self.get_name()} = L.geoJson({self.data_json}, {options},"
            f'"style": function (feature) {{ return {self.style_js}; }}}})'
            f".addTo({self._parent.get_name()});\n"
        )


class DivLabels(ScriptLayer):
    """Static text labels (HTML prepared and escaped by the caller) at points."""

    def __init__(self, name: str, labels: list[dict[str, Any]], pane: str) -> None:
        super().__init__(name)
        self.labels = labels  # each {"lat", "lon", "html"}
        self.pane = pane

    def script_text(self) -> str:
        return (
            f"var {self.get_name()} = L.layerGroup().addTo({self._parent.get_name()});\n"
            f"{script_json(self.labels)}.forEach(function (d) {{\n"
            f"  L.marker([d.lat, d.lon], {{icon: L.divIcon({{html: d.html, iconSize: [0, 0], "
            f'className: ""}}), pane: {script_json(self.pane)}, interactive: false, '
            f"keyboard: false}}).addTo({self.get_name()});\n}});\n"
        )


class PlaceLabels(ScriptLayer):
    """Town and city names with a dot each (static/atlas/place-labels.js).

    ``places`` are ``[lat, lon, name, arabic name or None, min zoom]``, largest first; the
    script sets the names as text, so they need no escaping here. Names are shown from
    their min zoom and hidden where they would touch a site marker or a larger place's name.
    ``rivers`` (``[name, arabic name or None, min zoom, points]``) are named in italic blue
    at one or more of their points, laid out before the towns.
    """

    def __init__(
        self,
        name: str,
        places: list[list[Any]],
        pane: str,
        *,
        rivers: list[list[Any]] | None = None,
    ) -> None:
        super().__init__(name)
        self.places = places
        self.pane = pane
        self.rivers = rivers or []  # [name, arabic name or None, min zoom, [[lat, lon], ...]]

    def script_text(self) -> str:
        config = {"places": self.places, "rivers": self.rivers, "pane": self.pane}
        return (
            f"{frontend.script('place-labels.js')}"
            f"var {self.get_name()} = window.AtlasPlaces(L.layerGroup(), {script_json(config)})"
            f".addTo({self._parent.get_name()});\n"
        )


class SiteMarkers(ScriptLayer):
    """Site markers with tooltip and popup, and a dashed precision halo under each.

    Each site is {"lat", "lon", "radius_m", "icon_html", "tooltip_html", "popup_html",
    "title"}; all HTML must already be escaped (see layers.render.html), the projector stage's
    ``legend_html`` included. Where markers and their
    labels would overlap at the current zoom (the three Damascus-area sites lie within
    10 km of each other), a marker is moved up or down and a thin leader line joins it to
    a dot at its true coordinate; the halo always stays at the true coordinate.
    """

    def __init__(
        self,
        sites: list[dict[str, Any]],
        halo_colour: str,
        popups: bool,
        *,
        legend_html: str | None = None,
    ) -> None:
        super().__init__("Sites")
        self.sites = sites
        self.halo_colour = halo_colour
        self.popups = popups
        self.legend_html = legend_html  # the projector stage: large words and a key on the map

    def config(self) -> dict[str, Any]:
        """What window.AtlasSiteMarkers(group, config) is given (also per lesson step in the
        lesson's offline file, layers.export.lesson_bundle)."""
        return {
            "sites": self.sites,
            "halo": {
                "color": self.halo_colour,
                "weight": 1.5,
                "dashArray": "6 4",
                "fill": True,
                "fillOpacity": 0.06,
                "interactive": False,
            },
            "colour": self.halo_colour,
            "popups": self.popups,
            "present": self.legend_html is not None,
            "legend": self.legend_html,
        }

    def script_text(self) -> str:
        return (
            f"var {self.get_name()} = L.featureGroup().addTo({self._parent.get_name()});\n"
            f"{frontend.script('site-markers.js')}"
            f"{frontend.script('map-keys.js')}"
            f"window.AtlasSiteMarkers({self.get_name()}, {script_json(self.config())});\n"
        )


class PointCanvasLayer(ScriptLayer):
    """Many points drawn on one canvas, with popups on click (static/atlas/point-canvas.js).

    ``spec_js`` is a JavaScript object: ``{"points": {...}, "props": {...}}`` inline, or
    ``{"points_url": ..., "props_url": ...}``; points are ``{"xy": [lon, lat, ...],
    "pr": [row per point] | null, "shapes": FeatureCollection}`` and props ``{"keys":
    [...], "rows": [[hidden, key index, value, ...], ...]}``, every string HTML-escaped
    by the caller (layers/extra.py builds both). ``options``: ``key`` (content hash: the
    page keeps one layer per key across reruns), ``id`` (for the ``data-extra-<id>``
    attribute), ``title`` (set as text), ``titleHtml`` (escaped), ``radius``, ``fill``,
    ``stroke``, and ``markers`` (one L.circleMarker per point instead; slower). The
    map's container gets ``data-points-drawn`` (all such layers' points) once drawn.
    """

    def __init__(self, name: str, spec_js: str, options: dict[str, Any]) -> None:
        super().__init__(name)
        self.spec_js = spec_js
        self.options = options

    def script_text(self) -> str:
        return (
            f"{frontend.script('point-canvas.js')}\n"
            f"var {self.get_name()} = window.AtlasExtra.layer("
            f"{self.spec_js}, {script_json(self.options)}).addTo({self._parent.get_name()});\n"
        )
