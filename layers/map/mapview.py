"""The folium map: a stable base map, and the site markers sent beside it.

streamlit-folium re-creates its map (losing zoom and pan) whenever the map's HTML
changes, so the base map depends only on the basemap choice, and everything a filter
changes goes into the feature group passed as `feature_group_to_add`.
"""

from __future__ import annotations

from typing import Any

import folium
from branca.element import Element
from folium.map import FitBounds

from layers.data.geo import BBOX, MAX_ZOOM, MIN_ZOOM, START_ZOOM, SYRIA_BOX, SYRIA_CENTRE
from layers.data.model import Atlas, DatedEvent, Site
from layers.map.assets import localize_assets
from layers.map.basemap import apply_basemap
from layers.map.leaflet import SiteMarkers
from layers.render.html import (
    MARKER_CSS,
    marker_icon_html,
    popup_html,
    site_tooltip,
    stage_legend_html,
)
from layers.render.style import events_by_site, site_style

_WEST, _SOUTH, _EAST, _NORTH = SYRIA_BOX
SYRIA_BOUNDS = ((_SOUTH, _WEST), (_NORTH, _EAST))  # Leaflet's (south, west), (north, east)
HALO_COLOUR = "#3f007d"


def base_map(basemap: str = "offline") -> folium.Map:
    """The map every view starts from; identical HTML for identical basemap choices."""
    fmap = folium.Map(
        location=SYRIA_CENTRE,
        zoom_start=START_ZOOM,
        tiles=None,
        min_zoom=MIN_ZOOM,
        control_scale=True,
    )
    fmap.options["max_zoom"] = MAX_ZOOM  # folium drops max_zoom when tiles=None
    fmap.options["zoomSnap"] = 0.25  # lets Syria fill a narrow map column
    west, south, east, north = BBOX
    fmap.options["maxBounds"] = [[south - 1, west - 1], [north + 1, east + 1]]
    apply_basemap(fmap, basemap)
    # Not animated: the zoom from zoom_start to the fitted zoom would otherwise still be moving
    # the markers for ~250 ms after the page has loaded, and a click then lands beside them.
    fit = FitBounds([list(SYRIA_BOUNDS[0]), list(SYRIA_BOUNDS[1])])
    fit.options["animate"] = False
    fmap.add_child(fit)
    fmap.get_root().header.add_child(Element(f"<style>{MARKER_CSS}</style>"))
    # The atlas draws with Leaflet alone: localize_assets drops folium's other defaults
    # (jQuery, Bootstrap, awesome-markers), which would only delay the first paint (~150 ms).
    localize_assets(fmap)
    return fmap


def site_layer(
    atlas: Atlas,
    sites: list[Site],
    events: list[DatedEvent],
    *,
    popups: bool = False,
    highlight: set[str] | frozenset[str] = frozenset(),
    present: bool = False,
) -> folium.FeatureGroup:
    """Markers (shape = grade) and precision halos for the shown sites.

    The app shows a site's events in its own panel, so popups are off there; the
    single-file export, which has no panel, turns them on. Sites with an event in
    `highlight` (a lesson step's events) get an orange ring. `present` (the projector stage)
    enlarges the map's words, puts the marker key on the map (the sidebar's is hidden) and
    lets the map take the height of its frame.
    """
    records = site_records(atlas, sites, events, popups=popups, highlight=highlight)
    group = folium.FeatureGroup(name="Sites")
    legend = stage_legend_html() if present else None
    SiteMarkers(records, HALO_COLOUR, popups, legend_html=legend).add_to(group)
    return group


def site_records(
    atlas: Atlas,
    sites: list[Site],
    events: list[DatedEvent],
    *,
    popups: bool = False,
    highlight: set[str] | frozenset[str] = frozenset(),
) -> list[dict[str, Any]]:
    """The data static/atlas/site-markers.js draws, one record per located site (all HTML
    escaped by layers.render); also what the lesson's offline file draws for each step."""
    grouped = events_by_site(events)
    records = []
    for site in sites:
        if not site.located:
            continue
        shown = grouped.get(site.id, [])
        style = site_style(shown)
        records.append(
            {
                "id": site.id,
                "lat": site.lat,
                "lon": site.lon,
                "radius_m": site.props.precision_m,
                "title": f"{site.name} — {style.short}",  # plain text, set as a property
                "icon_html": marker_icon_html(site, style),
                "tooltip_html": site_tooltip(site, style),
                # built only where shown: a site with 20,000 events makes a huge popup
                "popup_html": popup_html(atlas, site, shown) if popups else "",
                "highlight": any(e.id in highlight for e in shown),
            }
        )
    return records


def site_from_tooltip(atlas: Atlas, tooltip: object) -> str | None:
    """The id of the site whose marker tooltip the browser reported as clicked. The value
    comes from the client, so anything that is not text means no site."""
    if not isinstance(tooltip, str) or not tooltip.strip():
        return None
    text = tooltip.strip()
    for site in atlas.sites.values():
        if text.startswith(f"{site.name} — ") or text == site.name:
            return site.id
    return None
