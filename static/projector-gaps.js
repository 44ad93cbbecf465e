// Projector: show the uncovered area (coverage gap) of one asset class at one radius on
// the projector map. Off by default; one tap on a class turns it on, "off" hides it.
// Redrawn whenever the asset feed is refetched (SSE "assets" -> #map-config request).
(function () {
  "use strict";
  const box = document.getElementById("projector-gaps");
  if (!box || !window.L) {
    return;
  }
  const status = document.getElementById("projector-gaps-status");
  let assetClass = null;
  let radius = 500;
  let layer = null;
  let version = 0;

  function map() { return window.WorkshopMap && window.WorkshopMap.map; }
  function toMap(p) {
    const c = window.WorkshopCoords;
    return c && typeof c.toMap === "function" ? c.toMap(p) : p;
  }
  function press() {
    box.querySelectorAll("[data-gap-class]").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.dataset.gapClass === assetClass));
    });
    box.querySelectorAll("[data-gap-radius]").forEach(function (b) {
      b.setAttribute("aria-pressed", String(Number(b.dataset.gapRadius) === radius));
    });
    box.querySelector("[data-gap-off]").setAttribute("aria-pressed", String(assetClass === null));
  }
  function clear() {
    if (layer && map()) { map().removeLayer(layer); }
    layer = null;
    box.dataset.features = "";
    status.textContent = "";
  }
  function draw() {
    const m = map();
    if (!assetClass || !m) { clear(); return; }
    const mine = ++version;
    const url = box.dataset.url + "?asset_class=" + encodeURIComponent(assetClass) + "&radius=" + radius;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (fc) {
        if (mine !== version) { return; }
        clear();
        layer = L.geoJSON(fc, {
          coordsToLatLng: function (c) { const p = toMap([c[0], c[1]]); return L.latLng(p[1], p[0]); },
          style: { color: "#b00020", weight: 3, dashArray: "8 6", fillColor: "#b00020", fillOpacity: 0.3 },
          interactive: false,
        }).addTo(m);
        box.dataset.features = String((fc.features || []).length);
        box.dataset.drawn = url + "#" + mine;
        const area = (fc.features || []).reduce(function (s, f) {
          return s + Number((f.properties || {}).area_m2 || 0);
        }, 0);
        status.textContent = area ? (box.dataset.areaLabel || "") + " " + Math.round(area / 100) / 100 + " ha" : "";
      })
      .catch(function () { if (mine === version) { clear(); } });
  }
  box.addEventListener("click", function (e) {
    const b = e.target.closest("button");
    if (!b) { return; }
    if (b.dataset.gapClass) { assetClass = b.dataset.gapClass; }
    if (b.dataset.gapRadius) { radius = Number(b.dataset.gapRadius); }
    if (b.hasAttribute("data-gap-off")) { assetClass = null; }
    press();
    draw();
  });
  document.body.addEventListener("htmx:afterRequest", function (e) {
    const el = e.detail && e.detail.elt;
    if (el && el.id === "map-config" && assetClass) { draw(); }
  });
})();
