// The projector stage's type size: the largest body size (from 30 px down to 18 px) at which
// the lesson step fits its column without scrolling, chosen again whenever the step or the
// window changes. At 18 px a step that is still too long scrolls inside its own box, never
// the page; the box then says so with data-overflow="true" (the browser tests read it).
// Loaded by layers/ui/stage.py into a zero-height, same-origin component frame, which installs
// it in the page itself, once (observers left in the frame's realm die with the frame).
function atlasInstallStageFit() {
  const MAX = 30;
  const MIN = 18;
  const fit = () => {
    const box = document.querySelector(".st-key-atlas-stage-text");
    const step = box && box.querySelector(".atlas-stage-step");
    if (!step) { return; }
    const key = `${step.dataset.step}/${box.clientWidth}x${box.clientHeight}/${step.textContent.length}`;
    if (box.dataset.fitted === key) { return; }
    let size = MAX;
    step.style.setProperty("--atlas-stage-size", `${size}px`);
    while (size > MIN && box.scrollHeight > box.clientHeight + 1) {
      size -= 1;
      step.style.setProperty("--atlas-stage-size", `${size}px`);
    }
    box.dataset.size = String(size);
    box.dataset.overflow = String(box.scrollHeight > box.clientHeight + 1);
    box.dataset.fitted = key;
  };
  let queued = false;
  const later = () => {
    if (queued) { return; }
    queued = true;
    requestAnimationFrame(() => { queued = false; fit(); });
  };
  new MutationObserver(later)
    .observe(document.body, {childList: true, subtree: true, characterData: true});
  window.addEventListener("resize", later);
  window.atlasStageFit = later;
  later();
}
if (!window.parent.atlasStageFit) {
  const installer = window.parent.document.createElement("script");
  installer.textContent = `(${atlasInstallStageFit.toString()})();`;
  window.parent.document.head.appendChild(installer);
} else {
  window.parent.atlasStageFit();
}
