// Keys that step through a lesson, as presentation clickers and keyboards send them:
// Right / PageDown / Space = next, Left / PageUp / Shift+Space = previous, Home / End = first /
// last step, and a step number then Enter jumps to that step.
// Loaded by layers/ui/lesson_panel.py into a zero-height, same-origin component frame, which
// installs the handler in the page itself, once: a listener left in the frame's own realm
// would stop firing when Streamlit replaces the frame (entering the projector stage does).
// It only clicks the app's own buttons (previous, next and the hidden "Go to step N" ones;
// layers/ui/lesson_panel.py gives them the keys used below). The map's frame hands over the
// keys pressed inside the map through window.atlasLessonKey (static/atlas/map-keys.js), so
// the keys work wherever focus is.
// The lesson's offline file (layers/export/lesson_bundle.py) inlines this script too, its
// buttons carrying the same st-key-* classes; there window.parent is the page itself.
function atlasInstallLessonKeys() {
  let digits = "";
  let digitsAt = 0;
  const press = (selector) => {
    const button = document.querySelector(selector);
    if (button && !button.disabled) { button.click(); }
    return true;
  };
  const jump = (number) => press(`.st-key-key-to-step-${number - 1} button`);
  const stepCount = () => document.querySelectorAll(".st-key-atlas-step-keys button").length;
  // {key, shiftKey, ctrlKey, altKey, metaKey} -> true when the key was a lesson key (used).
  window.atlasLessonKey = (event) => {
    if (event.ctrlKey || event.altKey || event.metaKey) { return false; }
    if (!document.querySelector('section[aria-label="Lesson step"]')) { return false; }
    const key = event.key;
    if (/^[0-9]$/.test(key)) {
      digits = (Date.now() - digitsAt < 4000 ? digits : "") + key;
      digitsAt = Date.now();
      return true;
    }
    if (key === "Enter") {
      if (!digits) { return false; }
      const number = parseInt(digits, 10);
      digits = "";
      return jump(number);
    }
    digits = "";
    if (key === "ArrowRight" || key === "PageDown" || (key === " " && !event.shiftKey)) {
      return press(".st-key-lesson-next button");
    }
    if (key === "ArrowLeft" || key === "PageUp" || (key === " " && event.shiftKey)) {
      return press(".st-key-lesson-previous button");
    }
    if (key === "Home") { return jump(1); }
    if (key === "End") { return jump(stepCount()); }
    return false;
  };
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) {
      return;
    }
    // Inside an open menu (the step list), keys keep their usual meaning.
    if (target && target.closest && target.closest('[data-baseweb="popover"], [role="dialog"]')) {
      return;
    }
    if (window.atlasLessonKey(event)) { event.preventDefault(); event.stopPropagation(); }
  }, true);
}
if (!window.parent.atlasLessonKey) {
  const installer = window.parent.document.createElement("script");
  installer.textContent = `(${atlasInstallLessonKeys.toString()})();`;
  window.parent.document.head.appendChild(installer);
}
