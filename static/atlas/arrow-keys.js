// Left and right arrow keys step through a lesson (outside text fields).
// Loaded by layers/ui/lesson_panel.py into a zero-height, same-origin component frame;
// it listens on the page and only clicks the app's own "Previous step" / "Next step"
// buttons.
const doc = window.parent.document;
if (!doc.__atlasArrowKeys) {
  doc.__atlasArrowKeys = true;
  doc.addEventListener("keydown", (event) => {
    const target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) {
      return;
    }
    const label = {ArrowRight: "Next step", ArrowLeft: "Previous step"}[event.key];
    if (!label) { return; }
    const button = Array.from(doc.querySelectorAll("button"))
      .find((b) => b.innerText.trim().endsWith(label));
    if (button && !button.disabled) { event.preventDefault(); button.click(); }
  });
}
