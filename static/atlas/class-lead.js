// The presenter's class, kept in the presenter's browser: a cookie with the class's code and
// key (data-lead="CODE.KEY", or "" to drop it), so that a reload of the presenter's page takes
// the class back (layers/state/follow.py resume_class). Strict same-site, six hours, the
// atlas's own path; never in a URL. Loaded by layers/ui/presenter_view.py in a zero-height,
// same-origin component frame, next to the element that carries the value.
(() => {
  const data = document.getElementById("atlas-class-lead");
  if (!data) { return; }
  const lead = data.dataset.lead || "";
  const secure = window.parent.location.protocol === "https:" ? "; Secure" : "";
  window.parent.document.cookie = lead
    ? `atlas_class_lead=${lead}; path=/; max-age=21600; SameSite=Strict${secure}`
    : `atlas_class_lead=; path=/; max-age=0; SameSite=Strict${secure}`;
})();
