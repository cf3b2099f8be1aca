// Behaviour every page shares, kept out of the HTML: the Content-Security-Policy runs no
// inline script or on* attribute.
(function () {
  "use strict";
  // An input with data-clear-on-blur="#id" empties that element shortly after it loses
  // focus (the header search's suggestions), late enough for a click on a suggestion.
  document.addEventListener("focusout", function (event) {
    const selector = event.target.dataset && event.target.dataset.clearOnBlur;
    if (!selector) return;
    setTimeout(function () {
      const target = document.querySelector(selector);
      if (target) target.innerHTML = "";
    }, 250);
  });
  // A form marked data-autosubmit (the header's language menu) submits when its select
  // changes; its button, shown until this runs, stays the way without JS.
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.classList.add("js-autosubmit");
    form.addEventListener("change", function (event) {
      if (event.target.tagName === "SELECT") form.requestSubmit ? form.requestSubmit() : form.submit();
    });
  });
})();
