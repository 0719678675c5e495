// PointCanvas: one Leaflet layer that draws every point of an extra layer on one <canvas>.
// Loaded by layers/map/leaflet.py (PointCanvasLayer) and inlined in the map's script; it
// defines window.AtlasExtra once per page, and each layer then calls
// window.AtlasExtra.layer(spec, options) with its data as JSON.
//
// From 5,000 points a dot's pixels are written into one ImageData (~20 ms for 100,000); a
// translucent drawImage stamp below that. One Leaflet object per point instead: 100,000
// L.circleMarker objects take seconds to create and redraw, and st_folium attaches a click
// handler to every layer on the map after each rerun. A click on the map finds the nearest
// point in a linear scan (~1 ms at 100,000) and opens a popup built from strings the server
// escaped. Lines and polygons go through L.geoJSON on a canvas renderer. Data is inline
// (spec.points) or fetched once from a static file (spec.points_url; the popups'
// spec.props_url on the first click only).
//
// st_folium removes and re-evaluates its feature groups on every rerun. Layers are kept per
// page by options.key (a content hash), so a re-evaluated group gets the same layer back: no
// fetch, no parse, no projection, and no redraw while the view is the same.
window.AtlasExtra = window.AtlasExtra || (function () {
  var cache = {}, layers = {};
  function getJSON(url) {
    if (!cache[url]) {
      cache[url] = fetch(url, {credentials: "same-origin"}).then(function (r) {
        if (!r.ok) { throw new Error("HTTP " + r.status); }
        return r.json();
      });
      cache[url].catch(function () { delete cache[url]; });
    }
    return cache[url];
  }
  function project(d) {
    if (d._px) { return; }
    var xy = d.xy, n = xy.length / 2, px = new Float64Array(n), py = new Float64Array(n);
    var max = 85.0511287798, k = Math.PI / 180;
    for (var i = 0; i < n; i++) {
      var lat = Math.max(-max, Math.min(max, xy[2 * i + 1])), s = Math.sin(lat * k);
      px[i] = xy[2 * i] / 360 + 0.5;
      py[i] = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
    }
    d._px = px; d._py = py;
  }
  // Every string in props and titleHtml was HTML-escaped on the server.
  function popupHtml(props, titleHtml, row) {
    var cells = props.rows[row] || [0], body = "";
    for (var i = 1; i + 1 < cells.length; i += 2) {
      body += "<tr><th>" + props.keys[cells[i]] + "</th><td>" + cells[i + 1] + "</td></tr>";
    }
    var html = '<div class="atlas-extra-popup"><b>' + titleHtml + "</b>" +
      (body ? "<table>" + body + "</table>" : "<small>(no properties)</small>");
    var hidden = Number(cells[0]) | 0;
    if (hidden > 0) { html += "<small>" + hidden + " more properties not shown</small>"; }
    return html + "</div>";
  }
  function markDrawn(map, id, n) {
    var c = map.getContainer(), drawn = c.__atlasExtraDrawn = c.__atlasExtraDrawn || {};
    drawn[id] = n;
    var total = 0;
    Object.keys(drawn).forEach(function (k) { total += drawn[k]; });
    c.setAttribute("data-points-drawn", String(total));
    c.setAttribute("data-extra-" + id, String(n));
  }
  var Loading = L.Control.extend({
    options: {position: "bottomleft"},
    onAdd: function () {
      var div = L.DomUtil.create("div", "atlas-extra-loading leaflet-bar");
      div.style.cssText = "background:#fff;padding:3px 8px;font:12px sans-serif";
      div.setAttribute("role", "status");
      div.textContent = "Loading " + this.options.title + "\u2026";
      return div;
    }
  });
  var PointCanvas = L.Layer.extend({
    options: {pane: "overlayPane", radius: 4, fill: "#1b9e77", stroke: "#0b4d3a",
              padding: 0.25, title: "", titleHtml: "", id: "extra", markers: false},
    initialize: function (spec, options) { L.setOptions(this, options); this._spec = spec; },
    onAdd: function (map) {
      if (!this._canvas) {
        this._canvas = L.DomUtil.create("canvas", "atlas-extra-points leaflet-zoom-animated");
        this._canvas.style.pointerEvents = "none";
        this._canvas.setAttribute("data-layer", this.options.id);
      }
      this.getPane().appendChild(this._canvas);
      map.on("moveend viewreset resize", this._redraw, this);
      map.on("zoomanim", this._animateZoom, this);
      map.on("click", this._onClick, this);
      map.on("mousemove", this._onMove, this);
      if (this._data) { this._show(); } else if (!this._pending) { this._load(); }
    },
    onRemove: function (map) {
      L.DomUtil.remove(this._canvas);
      map.off("moveend viewreset resize", this._redraw, this);
      map.off("zoomanim", this._animateZoom, this);
      map.off("click", this._onClick, this);
      map.off("mousemove", this._onMove, this);
      if (this._loading) { this._loading.remove(); this._loading = null; }
      if (this._shapes) { map.removeLayer(this._shapes); }
      if (this._markers) { map.removeLayer(this._markers); }
      if (this._hover) { map.getContainer().style.cursor = ""; this._hover = false; }
    },
    _load: function () {
      var self = this, spec = this._spec;
      if (spec.points) { this._setData(spec.points); return; }
      this._pending = true;
      this._loading = new Loading({title: this.options.title}).addTo(this._map);
      getJSON(spec.points_url).then(function (d) {
        self._pending = false;
        if (self._loading) { self._loading.remove(); self._loading = null; }
        self._setData(d);
      }).catch(function (e) {
        self._pending = false;
        if (self._loading) {
          self._loading.getContainer().textContent =
            "Could not load " + self.options.title + " (" + e.message + ")";
        }
      });
    },
    _setData: function (d) {
      this._data = d;
      if (!this.options.markers) { project(d); }
      if (this._map) { this._show(); }
    },
    _show: function () {
      var self = this, map = this._map, d = this._data, o = this.options;
      var feats = d.shapes && d.shapes.features;
      if (feats && feats.length && !this._shapes) {
        var renderer = L.canvas({padding: 0.5, pane: o.pane});
        this._shapes = L.geoJSON(d.shapes, {
          renderer: renderer,
          bubblingMouseEvents: false,  // a click on a shape is not a click near a point
          style: function () {
            return {color: o.stroke, weight: 2, fillColor: o.fill, fillOpacity: 0.25};
          },
          pointToLayer: function (f, ll) {
            return L.circleMarker(ll, {renderer: renderer, radius: o.radius, weight: 1,
              color: o.stroke, fillColor: o.fill, fillOpacity: 0.85});
          },
          onEachFeature: function (f, layer) {
            layer.on("click", function (e) { self._popup(e.latlng, f.properties.i); });
          }
        });
      }
      if (this._shapes) { this._shapes.addTo(map); }
      if (o.markers && !this._markers) { this._makeMarkers(); }
      if (this._markers) { this._markers.addTo(map); }
      this._redraw();
    },
    _makeMarkers: function () {
      // For comparison in the benchmark: one L.circleMarker per point, canvas renderer.
      var self = this, d = this._data, o = this.options, xy = d.xy;
      var renderer = L.canvas({padding: 0.5, pane: o.pane}), group = L.featureGroup();
      for (var i = 0; i < xy.length / 2; i++) {
        var m = L.circleMarker([xy[2 * i + 1], xy[2 * i]], {renderer: renderer,
          radius: o.radius, weight: 1, color: o.stroke, fillColor: o.fill, fillOpacity: 0.85});
        m._atlasRow = d.pr ? d.pr[i] : i;
        group.addLayer(m);
      }
      group.on("click", function (e) { self._popup(e.latlng, e.layer._atlasRow); });
      this._markers = group;
    },
    _sprite: function (dpr) {
      var o = this.options, r = o.radius, size = Math.ceil((2 * r + 2) * dpr);
      if (this._spriteCanvas && this._spriteDpr === dpr) { return this._spriteCanvas; }
      var c = document.createElement("canvas");
      c.width = c.height = size;
      var ctx = c.getContext("2d");
      ctx.scale(dpr, dpr);
      ctx.beginPath();
      ctx.arc(r + 1, r + 1, r, 0, 2 * Math.PI);
      ctx.fillStyle = o.fill; ctx.globalAlpha = 0.85; ctx.fill();
      ctx.globalAlpha = 1; ctx.lineWidth = 1; ctx.strokeStyle = o.stroke; ctx.stroke();
      this._spriteCanvas = c; this._spriteDpr = dpr;
      return c;
    },
    _redraw: function () {
      var map = this._map, d = this._data, o = this.options;
      if (!map || !d) { return; }
      if (o.markers) {
        L.Util.requestAnimFrame(function () { markDrawn(map, o.id, d.xy.length / 2); });
        return;
      }
      var canvas = this._canvas, size = map.getSize();
      var pad = size.multiplyBy(o.padding).round(), w = size.x + 2 * pad.x,
        h = size.y + 2 * pad.y, dpr = window.devicePixelRatio || 1;
      var topLeft = map.containerPointToLayerPoint([-pad.x, -pad.y]).round();
      var origin = topLeft.add(map.getPixelOrigin()), zoom = map.getZoom();
      L.DomUtil.setPosition(canvas, topLeft);
      var view = [zoom, origin.x, origin.y, w, h, dpr].join(",");
      if (view === this._view) { markDrawn(map, o.id, d._px.length); return; }
      this._bounds = L.latLngBounds(map.layerPointToLatLng(topLeft),
        map.layerPointToLatLng(topLeft.add([w, h])));
      canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr);
      canvas.style.width = w + "px"; canvas.style.height = h + "px";
      var scale = map.options.crs.scale(zoom);
      var shown = d._px.length >= 5000 ?
        this._stamp(canvas, scale, origin, dpr) : this._paint(canvas, scale, origin, w, h, dpr);
      this._view = view;
      canvas.setAttribute("data-drawn", String(shown));
      markDrawn(map, o.id, d._px.length);
    },
    _paint: function (canvas, scale, origin, w, h, dpr) {
      // Few points: stamp an anti-aliased, translucent dot with drawImage.
      var ctx = canvas.getContext("2d"), d = this._data;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      var sprite = this._sprite(dpr), r = this.options.radius + 1, s = 2 * r;
      var px = d._px, py = d._py, n = px.length, ox = origin.x, oy = origin.y, shown = 0;
      for (var i = 0; i < n; i++) {
        var x = px[i] * scale - ox, y = py[i] * scale - oy;
        if (x < -r || y < -r || x > w + r || y > h + r) { continue; }
        ctx.drawImage(sprite, Math.round(x - r), Math.round(y - r), s, s);
        shown++;
      }
      return shown;
    },
    _stamp: function (canvas, scale, origin, dpr) {
      // Many points: write an opaque dot's pixels straight into one ImageData (~10x
      // faster than 100,000 drawImage calls in a software-rendered canvas).
      var o = this.options, d = this._data, W = canvas.width, H = canvas.height;
      var ctx = canvas.getContext("2d"), img = ctx.createImageData(W, H);
      var buf = new Uint32Array(img.data.buffer);
      function abgr(hex) {
        var v = parseInt(hex.slice(1), 16);
        return ((255 << 24) | ((v & 255) << 16) | (v & 0xff00) | ((v >> 16) & 255)) >>> 0;
      }
      var fill = abgr(o.fill), stroke = abgr(o.stroke);
      var R = Math.max(1, Math.round((o.radius + 0.5) * dpr)), inner = (R - dpr) * (R - dpr);
      var dxs = [], dys = [], cols = [];
      for (var dy = -R; dy <= R; dy++) {
        for (var dx = -R; dx <= R; dx++) {
          var dd = dx * dx + dy * dy;
          if (dd > R * R) { continue; }
          dxs.push(dx); dys.push(dy); cols.push(dd >= inner ? stroke : fill);
        }
      }
      var k = dxs.length, offs = new Int32Array(k);
      for (var j = 0; j < k; j++) { offs[j] = dys[j] * W + dxs[j]; }
      var px = d._px, py = d._py, n = px.length, sx = scale * dpr;
      var ox = origin.x * dpr, oy = origin.y * dpr, shown = 0;
      for (var i = 0; i < n; i++) {
        var x = Math.round(px[i] * sx - ox), y = Math.round(py[i] * sx - oy);
        if (x < -R || y < -R || x >= W + R || y >= H + R) { continue; }
        shown++;
        if (x >= R && y >= R && x < W - R && y < H - R) {
          var base = y * W + x;
          for (j = 0; j < k; j++) { buf[base + offs[j]] = cols[j]; }
        } else {
          for (j = 0; j < k; j++) {
            var qx = x + dxs[j], qy = y + dys[j];
            if (qx >= 0 && qy >= 0 && qx < W && qy < H) { buf[qy * W + qx] = cols[j]; }
          }
        }
      }
      ctx.putImageData(img, 0, 0);
      return shown;
    },
    _animateZoom: function (e) {
      if (!this._bounds || this.options.markers) { return; }
      var scale = this._map.getZoomScale(e.zoom),
        offset = this._map._latLngBoundsToNewLayerBounds(this._bounds, e.zoom, e.center).min;
      L.DomUtil.setTransform(this._canvas, offset, scale);
      this._view = null;
    },
    _hit: function (point) {
      var map = this._map, d = this._data;
      if (!map || !d || !d._px) { return -1; }
      var scale = map.options.crs.scale(map.getZoom());
      var origin = map.containerPointToLayerPoint([0, 0]).add(map.getPixelOrigin());
      var px = d._px, py = d._py, best = -1, tol = this.options.radius + 3, bestD = tol * tol;
      var cx = point.x + origin.x, cy = point.y + origin.y;
      for (var i = 0; i < px.length; i++) {
        var dx = px[i] * scale - cx, dy = py[i] * scale - cy, dd = dx * dx + dy * dy;
        if (dd <= bestD) { bestD = dd; best = i; }
      }
      return best;
    },
    _onClick: function (e) {
      if (this.options.markers) { return; }
      var i = this._hit(e.containerPoint), d = this._data;
      if (i < 0) { return; }
      this._popup(L.latLng(d.xy[2 * i + 1], d.xy[2 * i]), d.pr ? d.pr[i] : i);
    },
    _onMove: function (e) {
      if (this.options.markers || this._moveQueued) { return; }
      var self = this, point = e.containerPoint;
      this._moveQueued = true;
      L.Util.requestAnimFrame(function () {
        self._moveQueued = false;
        if (!self._map) { return; }
        var over = self._hit(point) >= 0, c = self._map.getContainer();
        if (over) { c.style.cursor = "pointer"; self._hover = true; }
        else if (self._hover) { c.style.cursor = ""; self._hover = false; }
      });
    },
    _popup: function (latlng, row) {
      var self = this, spec = this._spec;
      var got = spec.props ? Promise.resolve(spec.props) : getJSON(spec.props_url);
      got.then(function (props) {
        if (!self._map) { return; }
        L.popup({minWidth: 260, maxWidth: 360, maxHeight: 320,
                  className: "atlas-extra-popup-wrap"})
          .setLatLng(latlng)
          .setContent(popupHtml(props, self.options.titleHtml, row))
          .openOn(self._map);
      });
    }
  });
  return {
    layer: function (spec, options) {
      var key = options.key;
      if (key && layers[key]) { return layers[key]; }
      var layer = new PointCanvas(spec, options);
      if (key) { layers[key] = layer; }
      return layer;
    },
    popupHtml: popupHtml
  };
})();
