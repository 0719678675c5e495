// Town and city names of the offline basemap (GeoNames, see geodata/basemap/PROVENANCE.md).
// Loaded by layers/map/leaflet.py (PlaceLabels) and inlined in the map's script; it defines
// window.AtlasPlaces(group, config) once per page; config = {places: [[lat, lon, name,
// arabic name or null, min zoom], ...] largest first, rivers: [[name, arabic name or null,
// min zoom, [[lat, lon], ...]], ...], pane}.
// Why the layout: a place is shown from its min zoom on (so the national view shows only
// the large cities), as a dot with its name beside it; after every zoom, pan or layer change
// the names are laid out largest first and a name is hidden when its box would touch a site
// marker (icon and label, with a margin) a governorate name or a larger place's name, unless it fits on another
// side of its dot (left, above, below); a dot on a marker hides it. Site markers always win:
// they are what the atlas is about. Names are set as text, never parsed as HTML.
// River names go first, after the site markers: each river is named at the points of its
// course (from geodata/basemap/river_names.geojson) nearest the middle of the view, centred
// on the point (or just above or below it), at most one name per SPACING pixels, where the
// name touches no site marker, governorate name or map control.
// The map's container gets data-places-shown (names drawn), data-rivers-shown (river
// names drawn) and data-places-zoom.
window.AtlasPlaces = window.AtlasPlaces || function (group, config) {
  var MARGIN = 6;  // around a site marker: covers a lesson's highlight ring (17 px)
  // A name, and under it its Arabic form when the data has one (as text, never as HTML).
  function appendNames(parent, prefix, english, arabic) {
    var name = document.createElement("span");
    name.className = prefix + "-name";
    name.textContent = english;
    parent.appendChild(name);
    if (arabic) {
      var ar = document.createElement("span");
      ar.className = prefix + "-ar";
      ar.lang = "ar";
      ar.dir = "rtl";
      ar.textContent = arabic;
      parent.appendChild(ar);
    }
  }
  var items = config.places.map(function (p) {
    var box = document.createElement("div");
    box.className = "atlas-place";
    var dot = document.createElement("span");
    dot.className = "atlas-place-dot";
    var label = document.createElement("span");
    label.className = "atlas-place-label";
    appendNames(label, "atlas-place", p[2], p[3]);
    box.appendChild(dot);
    box.appendChild(label);
    var marker = L.marker([p[0], p[1]], {
      icon: L.divIcon({html: box, className: "atlas-place-icon", iconSize: [0, 0]}),
      pane: config.pane, interactive: false, keyboard: false});
    return {at: L.latLng(p[0], p[1]), minZoom: p[4], marker: marker, label: label, box: box};
  });
  var SPACING = 280;  // px between two names of the same river
  var rivers = (config.rivers || []).map(function (r) {
    var points = r[3].map(function (pt) {
      var el = document.createElement("div");
      el.className = "atlas-river atlas-river-hidden";
      appendNames(el, "atlas-river", r[0], r[1]);
      var marker = L.marker(pt, {
        icon: L.divIcon({html: el, className: "atlas-river-icon", iconSize: [0, 0]}),
        pane: config.pane, interactive: false, keyboard: false});
      return {at: L.latLng(pt[0], pt[1]), marker: marker, el: el};
    });
    return {minZoom: r[2], points: points};
  });
  // The name's side of its dot: right first (the usual map convention), then left, above, below.
  var SIDES = ["", "atlas-place-left", "atlas-place-above", "atlas-place-below"];
  var GAP = 6, DOT = 3.5, CLOSE_ZOOM = 9;
  function setSide(it, side) {
    SIDES.forEach(function (s) { if (s) { it.box.classList.toggle(s, s === side); } });
  }
  // Boxes are computed in the map's container points from Leaflet's own positions and the
  // elements' layout sizes (offsetWidth...), not from getBoundingClientRect: Streamlit sizes
  // and scrolls the map's frame while it loads, and a box read then would be off.
  function iconAt(map, el) {  // the container point of a marker icon's top-left corner
    var icon = el.closest(".leaflet-marker-icon");
    var p = map.layerPointToContainerPoint(L.DomUtil.getPosition(icon));
    return {icon: icon, x: p.x + icon.offsetLeft, y: p.y + icon.offsetTop};
  }
  function box(x, y, w, h, margin) {
    return {x1: x - margin, x2: x + w + margin, y1: y - margin, y2: y + h + margin};
  }
  function siteBoxes(map, el) {  // a site marker's icon, and its label beside it
    var at = iconAt(map, el), out = [box(at.x, at.y, el.offsetWidth, el.offsetHeight, MARGIN)];
    var label = el.querySelector(".atlas-marker-label");
    if (label) {
      var x = 0, y = 0, node = label;
      while (node && node !== el) { x += node.offsetLeft; y += node.offsetTop; node = node.offsetParent; }
      if (node === el) {
        out.push(box(at.x + x, at.y + y, label.offsetWidth, label.offsetHeight, MARGIN));
      }
    }
    return out;
  }
  function centredBox(map, el) {  // a governorate name, centred on its point
    // In a 0 × 0 icon the block is 0 wide and its text overflows: scrollWidth is the text's.
    var at = iconAt(map, el), w = Math.max(el.offsetWidth, el.scrollWidth), h = el.offsetHeight;
    return box(at.x - w / 2, at.y - h / 2, w, h, 0);
  }
  function labelBox(p, side, w, h) {  // the name's box for a side of the dot at p
    if (side === "atlas-place-left") { return box(p.x - GAP - w, p.y - h / 2, w, h, 0); }
    if (side === "atlas-place-above") { return box(p.x - w / 2, p.y - 4 - h, w, h, 0); }
    if (side === "atlas-place-below") { return box(p.x - w / 2, p.y + 4, w, h, 0); }
    return box(p.x + GAP, p.y - h / 2, w, h, 0);
  }
  function overlaps(a, b) {
    return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
  }
  function layout() {
    var map = group._map;
    if (!map) { return; }
    var zoom = map.getZoom(), bounds = map.getBounds().pad(0.1);
    var shown = items.filter(function (it) {
      var want = zoom >= it.minZoom && bounds.contains(it.at);
      if (want && !group.hasLayer(it.marker)) { group.addLayer(it.marker); }
      if (!want && group.hasLayer(it.marker)) { group.removeLayer(it.marker); }
      return want;
    });
    var container = map.getContainer();
    var taken = [];
    container.querySelectorAll(".leaflet-marker-icon.atlas-site").forEach(
      function (el) { taken.push.apply(taken, siteBoxes(map, el)); });
    // The governorate names (italic) stay put and a town's name moves or hides around them;
    // from CLOSE_ZOOM on they are hidden (places.css): there the towns say more.
    // The map's own controls (zoom buttons, scale, attribution) sit over the map: keep clear.
    var frame = container.getBoundingClientRect();
    container.querySelectorAll(".leaflet-control").forEach(function (el) {
      var r = el.getBoundingClientRect();  // controls do not move with the map
      taken.push(box(r.left - frame.left, r.top - frame.top, r.width, r.height, 2));
    });
    var close = zoom >= CLOSE_ZOOM;
    container.classList.toggle("atlas-places-close", close);
    if (!close) {
      container.querySelectorAll(".atlas-basemap-label").forEach(
        function (el) { taken.push(centredBox(map, el)); });
    }
    var drawn = 0, size = map.getSize();
    var free = function (b) {  // inside the map, touching nothing taken
      return b.x1 >= 0 && b.y1 >= 0 && b.x2 <= size.x && b.y2 <= size.y &&
        !taken.some(function (t) { return overlaps(b, t); });
    };
    var riversDrawn = layoutRivers(map, zoom, bounds, free, taken);
    shown.forEach(function (it) {
      var p = map.latLngToContainerPoint(it.at);
      var dot = box(p.x - DOT, p.y - DOT, 2 * DOT, 2 * DOT, 0);
      var w = it.label.offsetWidth, h = it.label.offsetHeight;
      var side = null, label = null;
      if (free(dot)) {
        for (var i = 0; i < SIDES.length && side === null; i++) {
          label = labelBox(p, SIDES[i], w, h);
          if (free(label)) { side = SIDES[i]; }
        }
      }
      it.box.classList.toggle("atlas-place-hidden", side === null);
      setSide(it, side || "");
      if (side === null) { return; }
      taken.push(label, dot);
      drawn += 1;
    });
    container.setAttribute("data-places-shown", String(drawn));
    container.setAttribute("data-rivers-shown", String(riversDrawn));
    container.setAttribute("data-places-zoom", String(zoom));
  }
  // The river names: candidate points in view, nearest the view's middle first; a name is
  // centred on its point, or just above or below it, where it is free and far enough from
  // the same river's other names. Returns how many names were drawn.
  function layoutRivers(map, zoom, bounds, free, taken) {
    var middle = map.getSize().divideBy(2), drawn = 0;
    rivers.forEach(function (river) {
      var candidates = river.points.filter(function (pt) {
        var want = zoom >= river.minZoom && bounds.contains(pt.at);
        if (want && !group.hasLayer(pt.marker)) { group.addLayer(pt.marker); }
        if (!want && group.hasLayer(pt.marker)) { group.removeLayer(pt.marker); }
        pt.el.classList.add("atlas-river-hidden");
        if (want) { pt.p = map.latLngToContainerPoint(pt.at); }
        return want;
      }).sort(function (a, b) { return a.p.distanceTo(middle) - b.p.distanceTo(middle); });
      var named = [];
      candidates.forEach(function (pt) {
        if (named.some(function (q) { return q.distanceTo(pt.p) < SPACING; })) { return; }
        var w = pt.el.offsetWidth, h = pt.el.offsetHeight, p = pt.p;
        var spots = [[0, "", p.y - h / 2], [1, "atlas-river-above", p.y - 3 - h],
                      [2, "atlas-river-below", p.y + 3]];
        for (var i = 0; i < spots.length; i++) {
          var b = box(p.x - w / 2, spots[i][2], w, h, 0);
          if (!free(b)) { continue; }
          pt.el.classList.remove("atlas-river-above", "atlas-river-below");
          if (spots[i][1]) { pt.el.classList.add(spots[i][1]); }
          pt.el.classList.remove("atlas-river-hidden");
          taken.push(b);
          named.push(p);
          drawn += 1;
          return;
        }
      });
    });
    return drawn;
  }
  var pending = false, settle = null;
  function schedule() {  // after the site markers' own layout, once per frame
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      layout();
      // And once more when things have been still for a moment: while the app loads, the
      // site markers are sometimes placed after the last map event that reaches this layer.
      window.clearTimeout(settle);
      group._map.getContainer().removeAttribute("data-places-settled");
      settle = window.setTimeout(function () {
        layout();
        if (group._map) { group._map.getContainer().setAttribute("data-places-settled", "1"); }
      }, 300);
    });
  }
  group.on("add", function () {
    var map = group._map;
    map.on("zoomend moveend resize layeradd layerremove", schedule);
    // The site markers move themselves apart (site-markers.js) on their own schedule; any
    // change in the marker pane (a marker added, moved or removed) lays the names out again.
    if (window.MutationObserver) {
      new MutationObserver(schedule).observe(map.getPane("markerPane"),
        {childList: true, subtree: true, attributes: true, attributeFilter: ["style"]});
    }
    if (window.ResizeObserver) { new ResizeObserver(schedule).observe(map.getContainer()); }
    if (document.fonts && document.fonts.ready) { document.fonts.ready.then(schedule); }
    schedule();
  });
  return group;
};
