// Small behaviours shared by every page. No build step; htmx does the rest.
(function () {
  "use strict";

  // Ask before irreversible console actions (e.g. moving to the next stage).
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // A form that saved clears itself so the next resident starts fresh.
  document.addEventListener("htmx:afterRequest", function (event) {
    const form = event.detail.elt;
    if (form && form.matches && form.matches("form[data-reset-on-success]") && event.detail.successful) {
      form.reset();
      form.dispatchEvent(new CustomEvent("workshop:reset", { bubbles: true }));
    }
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-fullscreen]") && document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen();
    }
  });

  // Show when the live connection to the laptop drops and comes back.
  document.addEventListener("htmx:sseError", function () {
    document.body.classList.add("offline");
  });
  // Events sent before the stream opened (page still loading) or while it was down are
  // lost: whenever the stream opens, re-fetch every live part once.
  document.addEventListener("htmx:sseOpen", function () {
    document.body.classList.remove("offline");
    document.querySelectorAll("[hx-trigger*='sse:']").forEach(function (el) {
      const match = el.getAttribute("hx-trigger").match(/sse:[a-z]+/);
      if (match) {
        window.htmx.trigger(el, match[0]);
      }
    });
  });
})();
