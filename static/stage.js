// Stage changes, drafts and the "still typing" signal. No build step.
//
// - A stage change swaps the page's content in place (no reload): the projector stays
//   full screen, typed text, scroll position and display preferences survive. The
//   server's stage check answers `HX-Trigger: workshop-stage` when the stage a page
//   shows is no longer current; the page is fetched again and either its marked regions
//   ([data-stage-region], the projector: its map stays) or all of <main> are replaced.
//   New head assets (a map's Leaflet files and styles) are added and the page's own
//   scripts run again with this page's CSP nonce.
// - A resident's unsent text (forms marked data-draft) is kept in localStorage per
//   participant and restored; text whose form is gone after a stage change is shown.
// - While a resident has unsent text, the tablet tells the server every few seconds
//   (POST …/typing); the console counts them from its event stream and warns the
//   planner before moving on.
(function () {
  "use strict";

  // --- swapping a new stage in ------------------------------------------------------
  var swapping = null;
  var retries = 0;
  var sources = []; // [element, EventSource]: streams to close when their element goes
  document.addEventListener("htmx:sseOpen", function (event) {
    if (event.detail && event.detail.source) { sources.push([event.target, event.detail.source]); }
  });
  function closeStreamsIn(container) {
    sources = sources.filter(function (pair) {
      if (container.contains(pair[0])) { pair[1].close(); return false; }
      return pair[0].isConnected;
    });
  }

  function pageNonce() {
    // templates/base.html: the attribute reads empty; the property keeps the value.
    var s = document.getElementById("page-nonce") || document.querySelector("script[nonce]");
    return s ? s.nonce : "";
  }

  function loadScript(src) {
    return new Promise(function (resolve) {
      var s = document.createElement("script");
      s.src = src;
      s.async = false;
      s.onload = s.onerror = function () { resolve(); };
      document.body.appendChild(s);
    });
  }

  function runInline(code) {
    var s = document.createElement("script");
    s.nonce = pageNonce();
    s.textContent = code;
    document.body.appendChild(s);
  }

  function hasScript(src) {
    return Array.prototype.some.call(document.scripts, function (s) {
      return s.getAttribute("src") === src;
    });
  }

  // Scripts are run one after the other, in document order (libraries before users).
  function runScripts(scripts, always) {
    return scripts.reduce(function (chain, old) {
      return chain.then(function () {
        var src = old.getAttribute("src");
        if (src) {
          return always || !hasScript(src) ? loadScript(src) : null;
        }
        if (old.textContent.trim()) {
          runInline(old.textContent);
        }
        return null;
      });
    }, Promise.resolve());
  }

  function mergeHead(head) {
    var styles = Array.prototype.map.call(document.querySelectorAll("head style"), function (s) {
      return s.textContent;
    });
    var scripts = [];
    // A map's styles go where the page template puts them: before the app's own
    // stylesheet, so app.css still wins over Bootstrap and Leaflet defaults.
    var anchor = document.querySelector("link[rel='stylesheet'][href='/static/app.css']");
    function addStyle(el) {
      document.head.insertBefore(el.cloneNode(true), anchor);
    }
    Array.prototype.forEach.call(head.children, function (el) {
      var tag = el.tagName.toLowerCase();
      if (tag === "link" && el.rel === "stylesheet") {
        var href = el.getAttribute("href");
        if (!document.querySelector("link[rel='stylesheet'][href='" + href + "']")) {
          addStyle(el);
        }
      } else if (tag === "style" && styles.indexOf(el.textContent) < 0) {
        addStyle(el);
      } else if (tag === "script" && (!el.getAttribute("src") || !hasScript(el.getAttribute("src")))) {
        scripts.push(el);
      }
    });
    return runScripts(scripts, false);
  }

  function detach(container) {
    // Scripts inside swapped HTML do not run by themselves: take them out, run them after.
    var scripts = Array.prototype.slice.call(container.querySelectorAll("script"));
    scripts.forEach(function (s) { s.remove(); });
    return scripts;
  }

  function swapRegions(doc) {
    var swapped = [];
    document.querySelectorAll("[data-stage-region]").forEach(function (old) {
      var fresh = old.id && doc.getElementById(old.id);
      if (fresh) {
        var node = document.importNode(fresh, true);
        old.replaceWith(node);
        swapped.push(node);
      }
    });
    swapped.forEach(function (node) { window.htmx.process(node); });
    return Promise.resolve();
  }

  function swapMain(doc) {
    var main = document.getElementById("main");
    var freshMain = doc.getElementById("main");
    if (!main || !freshMain) {
      window.location.reload();
      return Promise.resolve();
    }
    // Page scripts (after <main>: the map's own script, map.js) run again for new content.
    var after = [];
    for (var n = freshMain.nextElementSibling; n; n = n.nextElementSibling) {
      if (n.tagName.toLowerCase() === "script") { after.push(n); }
    }
    var inMain = detach(freshMain);
    var scrollY = window.scrollY;
    return mergeHead(doc.head).then(function () {
      closeStreamsIn(main);
      main.replaceChildren.apply(main, Array.prototype.map.call(freshMain.childNodes, function (c) {
        return document.importNode(c, true);
      }));
      return runScripts(inMain, false);
    }).then(function () {
      return runScripts(after, true);
    }).then(function () {
      window.htmx.process(main);
      window.scrollTo(0, Math.min(scrollY, document.documentElement.scrollHeight));
    });
  }

  function swapStage() {
    if (swapping) { return swapping; }
    saveAllDrafts();
    swapping = window.fetch(window.location.href, {
      credentials: "same-origin", headers: { Accept: "text/html" }, cache: "no-store",
    }).then(function (r) {
      if (r.status >= 500) { throw new Error("busy"); } // try again shortly
      if (!r.ok || r.redirected) { throw new Error("reload"); } // e.g. signed out
      return r.text();
    }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      document.title = doc.title;
      var keep = document.body.classList.contains("offline");
      document.body.className = doc.body.className;
      document.body.classList.toggle("offline", keep);
      var regional = document.querySelector("[data-stage-region]");
      return regional ? swapRegions(doc) : swapMain(doc);
    }).then(function () {
      swapping = null;
      retries = 0;
      restoreDrafts();
      document.dispatchEvent(new CustomEvent("workshop:swapped"));
    }, function (error) {
      swapping = null;
      if ((error && error.message === "reload") || ++retries > 20) {
        window.location.reload(); // the page cannot be swapped: a reload shows what is right
      } else {
        // No answer (the laptop dropped) or busy: keep the page and everything typed in it,
        // and try again; a reconnect also re-runs the stage check (static/app.js).
        window.setTimeout(swapStage, 3000);
      }
    });
    return swapping;
  }
  document.addEventListener("workshop-stage", swapStage);

  // --- drafts ---------------------------------------------------------------------------
  var DRAFT = "workshop-draft:";
  function scope() {
    var el = document.querySelector("[data-draft-scope]");
    return el ? el.dataset.draftScope : null;
  }
  function draftFields(form) {
    return Array.prototype.filter.call(form.querySelectorAll("input[name], textarea[name]"), function (f) {
      return f.tagName.toLowerCase() === "textarea" || f.type === "text" || f.type === "search" || !f.getAttribute("type");
    });
  }
  function draftKey(form, field) {
    return DRAFT + scope() + ":" + (form.dataset.draft || form.id) + ":" + field.name;
  }
  function store(key, value) {
    try {
      if (value) { window.localStorage.setItem(key, value); } else { window.localStorage.removeItem(key); }
    } catch (e) { /* storage blocked: no drafts */ }
  }
  function saveField(field) {
    var form = field.form;
    if (!scope() || !form || !form.hasAttribute("data-draft")) { return; }
    store(draftKey(form, field), field.value.trim() ? field.value : "");
  }
  function saveAllDrafts() {
    document.querySelectorAll("form[data-draft]").forEach(function (form) {
      draftFields(form).forEach(saveField);
    });
  }
  function clearDrafts(form) {
    draftFields(form).forEach(function (f) { store(draftKey(form, f), ""); });
  }
  function storedDrafts() {
    var prefix = DRAFT + scope() + ":";
    var found = [];
    try {
      for (var i = 0; i < window.localStorage.length; i++) {
        var key = window.localStorage.key(i);
        if (key && key.indexOf(prefix) === 0) {
          found.push({ key: key, form: key.slice(prefix.length).split(":")[0], value: window.localStorage.getItem(key) });
        }
      }
    } catch (e) { /* storage blocked */ }
    return found;
  }
  function restoreDrafts() {
    if (!scope()) { return; }
    var shown = {};
    document.querySelectorAll("form[data-draft]").forEach(function (form) {
      var restored = false;
      shown[form.dataset.draft || form.id] = true;
      draftFields(form).forEach(function (field) {
        var value = null;
        try { value = window.localStorage.getItem(draftKey(form, field)); } catch (e) { /* none */ }
        if (value && !field.value) {
          field.value = value;
          restored = true;
        }
      });
      var note = form.querySelector("[data-draft-note]");
      if (note) { note.hidden = !restored; }
    });
    // Text typed in a stage that has ended: show it, so nothing typed silently vanishes.
    var box = document.getElementById("draft-leftover");
    if (!box) { return; }
    var left = storedDrafts().filter(function (d) { return !shown[d.form]; });
    var list = box.querySelector("ul");
    list.replaceChildren();
    left.forEach(function (d) {
      var li = document.createElement("li");
      li.textContent = d.value;
      list.appendChild(li);
    });
    box.hidden = left.length === 0;
  }
  document.addEventListener("input", function (event) {
    if (event.target.form && event.target.form.hasAttribute("data-draft")) {
      saveField(event.target);
      typingCheck();
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (event.detail.successful && form && form.matches && form.matches("form[data-draft]")) {
      clearDrafts(form);
      var note = form.querySelector("[data-draft-note]");
      if (note) { note.hidden = true; }
      window.setTimeout(typingCheck, 0);
    }
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-draft-dismiss]")) {
      var here = {};
      document.querySelectorAll("form[data-draft]").forEach(function (f) { here[f.dataset.draft || f.id] = true; });
      storedDrafts().forEach(function (d) { if (!here[d.form]) { store(d.key, ""); } });
      restoreDrafts();
    }
  });
  // The next resident on a shared tablet never sees the previous one's drafts.
  document.addEventListener("submit", function (event) {
    if (event.target.matches && event.target.matches("[data-clear-drafts]")) {
      storedDrafts().forEach(function (d) { store(d.key, ""); });
    }
  });

  // --- typing signal (tablet → console) ---------------------------------------------------
  var PING_MS = 8000;
  var lastPing = 0;
  var lastState = 0;
  function unsent() {
    return Array.prototype.some.call(document.querySelectorAll("form[data-draft]"), function (form) {
      return draftFields(form).some(function (f) { return f.value.trim() !== ""; });
    });
  }
  function typingCheck() {
    var shell = document.querySelector("[data-typing-url]");
    if (!shell) { return; }
    var active = unsent() ? 1 : 0;
    var now = Date.now();
    if ((active && now - lastPing < PING_MS) || (!active && !lastState)) { return; }
    lastPing = now;
    lastState = active;
    var meta = document.querySelector("meta[name='csrf-token']");
    window.fetch(shell.dataset.typingUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": meta ? meta.content : "" },
      body: "active=" + active,
    }).catch(function () { lastPing = 0; });
  }
  window.setInterval(typingCheck, PING_MS / 2);

  // --- console: how many residents have unsent text -------------------------------------
  var typists = {};
  var HOLD_MS = 20000; // a tablet pings every 8 s while text is unsent
  function onTyping(event) {
    var parts = String(event.data || "").split(" ");
    if (parts[1] === "1") { typists[parts[0]] = Date.now() + HOLD_MS; } else { delete typists[parts[0]]; }
    paintTyping();
  }
  function paintTyping() {
    var box = document.getElementById("typing-warning");
    if (!box) { return; }
    var now = Date.now();
    var n = Object.keys(typists).filter(function (k) {
      if (typists[k] < now) { delete typists[k]; return false; }
      return true;
    }).length;
    box.hidden = n === 0;
    box.dataset.count = String(n);
    var text = (box.dataset.template || "").replace("{n}", String(n));
    box.textContent = text;
    document.querySelectorAll("[data-confirm][data-typing-confirm]").forEach(function (button) {
      if (!button.dataset.confirmBase) { button.dataset.confirmBase = button.dataset.confirm; }
      button.dataset.confirm = n ? text + "\n\n" + button.dataset.confirmBase : button.dataset.confirmBase;
    });
  }
  document.addEventListener("htmx:sseOpen", function (event) {
    var source = event.detail && event.detail.source;
    if (source && document.getElementById("typing-warning")) {
      source.addEventListener("typing", onTyping); // the same function is added once
    }
  });
  document.addEventListener("workshop:swapped", paintTyping);
  window.setInterval(paintTyping, 2000);

  restoreDrafts();
})();
