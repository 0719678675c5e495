// The lesson's offline file: shows one step at a time, moves the map to the step's view and
// draws the sites its filters show (with window.AtlasSiteMarkers, site-markers.js), sizes the
// step's type to its column, and toggles the presenter notes (N) and the sources dialog.
// Inlined by layers/export/lesson_bundle.py after the map's script; the data is the JSON in
// #atlas-lesson-data: {map: the Leaflet map's global name, markers: site-markers.js config
// without its sites, steps: [{id, lat, lon, zoom, sites}]}. The lesson keys come from
// lesson-keys.js, which clicks #lb-previous, #lb-next and the hidden "Go to step N" buttons.
// Signals for tests and the benchmark, on #atlas-lesson: data-step (1-based, set once the
// step's markers are drawn), data-markers (site markers drawn), data-notes (shown | hidden).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("atlas-lesson-data").textContent);
  var map = window[data.map];
  var stage = document.getElementById("atlas-lesson");
  var textBox = document.getElementById("lb-text");
  var notes = document.getElementById("lb-notes");
  var notesButton = document.getElementById("lb-notes-toggle");
  var dialog = document.getElementById("lb-sources");
  var openButton = document.getElementById("lb-sources-open");
  var previous = document.getElementById("lb-previous");
  var next = document.getElementById("lb-next");
  var counter = document.getElementById("lb-count");
  var steps = document.querySelectorAll(".lb-step");
  var noteItems = document.querySelectorAll(".lb-note");
  var count = data.steps.length;
  var current = -1;
  var group = null;

  // The largest type (30 px down to 18 px) at which the step fits its column; below that it
  // scrolls inside its own box (data-overflow says so), never the page. As stage-fit.js.
  function fit() {
    var fits = function (size) {
      textBox.style.setProperty("--atlas-stage-size", size + "px");
      return textBox.scrollHeight <= textBox.clientHeight + 1;
    };
    var low = 18, high = 30;  // the largest size that fits, found in four layouts, not twelve
    if (!fits(low)) { high = low; }
    while (low < high) {
      var mid = Math.ceil((low + high) / 2);
      if (fits(mid)) { low = mid; } else { high = mid - 1; }
    }
    textBox.dataset.overflow = String(!fits(low));
    textBox.dataset.size = String(low);
  }

  function show(index) {
    index = Math.max(0, Math.min(count - 1, index));
    var moved = current !== -1;
    var step = data.steps[index];
    current = index;
    Array.prototype.forEach.call(steps, function (el, i) { el.hidden = i !== index; });
    Array.prototype.forEach.call(noteItems, function (el, i) { el.hidden = i !== index; });
    previous.disabled = index === 0;
    next.disabled = index === count - 1;
    counter.textContent = (index + 1) + " / " + count;
    fit();
    textBox.scrollTop = 0;
    if (group) { map.removeLayer(group); }
    map.closePopup();
    // The file opens at the first step's view: moving there again would re-project the
    // whole basemap for nothing.
    var at = map.latLngToContainerPoint([step.lat, step.lon]);
    if (map.getZoom() !== step.zoom || at.distanceTo(map.getSize().divideBy(2)) > 1) {
      map.setView([step.lat, step.lon], step.zoom, {animate: false});
    }
    group = L.featureGroup().addTo(map);
    window.AtlasSiteMarkers(group, Object.assign({sites: step.sites}, data.markers));
    // The address names the step (a link to it), once the reader has moved: not on opening,
    // where it would cost the first step's drawing some 20 to 100 ms.
    if (moved) {
      try { history.replaceState(null, "", "#step-" + (index + 1)); } catch (e) { /* ok */ }
    }
    // After site-markers.js has kept the highlighted sites in view (its own setTimeout 0).
    setTimeout(function () {
      if (current !== index) { return; }
      var drawn = map.getPane("markerPane").querySelectorAll(".atlas-marker").length;
      stage.dataset.markers = String(drawn);
      stage.dataset.step = String(index + 1);
    }, 0);
  }

  function toggleNotes(open) {
    var on = open === undefined ? notes.hidden : open;
    notes.hidden = !on;
    notesButton.setAttribute("aria-pressed", String(on));
    stage.dataset.notes = on ? "shown" : "hidden";
    fit();
  }

  function openSources() {
    dialog.hidden = false;
    document.getElementById("lb-sources-close").focus();
  }

  function closeSources() {
    dialog.hidden = true;
    openButton.focus();
  }

  previous.addEventListener("click", function () { show(current - 1); });
  next.addEventListener("click", function () { show(current + 1); });
  document.querySelectorAll(".st-key-atlas-step-keys button").forEach(function (button) {
    button.addEventListener("click", function () { show(parseInt(button.dataset.index, 10)); });
  });
  notesButton.addEventListener("click", function () { toggleNotes(); });
  openButton.addEventListener("click", openSources);
  document.getElementById("lb-sources-close").addEventListener("click", closeSources);
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey) { return; }
    if (!dialog.hidden) {
      if (event.key === "Escape") { event.preventDefault(); closeSources(); }
      return;
    }
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) {
      return;
    }
    if (event.key === "n" || event.key === "N") { event.preventDefault(); toggleNotes(); }
  });
  window.addEventListener("resize", fit);

  var asked = /^#step-(\d+)$/.exec(location.hash);
  show(asked ? parseInt(asked[1], 10) - 1 : 0);
})();
