// Asset layer and tap-to-pin for the folium map on the page.
// Folium builds the map; this file only adds what changes live. The asset feed is
// fetched by htmx (hx-get on #map-config, triggered on load and on the SSE "assets"
// event); names are set with textContent, never as HTML.
(function () {
  "use strict";
  const config = document.getElementById("map-config");
  if (!config || !window.L) {
    return;
  }
  const map = window[config.dataset.map];
  const colours = JSON.parse(config.dataset.colours || "{}");
  let assets = null;
  let pickMarker = null;

  function popup(props) {
    const box = document.createElement("div");
    const name = document.createElement("strong");
    name.textContent = props.name;
    box.appendChild(name);
    if (props.description) {
      const text = document.createElement("p");
      text.textContent = props.description;
      box.appendChild(text);
    }
    return box;
  }

  function show(collection) {
    if (assets) {
      assets.remove();
    }
    assets = L.geoJSON(collection, {
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, {
          radius: 11,
          color: "#ffffff",
          weight: 3,
          fillColor: colours[feature.properties.asset_class] || "#555555",
          fillOpacity: 0.95,
        });
      },
      onEachFeature: function (feature, layer) {
        layer.bindPopup(popup(feature.properties));
        if (config.dataset.labels === "true") {
          // The projector names every asset, readable from the back of the room.
          const tag = document.createElement("span");
          tag.textContent = feature.properties.name;
          layer.bindTooltip(tag, { permanent: true, direction: "top", offset: [0, -10], className: "asset-label" });
        }
      },
    }).addTo(map);
    config.dataset.count = String(collection.features.length);
  }

  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt === config && event.detail.successful) {
      show(JSON.parse(event.detail.xhr.responseText));
    }
  });

  function clearPick() {
    if (pickMarker) {
      pickMarker.remove();
      pickMarker = null;
    }
    const lon = document.getElementById("pick-lon");
    const lat = document.getElementById("pick-lat");
    if (lon && lat) {
      lon.value = "";
      lat.value = "";
    }
    const form = document.getElementById("asset-form");
    if (form) {
      form.classList.remove("picked");
    }
  }

  function pick(latlng) {
    clearPick();
    pickMarker = L.circleMarker(latlng, {
      radius: 14,
      color: "#000000",
      weight: 3,
      dashArray: "4 4",
      fillOpacity: 0.1,
    }).addTo(map);
    // Stored as (lon, lat), GeoJSON order.
    document.getElementById("pick-lon").value = latlng.lng.toFixed(7);
    document.getElementById("pick-lat").value = latlng.lat.toFixed(7);
    document.getElementById("asset-form").classList.add("picked");
  }

  if (config.dataset.pick === "true") {
    map.on("click", function (event) {
      pick(event.latlng);
    });
    document.addEventListener("workshop:reset", clearPick);
  }
  window.WorkshopMap = { map: map, clearPick: clearPick };
})();
