"""Drawing plain extra layers (bring-your-own GeoJSON) on the folium map.

The parsing, checks and publishing live in `layers.extra`; this module only turns a parsed
`PlainLayer` into the map's canvas layer (`layers.map.leaflet.PointCanvasLayer`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import folium
from branca.element import Element

from layers.extra import POPUP_CSS, PlainLayer, Published
from layers.map.leaflet import PointCanvasLayer, script_json
from layers.render.html import esc


def layer_spec_js(layer: PlainLayer, published: Published | None = None) -> str:
    """The data argument of the map's layer: URLs of published files, or the data inline."""
    if published is not None:
        return script_json({"points_url": published.points_url, "props_url": published.props_url})
    return f'{{"points":{layer.points_json},"props":{layer.props_json}}}'


def layer_options(layer: PlainLayer, *, markers: bool = False) -> dict[str, Any]:
    """The options argument of the map's layer (see layers.map.leaflet.PointCanvasLayer)."""
    fill, stroke = layer.colour
    return {
        "key": f"{layer.layer_id}-{layer.content_key}-{fill[1:]}",
        "id": layer.layer_id,
        "title": layer.name,  # set with textContent only
        "titleHtml": esc(layer.name),
        "radius": 3 if layer.point_count >= 5000 else 5,
        "fill": fill,
        "stroke": stroke,
        "markers": markers,
    }


def plain_layer_script(
    layer: PlainLayer, published: Published | None = None, *, markers: bool = False
) -> Any:
    """The layer for the map: a ``layers.map.leaflet.PointCanvasLayer`` (every point on one
    canvas, popups on click). With ``published`` (from :func:`publish`) its script is a
    few hundred bytes that fetch the data once; without, the data is inline. Add it to
    the map or to a FeatureGroup given to ``st_folium(feature_group_to_add=...)``.
    ``markers=True`` draws one ``L.circleMarker`` per point (slower; for the benchmark).
    """
    return PointCanvasLayer(
        layer.name, layer_spec_js(layer, published), layer_options(layer, markers=markers)
    )


def popup_css() -> str:
    """CSS for the popups; add once to the map's header (``base_map`` does not have it)."""
    return f"<style>{POPUP_CSS}</style>"


def add_popup_css(fmap: Any) -> None:
    """Put :data:`POPUP_CSS` in a folium map's header (same HTML every run: stable map)."""
    fmap.get_root().header.add_child(Element(popup_css()), name="atlas_extra_popup_css")


def plain_layer_group(
    layers: Iterable[PlainLayer],
    *,
    published: dict[str, Published] | None = None,
    name: str = "Extra layers",
) -> Any:
    """A folium FeatureGroup with :func:`plain_layer_script` of each layer.

    Give it to ``st_folium(feature_group_to_add=[site_group, this])``. Layers found in
    ``published`` (by ``layer_id``) fetch their data from static files; the others
    carry it inline.
    """
    group = folium.FeatureGroup(name=name)
    for layer in layers:
        plain_layer_script(layer, (published or {}).get(layer.layer_id)).add_to(group)
    return group
