// The draft editor: warn before leaving with unsaved text, and save with Ctrl/Cmd+S.
// The preview itself is htmx (server-rendered, so it is sanitised like the published page).
(function () {
  "use strict";
  const form = document.querySelector("[data-editor-form]");
  if (!form) return;
  let dirty = false;
  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  // A text over the caps comes back as 400 with the reason: show it in the preview.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.target.id === "preview" && event.detail.xhr.status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "s") {
      event.preventDefault();
      const save = form.querySelector("button[name=save]");
      if (save) form.requestSubmit(save);
    }
  });
})();
