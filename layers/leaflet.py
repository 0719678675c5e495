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
    "title"}; all HTML must already be escaped (see layers.html). Where markers and their
    labels would overlap at the current zoom (the three Damascus-area sites lie within
    10 km of each other), a marker is moved up or down and a thin leader line joins it to
    a dot at its true coordinate; the halo always stays at the true coordinate.
    """

    def __init__(self, sites: list[dict[str, Any]], halo_colour: str, popups: bool) -> None:
        super().__init__("Sites")
        self.sites = sites
        self.halo_colour = halo_colour
        self.popups = popups

    def script_text(self) -> str:
        name, parent = self.get_name(), self._parent.get_name()
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
        colour = script_json(self.halo_colour)
        popups = "true" if self.popups else "false"
        return f"""var {name} = L.featureGroup().addTo({parent});
(function (group, sites, halo, colour, popups) {{
  var items = sites.map(function (s) {{
    var at = L.latLng(s.lat, s.lon);
    if (s.radius_m) {{ L.circle(at, Object.assign({{radius: s.radius_m}}, halo)).addTo(group); }}
    var marker = L.marker(at, {{title: s.title, alt: s.title, riseOnHover: true,
      icon: L.divIcon({{html: s.icon_html, iconSize: [22, 22], iconAnchor: [11, 11],
                        className: "atlas-site"}})}})
      .bindTooltip(s.tooltip_html, {{direction: "top", offset: [0, -12]}});
    if (popups) {{ marker.bindPopup(s.popup_html, {{maxWidth: 340}}); }}
    marker.addTo(group);
    return {{at: at, marker: marker,
      dot: L.circleMarker(at, {{radius: 3, color: colour, weight: 1, fillOpacity: 1,
                                interactive: false}}),
      leader: L.polyline([at, at], {{color: colour, weight: 1.2, interactive: false}})}};
  }});
  var steps = [0, -34, 34, -68, 68, -102, 102, -136, 136];
  function overlaps(a, b) {{
    return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
  }}
  function layout() {{
    var map = group._map;
    if (!map) {{ return; }}
    var placed = [];
    items.forEach(function (it) {{
      var label = it.marker._icon && it.marker._icon.querySelector(".atlas-marker-label");
      var width = label ? label.offsetWidth : 120;
      var p = map.latLngToLayerPoint(it.at), chosen = p, box = null;
      for (var i = 0; i < steps.length; i++) {{
        var q = p.add(L.point(0, steps[i]));
        var candidate = {{x1: q.x - 13, x2: q.x + 16 + width, y1: q.y - 16, y2: q.y + 16}};
        if (!placed.some(function (b) {{ return overlaps(candidate, b); }})) {{
          chosen = q; box = candidate; break;
        }}
      }}
      placed.push(box || {{x1: p.x - 13, x2: p.x + 16 + width, y1: p.y - 16, y2: p.y + 16}});
      var shown = map.layerPointToLatLng(chosen);
      it.marker.setLatLng(shown);
      if (chosen.equals(p)) {{
        group.removeLayer(it.leader); group.removeLayer(it.dot);
      }} else {{
        it.leader.setLatLngs([it.at, shown]); group.addLayer(it.leader); group.addLayer(it.dot);
      }}
    }});
  }}
  function onZoom() {{
    if (!group._map) {{ this.off("zoomend", onZoom); return; }}
    layout();
  }}
  // streamlit-folium adds the parent group to the map after this script has run.
  function start() {{ layout(); group._map.off("zoomend", onZoom).on("zoomend", onZoom); }}
  if (group._map) {{ start(); }} else {{ group.once("add", start); }}
}})({name}, {script_json(self.sites)}, {halo}, {colour}, {popups});
"""
