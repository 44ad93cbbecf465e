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

  // CSRF: htmx sends the token as a header (hx-headers on <body>); a plain form post
  // carries it as a hidden field, added here when the template did not render one.
  function csrfToken() {
    const meta = document.querySelector("meta[name='csrf-token']");
    return meta ? meta.content : "";
  }
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || (form.method || "get").toLowerCase() !== "post") {
      return;
    }
    let field = form.querySelector("input[name='csrf_token']");
    if (!field) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = "csrf_token";
      form.appendChild(field);
    }
    field.value = csrfToken();
  }, true);

  // "Back" links go back in history when there is one, else to the link's own target.
  document.addEventListener("click", function (event) {
    const link = event.target.closest("a[data-back]");
    if (link && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
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
  // Events sent while the stream was down are lost: after a reconnect, re-fetch every
  // live part once. On the first open, only the parts marked data-live-initial (read-only
  // views: projector, console) re-fetch, to cover events sent while the page loaded; a
  // tablet's own controls are not re-fetched, so a stale copy cannot overwrite a vote
  // the resident has just made.
  let opened = false;
  document.addEventListener("htmx:sseOpen", function () {
    const reconnect = opened || document.body.classList.contains("offline");
    opened = true;
    document.body.classList.remove("offline");
    const selector = reconnect ? "[hx-trigger*='sse:']" : "[data-live-initial]";
    const refetch = function () {
      document.querySelectorAll(selector).forEach(function (el) {
        const match = el.getAttribute("hx-trigger").match(/sse:[a-z]+/);
        if (match) {
          window.htmx.trigger(el, match[0]);
        }
      });
    };
    // Actions queued while offline (static/ux.js) go first, so a re-fetched copy cannot
    // race them and show the state from before the resident's last tap.
    window.setTimeout(function () {
      if (document.body.dataset.resending) {
        document.addEventListener("workshop:resent", refetch, { once: true });
      } else {
        refetch();
      }
    }, 0);
  });
})();

// A large upload (a meeting bundle) shows how far it is: the bytes sent, then the
// server's check and import (a 20,000-vote bundle takes a few seconds after the upload).
// Forms opt in with data-upload-progress; their texts come from data-sending ("{pct}")
// and data-checking, in the page's language.
(function () {
  "use strict";
  const box = function (form) {
    return form.querySelector("[data-progress]");
  };
  const show = function (form, pct) {
    const part = box(form);
    part.hidden = false;
    part.querySelector("progress").value = pct;
    part.querySelector("[role=status]").textContent =
      pct < 100 ? form.dataset.sending.replace("{pct}", String(pct)) : form.dataset.checking;
  };
  document.addEventListener("htmx:beforeRequest", function (event) {
    const form = event.target;
    if (form.matches && form.matches("form[data-upload-progress]")) {
      delete form.dataset.uploaded;
      show(form, 0);
    }
  });
  document.addEventListener("htmx:xhr:progress", function (event) {
    const form = event.target;
    if (!form.matches || !form.matches("form[data-upload-progress]")) {
      return;
    }
    // Upload and download both report progress: after the upload, only the check shows.
    if (form.dataset.uploaded || !event.detail.lengthComputable || !event.detail.total) {
      return;
    }
    const pct = Math.min(100, Math.floor((100 * event.detail.loaded) / event.detail.total));
    if (pct >= 100) {
      form.dataset.uploaded = "1";
    }
    show(form, pct);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    const form = event.target;
    if (form.matches && form.matches("form[data-upload-progress]") && !event.detail.successful) {
      box(form).hidden = true; // the refusal is shown in the form's target
    }
  });
})();
