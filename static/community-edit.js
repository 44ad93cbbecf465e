// Community edit page: draw or reshape the boundary with Leaflet.draw (vendored 1.0.4).
// The drawn polygon is written as GeoJSON (WGS-84 lon, lat) into the hidden
// #boundary-input; empty means "keep the stored boundary". Base layers are shown in grey
// for context. No tiles: the page works offline; the server checks what is drawn.
(function () {
  "use strict";
  function start() {
    const el = document.getElementById("community-map");
    const input = document.getElementById("boundary-input");
    if (!el || !input || !window.L || !L.Control.Draw) {
      return;
    }
    const map = L.map(el, { zoomSnap: 0.25 });
    const layers = JSON.parse(el.dataset.layers || "null");
    const boundary = JSON.parse(el.dataset.boundary || "null");
    const colours = { road: "#888", building: "#b08060", green: "#5a9a5a", water: "#4a80c0" };
    if (layers) {
      L.geoJSON(layers, {
        interactive: false,
        style: function (f) {
          const c = colours[(f.properties || {}).kind] || "#999";
          return { color: c, weight: 2, fillColor: c, fillOpacity: 0.25 };
        },
        pointToLayer: function (_f, latlng) { return L.circleMarker(latlng, { radius: 3 }); },
      }).addTo(map);
    }
    const drawn = new L.FeatureGroup().addTo(map);
    const style = { color: "#c0392b", weight: 3, fillOpacity: 0.08 };
    if (boundary) {
      L.geoJSON(boundary, { style: style }).eachLayer(function (layer) { drawn.addLayer(layer); });
    }
    if (drawn.getLayers().length) {
      map.fitBounds(drawn.getBounds(), { padding: [20, 20] });
    } else {
      map.setView([39.9087, 116.3975], 15);
    }
    map.addControl(new L.Control.Draw({
      edit: { featureGroup: drawn, remove: false },
      draw: {
        polygon: { allowIntersection: false, showArea: false, shapeOptions: style },
        polyline: false, rectangle: false, circle: false, marker: false, circlemarker: false,
      },
    }));
    function write() {
      const polys = [];
      drawn.eachLayer(function (layer) {
        const g = layer.toGeoJSON().geometry;
        if (g.type === "Polygon") { polys.push(g.coordinates); }
        if (g.type === "MultiPolygon") { g.coordinates.forEach(function (p) { polys.push(p); }); }
      });
      const round = function (ring) {
        return ring.map(function (p) { return [Number(p[0].toFixed(7)), Number(p[1].toFixed(7))]; });
      };
      const coords = polys.map(function (p) { return p.map(round); });
      const geometry = coords.length === 1
        ? { type: "Polygon", coordinates: coords[0] }
        : { type: "MultiPolygon", coordinates: coords };
      input.value = coords.length ? JSON.stringify(geometry) : "";
      el.dataset.drawn = String(coords.length);
    }
    map.on(L.Draw.Event.CREATED, function (e) {
      drawn.clearLayers(); // one drawn polygon replaces the boundary
      e.layer.setStyle(style);
      drawn.addLayer(e.layer);
      write();
    });
    map.on(L.Draw.Event.EDITED, write);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
