// The presenter's timer: counts on, in the browser, from the seconds the server last drew
// (data-elapsed on .atlas-lesson-timer, layers/ui/presenter_view.py), so the page is not
// rerun every second and the server's clock never has to agree with the presenter's.
// Loaded by layers/ui/lesson_panel.py into a zero-height, same-origin component frame, which
// installs it in the page itself, once (a timer left in the frame's realm dies with the frame).
function atlasInstallLessonTimer() {
  const shown = (seconds) => {
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = String(seconds % 60).padStart(2, "0");
    return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
  };
  const tick = () => {
    for (const timer of document.querySelectorAll(".atlas-lesson-timer[data-elapsed]")) {
      const base = parseInt(timer.dataset.elapsed, 10);
      if (Number.isNaN(base)) { continue; }
      if (timer.atlasBase !== base) { timer.atlasBase = base; timer.atlasSeenAt = Date.now(); }
      const now = base + Math.floor((Date.now() - timer.atlasSeenAt) / 1000);
      const out = timer.querySelector("strong");
      if (out && out.textContent !== shown(now)) { out.textContent = shown(now); }
      timer.dataset.shown = String(now);
    }
  };
  window.setInterval(tick, 1000);
  window.atlasLessonTimer = tick;
}
if (!window.parent.atlasLessonTimer) {
  const installer = window.parent.document.createElement("script");
  installer.textContent = `(${atlasInstallLessonTimer.toString()})();`;
  window.parent.document.head.appendChild(installer);
}
