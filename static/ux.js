// Tablet/projector/console experience: display preferences, the connection state with
// a queue of actions to resend, and the facilitator's stage timer. No build step.
(function () {
  "use strict";
  var root = document.documentElement;

  // --- display preferences (prefs.js applied them before paint) -------------------
  function syncToggles() {
    document.querySelectorAll("[data-pref]").forEach(function (button) {
      var on = root.classList.contains("pref-" + button.dataset.pref);
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-pref]");
    if (!button) { return; }
    var name = button.dataset.pref;
    var on = root.classList.toggle("pref-" + name);
    try { window.localStorage.setItem("workshop-pref-" + name, on ? "1" : "0"); } catch (e) { /* ignore */ }
    syncToggles();
    window.dispatchEvent(new Event("resize")); // maps re-measure after a font change
  });
  syncToggles();

  // --- connection state -----------------------------------------------------------
  // The laptop may drop (Wi-Fi, lid closed). A request that never reached the server
  // (htmx:sendError) is queued and sent again once the server answers; the banner says
  // what is happening in plain words. Only requests that got no answer at all are
  // resent, so the server never sees one action twice unless the answer itself was lost.
  var status = document.getElementById("conn-status");
  var queue = [];
  var offline = false;
  var pingTimer = null;
  var hideTimer = null;

  function show(state) {
    if (!status) { return; }
    window.clearTimeout(hideTimer);
    status.textContent = status.dataset[state] || "";
    status.className = "conn-status " + state;
    if (state === "online") {
      hideTimer = window.setTimeout(function () {
        status.className = "conn-status";
        status.textContent = "";
      }, 3000);
    }
  }

  function goOffline() {
    if (offline) { return; }
    offline = true;
    document.body.classList.add("offline");
    show("offline");
    pingTimer = window.setInterval(ping, 2000);
  }

  function goOnline() {
    if (!offline) { return; }
    offline = false;
    window.clearInterval(pingTimer);
    document.body.classList.remove("offline");
    show("online");
    var pending = queue;
    queue = [];
    delete document.body.dataset.queued;
    if (!pending.length) { return; }
    document.body.dataset.resending = "1";
    Promise.all(pending.map(resend)).then(done, done);
  }

  function done() {
    delete document.body.dataset.resending;
    document.dispatchEvent(new CustomEvent("workshop:resent"));
  }

  function ping() {
    window.fetch("/static/prefs.js", { method: "HEAD", cache: "no-store" }).then(function (r) {
      if (r.ok) { goOnline(); }
    }, function () { /* still down */ });
  }

  function resend(item) {
    if (!item.elt.isConnected) { return Promise.resolve(); }
    return window.htmx.ajax(item.verb, item.path, {
      source: item.elt, target: item.target, values: item.values, swap: item.swap,
    });
  }

  document.addEventListener("htmx:sendError", function (event) {
    var d = event.detail;
    var config = d.requestConfig || {};
    var verb = (config.verb || "get").toUpperCase();
    goOffline();
    if (verb === "GET") { return; } // live views refresh themselves after a reconnect
    var values = {};
    try {
      (config.formData || new FormData()).forEach(function (v, k) { values[k] = v; });
    } catch (e) { /* no form data */ }
    var target = d.target && d.target.id ? "#" + d.target.id : d.target;
    // The tapped control itself says it is waiting (the banner alone is easy to miss).
    if (d.elt.classList && status) {
      d.elt.classList.add("waiting");
      d.elt.setAttribute("data-waiting", status.dataset.waiting || "");
      d.elt.setAttribute("aria-busy", "true");
    }
    // One pending action per control: the resident's last choice wins.
    queue = queue.filter(function (item) { return item.elt !== d.elt; });
    queue.push({ elt: d.elt, verb: verb, path: config.path, values: values, target: target,
      swap: d.elt.getAttribute("hx-swap") || undefined });
    document.body.dataset.queued = String(queue.length); // how many wait (tests read it)
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail.elt;
    if (event.detail.successful && elt.classList && elt.classList.contains("waiting")) {
      elt.classList.remove("waiting");
      elt.removeAttribute("aria-busy");
    }
  });
  document.addEventListener("htmx:sseError", goOffline);
  document.addEventListener("htmx:sseOpen", goOnline);
  window.addEventListener("offline", goOffline);
  window.addEventListener("online", ping);

  // --- undo: the confirmation of the last action offers "撤销" for 10 seconds ---------
  function armUndo(scope) {
    scope.querySelectorAll("[data-undo]:not([data-armed])").forEach(function (form) {
      form.setAttribute("data-armed", "");
      window.setTimeout(function () { form.remove(); }, 10000);
    });
  }
  document.addEventListener("htmx:load", function (event) { armUndo(event.detail.elt.parentNode || document); });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!event.detail.successful || !form.matches || !form.matches("[data-undo]")) { return; }
    var box = form.closest("[data-undo-box]");
    if (box) {
      box.innerHTML = "";
      var p = document.createElement("p");
      p.className = "ok";
      p.setAttribute("role", "status");
      p.textContent = form.dataset.undone || "";
      box.appendChild(p);
    }
  });

  // --- facilitator's stage timer ----------------------------------------------------
  // Counts from the stage's start: the server's time when the page carries one, else the
  // first time this browser saw the stage (kept in localStorage across reloads).
  // A stage swapped in place (static/stage.js) brings a new timer: start that one.
  var ticking = null;
  function startTimer() {
    window.clearInterval(ticking);
    var timer = document.querySelector("[data-stage-timer]");
    if (!timer) { return; }
    var key = "workshop-stage-" + timer.dataset.workshop + "-" + timer.dataset.stage;
    var start = Date.parse(timer.dataset.since || "");
    if (isNaN(start)) {
      try {
        start = parseInt(window.localStorage.getItem(key) || "", 10);
        if (isNaN(start)) {
          start = Date.now();
          window.localStorage.setItem(key, String(start));
        }
      } catch (e) { start = Date.now(); }
    }
    var out = timer.querySelector("time") || timer;
    var tick = function () {
      var s = Math.max(0, Math.floor((Date.now() - start) / 1000));
      var m = Math.floor(s / 60);
      var text = (m < 10 ? "0" : "") + m + ":" + (s % 60 < 10 ? "0" : "") + (s % 60);
      out.textContent = text;
      out.setAttribute("datetime", "PT" + m + "M" + (s % 60) + "S");
    };
    tick();
    ticking = window.setInterval(tick, 1000);
  }
  startTimer();
  document.addEventListener("workshop:swapped", startTimer);
})();
