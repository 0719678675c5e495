// Lesson keys pressed inside the map: handed to the page (window.parent.atlasLessonKey, set by
// static/atlas/lesson-keys.js) before Leaflet sees them, so a clicked map no longer swallows
// the arrows, PageDown or Space. Without a lesson the page declines and the map pans as usual.
// Inlined into the map's script by layers/map/leaflet.py (SiteMarkers), once per page.
if (!window.__atlasMapKeys) {
  window.__atlasMapKeys = true;
  document.addEventListener("keydown", function (event) {
    var handler = null;
    try { handler = window.parent !== window && window.parent.atlasLessonKey; } catch (e) { return; }
    if (typeof handler !== "function") { return; }
    var target = event.target;
    // A focused marker opens with Enter or Space (site-markers.js); a typed step number wins.
    var onMarker = target && target.closest && target.closest(".leaflet-marker-icon");
    if (onMarker && event.key === " ") { return; }
    var used = handler({key: event.key, shiftKey: event.shiftKey, ctrlKey: event.ctrlKey,
                        altKey: event.altKey, metaKey: event.metaKey});
    if (used) { event.preventDefault(); event.stopPropagation(); }
  }, true);
}
