// Display preferences, applied before the first paint (loaded without defer in <head>).
// Stored per device in localStorage: a shared tablet keeps the large text it was set to.
(function () {
  "use strict";
  var root = document.documentElement;
  ["large-text", "high-contrast"].forEach(function (name) {
    try {
      if (window.localStorage.getItem("workshop-pref-" + name) === "1") {
        root.classList.add("pref-" + name);
      }
    } catch (e) { /* storage blocked: defaults */ }
  });
})();
