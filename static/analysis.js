// Coverage-gap layers on the analysis page: one GeoJSON layer per checked
// (class, radius) cell, fetched from the server and drawn in the map's datum
// (WorkshopCoords, static/coords.js). A successful merge reloads the page.
(function () {
  "use strict";
  const config = document.getElementById("analysis-config");
  if (!config || !window.L) {
    return;
  }
  const map = window[config.dataset.map];
  const colours = JSON.parse(config.dataset.colours || "{}");
  const coords = window.WorkshopCoords || { toMap: function (p) { return p; } };
  const layers = {};

  function toLatLng(c) {
    const p = coords.toMap([c[0], c[1]]);
    return L.latLng(p[1], p[0]);
  }

  function show(box) {
    const cls = box.dataset.gapClass;
    const radius = box.dataset.gapRadius;
    const key = cls + ":" + radius;
    if (!box.checked) {
      if (layers[key]) {
        layers[key].remove();
        delete layers[key];
      }
      config.dataset.layers = String(Object.keys(layers).length);
      return;
    }
    const url = config.dataset.gaps + "?asset_class=" + encodeURIComponent(cls) + "&radius=" + encodeURIComponent(radius);
    getJson(url)
      .then(function (collection) {
        if (!box.checked) {
          return;
        }
        const colour = colours[cls] || "#555555";
        layers[key] = L.geoJSON(collection, {
          coordsToLatLng: toLatLng,
          interactive: false,
          style: function () {
            return { color: colour, weight: 2, dashArray: "6 4", fillColor: colour, fillOpacity: 0.28 };
          },
        }).addTo(map);
        if (assetLayer) {
          assetLayer.bringToFront();
        }
        config.dataset.layers = String(Object.keys(layers).length);
      })
      .catch(function () {
        box.checked = false;
      });
  }

  function getJson(url) {
    return fetch(url, { headers: { Accept: "application/geo+json" }, credentials: "same-origin" }).then(
      function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      }
    );
  }

  // The assets themselves, small and on top, so gaps can be read against them.
  let assetLayer = null;
  getJson(config.dataset.assets).then(function (collection) {
    assetLayer = L.geoJSON(collection, {
      coordsToLatLng: toLatLng,
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, {
          radius: 6,
          color: "#ffffff",
          weight: 2,
          fillColor: colours[feature.properties.asset_class] || "#555555",
          fillOpacity: 0.95,
        });
      },
      style: function (feature) {
        const colour = colours[feature.properties.asset_class] || "#555555";
        return { color: colour, weight: 3, fillColor: colour, fillOpacity: 0.3 };
      },
      onEachFeature: function (feature, layer) {
        const name = document.createElement("span");
        name.textContent = feature.properties.name;
        layer.bindTooltip(name);
      },
    }).addTo(map);
    config.dataset.assetCount = String(collection.features.length);
  });

  document.querySelectorAll("input[data-gap-class]").forEach(function (box) {
    box.addEventListener("change", function () {
      show(box);
    });
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    const form = event.detail.elt;
    if (form && form.classList && form.classList.contains("merge-form") && event.detail.successful) {
      window.location.reload();
    }
  });
})();
