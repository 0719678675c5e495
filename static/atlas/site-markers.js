// Site markers of the atlas map: a marker with tooltip (and popup) per site, a dashed
// precision halo under each, and a layout that moves overlapping markers up or down with a
// leader line to a dot at the true coordinate, and puts a marker's label on its left where
// on the right it would run past the map's edge (re-done after every zoom, pan or resize).
// Loaded by layers/map/leaflet.py (SiteMarkers) and inlined in the map's script; it defines
// window.AtlasSiteMarkers(group, config) once per page, and the layer calls it with its
// feature group and its data as JSON: {sites, halo, colour, popups, present, legend}.
window.AtlasSiteMarkers = window.AtlasSiteMarkers || function (group, config) {
  var sites = config.sites, halo = config.halo, colour = config.colour, popups = config.popups;
  var items = sites.map(function (s) {
    var at = L.latLng(s.lat, s.lon);
    if (s.radius_m) { L.circle(at, Object.assign({radius: s.radius_m}, halo)).addTo(group); }
    var marker = L.marker(at, {title: s.title, alt: s.title, riseOnHover: true,
      icon: L.divIcon({html: s.icon_html, iconSize: [22, 22], iconAnchor: [11, 11],
                        className: "atlas-site"})})
      .bindTooltip(s.tooltip_html, {direction: "top", offset: [0, -12]});
    if (popups) { marker.bindPopup(s.popup_html, {maxWidth: 340}); }
    marker.on("add", function () {  // Enter or Space on a focused marker opens it
      this._icon.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          marker.fire("click", {latlng: marker.getLatLng(), originalEvent: event});
        }
      });
    });
    marker.addTo(group);
    if (s.highlight) {
      L.circleMarker(at, {radius: 17, color: "#e66101", weight: 4, fill: false,
                           interactive: false, className: "atlas-highlight"}).addTo(group);
    }
    return {at: at, marker: marker, highlight: !!s.highlight,
      dot: L.circleMarker(at, {radius: 3, color: colour, weight: 1, fillOpacity: 1,
                                interactive: false}),
      leader: L.polyline([at, at], {color: colour, weight: 1.2, interactive: false})};
  });
  var k = config.present ? 1.5 : 1;  // the stage's labels are larger: keep them apart
  var steps = [0, -34, 34, -68, 68, -102, 102, -136, 136].map(function (d) { return d * k; });
  function overlaps(a, b) {
    return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
  }
  // The label starts 26 px right of the 22 px icon's left edge (markers.css): 15 px right of
  // the marker's point; on the left (.atlas-label-left) it ends 15 px left of it.
  var LABEL_OFFSET = 15, EDGE = 4;
  function onLeft(map, at, width) {  // would the label on the right leave the map?
    var x = map.latLngToContainerPoint(at).x, right = map.getSize().x - EDGE;
    if (x + LABEL_OFFSET + width <= right) { return false; }
    return x - LABEL_OFFSET - width >= EDGE || x > right - x;  // else the side with more room
  }
  function markerBox(q, width, left) {
    return left ? {x1: q.x - 16 - width, x2: q.x + 13, y1: q.y - 16 * k, y2: q.y + 16 * k}
      : {x1: q.x - 13, x2: q.x + 16 + width, y1: q.y - 16 * k, y2: q.y + 16 * k};
  }
  function layout() {
    var map = group._map;
    if (!map) { return; }
    var placed = [];
    items.forEach(function (it) {
      var icon = it.marker._icon;
      var label = icon && icon.querySelector(".atlas-marker-label");
      var width = label ? label.offsetWidth : 120;
      var left = onLeft(map, it.at, width);
      if (icon) { icon.classList.toggle("atlas-label-left", left); }
      var p = map.latLngToLayerPoint(it.at), chosen = p, box = null;
      for (var i = 0; i < steps.length; i++) {
        var q = p.add(L.point(0, steps[i]));
        var candidate = markerBox(q, width, left);
        if (!placed.some(function (b) { return overlaps(candidate, b); })) {
          chosen = q; box = candidate; break;
        }
      }
      placed.push(box || markerBox(p, width, left));
      var shown = map.layerPointToLatLng(chosen);
      it.marker.setLatLng(shown);
      if (chosen.equals(p)) {
        group.removeLayer(it.leader); group.removeLayer(it.dot);
      } else {
        it.leader.setLatLngs([it.at, shown]); group.addLayer(it.leader); group.addLayer(it.dot);
      }
    });
  }
  var VIEW_EVENTS = "zoomend moveend resize";
  function onView() {
    if (!group._map) { this.off(VIEW_EVENTS, onView); return; }
    layout();
  }
  // streamlit-folium adds the parent group to the map after this script has run.
  // The projector stage (config.present): larger words, and the map as tall as its frame.
  // The key (escaped HTML from layers/render) is a map control, replaced on every redraw.
  function present() {
    var map = group._map, box = map.getContainer(), on = !!config.present;
    if (map.__atlasLegend) { map.removeControl(map.__atlasLegend); map.__atlasLegend = null; }
    if (on && config.legend) {
      map.__atlasLegend = L.control({position: "topright"});
      map.__atlasLegend.onAdd = function () {
        var div = L.DomUtil.create("div", "atlas-map-legend");
        div.innerHTML = config.legend;
        return div;
      };
      map.__atlasLegend.addTo(map);
    }
    if (box.classList.contains("atlas-present") === on) { return; }
    box.classList.toggle("atlas-present", on);
    map.invalidateSize({animate: false});
  }
  // On the stage, a narrow map at the step's zoom can leave a highlighted site outside
  // (or on the edge): zoom out about the same centre just enough to show them all.
  function keepHighlightsInView() {
    var map = group._map;
    if (!map || !config.present) { return; }
    var points = items.filter(function (it) { return it.highlight; })
      .map(function (it) { return it.at; });
    if (!points.length) { return; }
    var c = map.getCenter(), bounds = L.latLngBounds([c, c]);
    points.forEach(function (p) {
      bounds.extend(p).extend(L.latLng(2 * c.lat - p.lat, 2 * c.lng - p.lng));
    });
    var zoom = map.getBoundsZoom(bounds, false, L.point(70, 70));
    if (zoom < map.getZoom()) { map.setView(c, zoom, {animate: false}); }
  }
  function start() {
    present(); layout(); group._map.off(VIEW_EVENTS, onView).on(VIEW_EVENTS, onView);
    // streamlit-folium moves the map to the step's view right after this script, or a
    // little later (a loaded machine once set it after the check below): check then, at the
    // next end of a move, and whenever the stage resizes the map.
    setTimeout(function () {
      var map = group._map;
      if (map && map._animatingZoom) { map.once("zoomend", keepHighlightsInView); }
      else { keepHighlightsInView(); }
    }, 0);
    if (config.present) {
      group._map.once("moveend", keepHighlightsInView).on("resize", onResize);
    }
  }
  function onResize() {  // `this` is the map; a replaced layer of markers lets go of it
    if (!group._map) { this.off("resize", onResize); return; }
    keepHighlightsInView();
  }
  if (group._map) { start(); } else { group.once("add", start); }
};
