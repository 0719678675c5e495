"""Leaflet layers written as prepared JavaScript, for speed on every rerun.

branca compiles the rendered output of every folium element as a new Jinja template,
and streamlit-folium renders the map several times per rerun: with a 100 KB basemap
and a dozen markers that cost ~80 ms a rerun. These layers build their script once as
plain text and hand it over without compiling it. Data goes in as JSON, escaped for a
<script> element, so text from data cannot end the script.
"""

from __future__ import annotations

import json
from typing import Any

from branca.element import Element, Template
from folium.map import Layer


def script_json(value: Any) -> str:
    """JSON that is safe inside an inline <script> element."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


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


class SiteMarkers(ScriptLayer):
    """Site markers with tooltip and popup, and a dashed precision halo under each.

    Each site is {"lat", "lon", "radius_m", "icon_html", "tooltip_html", "popup_html",
    "title"}; all HTML must already be escaped (see layers.html).
    """

    def __init__(self, sites: list[dict[str, Any]], halo_colour: str) -> None:
        super().__init__("Sites")
        self.sites = sites
        self.halo_colour = halo_colour

    def script_text(self) -> str:
        halo = script_json(
            {
                "color": self.halo_colour,
                "weight": 1.5,
                "dashArray": "6 4",
                "fill": True,
                "fillOpacity": 0.06,
                "interactive": False,
            }
        )
        return (
            f"var {self.get_name()} = L.featureGroup().addTo({self._parent.get_name()});\n"
            f"{script_json(self.sites)}.forEach(function (s) {{\n"
            f"  if (s.radius_m) {{ L.circle([s.lat, s.lon], Object.assign({{radius: s.radius_m}}, "
            f"{halo})).addTo({self.get_name()}); }}\n"
            f"  L.marker([s.lat, s.lon], {{title: s.title, alt: s.title, riseOnHover: true,\n"
            f"    icon: L.divIcon({{html: s.icon_html, iconSize: [22, 22], iconAnchor: [11, 11],"
            f' className: "atlas-site"}})}})\n'
            f"   .bindTooltip(s.tooltip_html).bindPopup(s.popup_html, {{maxWidth: 340}})\n"
            f"   .addTo({self.get_name()});\n}});\n"
        )
