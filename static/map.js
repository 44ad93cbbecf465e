// Assets on the folium map of the page: one layer group per class (toggled from the
// legend), popups with +1 / edit / delete, and on the tablet the drawing of points,
// lines and polygons (Leaflet.draw 1.0.4, vendored) feeding the asset form.
//
// Folium builds the map; this file adds what changes live. The asset feed is fetched by
// htmx (hx-get on #map-config, triggered on load and on the SSE "assets" event) or by
// refresh() below after a change; every user text is set with textContent, never as HTML.
//
// Coordinates: stored and sent as WGS-84 [lon, lat]. window.WorkshopCoords (defined by
// the base-map code when tiles need another datum, e.g. GCJ-02) converts at the edge:
// toMap() before display, fromMap() before sending. Identity when it is undefined.
(function () {
  "use strict";
  const config = document.getElementById("map-config");
  if (!config || !window.L) {
    return;
  }
  const map = window[config.dataset.map];
  const texts = JSON.parse(config.dataset.texts || "{}");
  const canAct = config.dataset.actions === "true";
  const canDraw = config.dataset.pick === "true";
  const form = document.getElementById("asset-form");
  let editing = null; // {id, name} while a resident edits one of their own assets

  function coords() {
    const c = window.WorkshopCoords || {};
    return {
      toMap: typeof c.toMap === "function" ? c.toMap : function (p) { return p; },
      fromMap: typeof c.fromMap === "function" ? c.fromMap : function (p) { return p; },
    };
  }
  function toLatLng(lonlat) {
    const p = coords().toMap([lonlat[0], lonlat[1]]);
    return L.latLng(p[1], p[0]);
  }
  function fromLatLng(latlng) {
    const p = coords().fromMap([latlng.lng, latlng.lat]);
    return [Number(p[0].toFixed(7)), Number(p[1].toFixed(7))];
  }
  // A drawn/edited layer as a stored GeoJSON geometry (WGS-84 lon, lat).
  function geometryOf(layer) {
    if (layer instanceof L.Marker || layer instanceof L.CircleMarker) {
      return { type: "Point", coordinates: fromLatLng(layer.getLatLng()) };
    }
    if (layer instanceof L.Polygon) {
      const ring = layer.getLatLngs()[0].map(fromLatLng);
      ring.push(ring[0]);
      return { type: "Polygon", coordinates: [ring] };
    }
    return { type: "LineString", coordinates: layer.getLatLngs().map(fromLatLng) };
  }
  function format(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (_m, key) {
      return values[key] === undefined ? "" : String(values[key]);
    });
  }

  // --- classes, legend toggles and layer groups --------------------------------------
  const classes = {};
  const groups = {};
  document.querySelectorAll(".asset-legend [data-class]").forEach(function (item) {
    const key = item.dataset.class;
    classes[key] = { colour: item.dataset.colour, icon: item.dataset.icon };
    groups[key] = L.featureGroup().addTo(map);
    item.addEventListener("click", function () {
      const on = item.getAttribute("aria-pressed") !== "true";
      item.setAttribute("aria-pressed", on ? "true" : "false");
      if (on) {
        groups[key].addTo(map);
      } else {
        groups[key].remove();
      }
    });
  });
  function groupOf(key) {
    if (!groups[key]) {
      groups[key] = L.featureGroup().addTo(map);
    }
    return groups[key];
  }
  // Read-only maps (projector, console) cluster the pins of each class, so thousands of
  // assets stay readable; the tablet does not, so a resident's own pin stays editable.
  // At scale (issue 18: 300 to 5,000 assets) the tablet clusters too, except the
  // resident's own assets; lines and polygons join the clusters through a proxy point.
  const clusters = {};
  const canCluster = typeof L.markerClusterGroup === "function";
  const TABLET_CLUSTER_FROM = 300;
  const CANVAS_FROM = 200; // one canvas for lines and polygons beyond this many assets
  let clustering = !canDraw && canCluster;
  let assetCount = 0;
  function setClustering(count) {
    assetCount = count;
    clustering = canCluster && (!canDraw || count > TABLET_CLUSTER_FROM);
    if (clustering && !isFinite(map.getMaxZoom())) {
      map.setMaxZoom(20); // a map without tiles has none; clustering needs one
    }
  }
  setClustering(0);
  function clusterOf(key) {
    if (!clustering) {
      return null;
    }
    if (!clusters[key]) {
      clusters[key] = L.markerClusterGroup({
        // thousands of assets: wider clusters, so fewer icons are built at once
        maxClusterRadius: assetCount > 1000 ? 80 : 40,
        disableClusteringAtZoom: 19,
        showCoverageOnHover: false,
        // add thousands of markers in slices, so the page stays responsive
        chunkedLoading: true,
        chunkInterval: 40,
        chunkDelay: 10,
        chunkProgress: function (done, total) {
          if (done === total) {
            scheduleLabels();
          }
        },
        iconCreateFunction: function (cluster) {
          const html = document.createElement("span");
          html.className = "asset-pin asset-cluster asset-pin-" + key;
          html.textContent = String(cluster.getChildCount());
          return L.divIcon({ html: html, className: "asset-marker", iconSize: [48, 48] });
        },
      });
      clusters[key].on("animationend", scheduleLabels);
    }
    return clusters[key];
  }
  function markerIcon(key, extra) {
    const html = document.createElement("span");
    html.className = "asset-pin asset-pin-" + key + (extra ? " " + extra : "");
    const glyph = document.createElement("i");
    glyph.className = "fa-solid fa-" + ((classes[key] || {}).icon || "location-dot");
    glyph.setAttribute("aria-hidden", "true");
    html.appendChild(glyph);
    return L.divIcon({ html: html, className: "asset-marker", iconSize: [38, 38], iconAnchor: [19, 19], popupAnchor: [0, -18] });
  }

  // --- popups ----------------------------------------------------------------------
  const layersById = {};
  function button(text, className, handler) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = className;
    b.textContent = text;
    b.addEventListener("click", handler);
    return b;
  }
  function popup(feature) {
    return card(feature, "asset-popup");
  }
  // One asset's name, kind, counts and actions: in a map popup and in the tablet's list.
  function card(feature, className) {
    const props = feature.properties;
    const box = document.createElement("div");
    box.className = "asset-card " + className;
    const name = document.createElement("strong");
    name.textContent = props.name;
    box.appendChild(name);
    const kind = document.createElement("p");
    kind.className = "asset-kind";
    kind.textContent = props.class_label + (props.subtype_label ? " · " + props.subtype_label : "");
    box.appendChild(kind);
    if (props.description) {
      const text = document.createElement("p");
      text.textContent = props.description;
      box.appendChild(text);
    }
    if (props.photo) {
      const img = document.createElement("img");
      img.src = props.photo;
      img.alt = props.name;
      img.loading = "lazy";
      img.className = "asset-photo";
      box.appendChild(img);
    }
    const counts = document.createElement("p");
    counts.className = "asset-counts";
    counts.textContent = format(texts.supports, { count: props.supports }) + " · " + format(texts.contributors, { count: props.contributors });
    box.appendChild(counts);
    if (canAct) {
      const actions = document.createElement("div");
      actions.className = "asset-actions";
      if (props.own) {
        actions.appendChild(button(texts.edit, "secondary", function () { startEdit(feature); }));
        actions.appendChild(button(texts.delete, "secondary danger", function () { remove(feature); }));
      } else {
        const plus = button("", "", function () { toggleSupport(feature, plus); });
        paintSupport(plus, Boolean(props.supported));
        actions.appendChild(plus);
      }
      box.appendChild(actions);
    }
    const status = document.createElement("p");
    status.className = "asset-status";
    status.setAttribute("role", "status");
    box.appendChild(status);
    return box;
  }

  let lastCollection = null;
  let openId = null; // the asset whose popup is open: reopened after a live refresh
  let clearing = false; // our own clearLayers closes popups: that is not the resident's choice
  let generation = 0; // a newer feed cancels a rendering still in progress
  // Named points in the page's performance timeline (benchmarks/map_scale.py reads them).
  function mark(name) {
    if (window.performance && performance.mark) {
      performance.mark(name);
    }
  }
  let canvas = null;
  const SLICE_MS = 12; // work per task while building layers (×4 on a throttled tablet)
  const later = window.requestIdleCallback
    ? function (fn) { window.requestIdleCallback(fn, { timeout: 50 }); }
    : function (fn) { window.setTimeout(fn, 0); };
  const emptyIcon = L.divIcon({ html: "", className: "asset-proxy", iconSize: [1, 1] });
  function show(collection) {
    lastCollection = collection;
    const run = ++generation;
    mark("map:feed");
    const reopen = openId;
    const features = collection.features;
    setClustering(features.length);
    if (features.length > CANVAS_FROM && !canvas) {
      canvas = L.canvas({ padding: 0.3, tolerance: 6 });
    }
    clearing = true; // a refresh that overtakes another still knows which popup to reopen
    Object.keys(groups).forEach(function (key) { groups[key].clearLayers(); });
    Object.keys(clusters).forEach(function (key) { clusters[key].clearLayers(); });
    clearing = false;
    Object.keys(layersById).forEach(function (id) { delete layersById[id]; });
    labelItems = [];
    clearLabels();
    const pending = {}; // class -> markers for its cluster, added in one call
    // While thousands of paths are added in slices, the canvas would redraw everything
    // after each slice (quadratic work): hold its redraws and draw once at the end.
    if (canvas) {
      canvas._redrawRequest = canvas._redrawRequest || -1;
    }
    let i = 0;
    function slice() {
      if (run !== generation) {
        return;
      }
      const until = performance.now() + SLICE_MS;
      while (i < features.length && performance.now() < until) {
        addFeature(features[i], features.length > CANVAS_FROM, pending);
        i += 1;
      }
      if (i < features.length) {
        later(slice);
        return;
      }
      mark("map:built");
      // Then one step per task: each class's cluster, the canvas, the counts and labels.
      const steps = Object.keys(pending).map(function (key) {
        return function () {
          const cluster = clusterOf(key);
          cluster.addLayers(pending[key]);
          if (!groupOf(key).hasLayer(cluster)) {
            groupOf(key).addLayer(cluster);
          }
        };
      });
      steps.push(function () {
        if (canvas && canvas._redrawRequest === -1) {
          canvas._redrawRequest = null;
          if (canvas._map) {
            canvas._redraw();
          }
        }
      });
      steps.push(function () {
        config.dataset.count = String(features.length);
        config.dataset.supports = String(features.reduce(function (sum, f) { return sum + (f.properties.supports || 0); }, 0));
        showList(features);
        scheduleLabels();
        if (reopen !== null && layersById[reopen] && layersById[reopen].openPopup) {
          layersById[reopen].openPopup();
        }
      });
      (function next() {
        if (run === generation && steps.length) {
          mark("map:step");
          steps.shift()();
          later(next);
        }
      })();
    }
    slice();
  }
  function addFeature(feature, many, pending) {
    const props = feature.properties;
    if (editing && editing.id === feature.id) {
      return; // the copy being edited stays on the map as the pick layer
    }
    const colour = props.colour || (classes[props.asset_class] || {}).colour || "#555555";
    const isPoint = feature.geometry.type === "Point";
    const layer = L.geoJSON(feature, {
      coordsToLatLng: toLatLng,
      pointToLayer: function (_f, latlng) {
        return L.marker(latlng, { icon: markerIcon(props.asset_class), title: props.name });
      },
      style: function () {
        // bubblingMouseEvents off: tapping an asset opens its popup, it does not pin.
        const style = { color: colour, weight: 6, opacity: 0.9, fillColor: colour, fillOpacity: 0.25, bubblingMouseEvents: false };
        if (many) {
          style.renderer = canvas; // thousands of paths: one canvas, simplified per zoom
          style.smoothFactor = 2;
        }
        return style;
      },
    });
    const clustered = Boolean(clusterOf(props.asset_class)) && !(canDraw && props.own);
    layer.eachLayer(function (inner) {
      inner.bindPopup(function () { return popup(feature); }, { minWidth: 220, maxWidth: 320 });
      inner.on("popupopen", function () { openId = feature.id; });
      inner.on("popupclose", function () { if (!clearing && openId === feature.id) { openId = null; } });
      layersById[feature.id] = inner;
      let anchor = isPoint ? inner : null;
      if (!isPoint && clustered) {
        // A line or polygon counts in its class's cluster through a point at its centre.
        anchor = L.marker(inner.getBounds().getCenter(), { icon: emptyIcon, interactive: false, keyboard: false });
      }
      if (labelsOn) {
        labelItems.push({
          id: feature.id,
          name: props.name,
          cls: props.asset_class,
          priority: (props.supports || 0) * 4 + (props.contributors || 0) + (isPoint ? 0 : 1),
          anchor: anchor,
          latlng: isPoint ? inner.getLatLng() : inner.getBounds().getCenter(),
          clustered: clustered && Boolean(anchor),
        });
      }
      if (clustered && anchor) {
        (pending[props.asset_class] = pending[props.asset_class] || []).push(anchor);
      }
    });
    if (!(clustered && isPoint)) {
      groupOf(props.asset_class).addLayer(layer);
    }
  }

  // --- labels: the projector names assets, decluttered ----------------------------------
  // Permanent tooltips on every asset covered the map at 300 assets and froze it at 5,000.
  // Instead: after each move, the visible (unclustered) assets are ranked (supports, then
  // contributors, then newest) and labelled greedily where a label does not overlap one
  // already placed; fewer labels at lower zoom.
  const labelsOn = config.dataset.labels === "true";
  let labelItems = [];
  let labelTimer = null;
  let measure = null;
  if (labelsOn) {
    map.createPane("assetLabels");
    map.getPane("assetLabels").classList.add("asset-labels");
    map.on("zoomstart", clearLabels);
    map.on("moveend", scheduleLabels);
    map.on("layeradd layerremove", function (event) {
      if (Object.keys(groups).some(function (key) { return groups[key] === event.layer; })) {
        scheduleLabels();
      }
    });
  }
  function clearLabels() {
    if (labelsOn) {
      map.getPane("assetLabels").textContent = "";
    }
  }
  function scheduleLabels() {
    if (!labelsOn) {
      return;
    }
    window.clearTimeout(labelTimer);
    labelTimer = window.setTimeout(placeLabels, 60);
  }
  function labelWidth(text, font) {
    if (!measure) {
      measure = document.createElement("canvas").getContext("2d");
    }
    measure.font = font;
    return measure.measureText(text).width;
  }
  function placeLabels() {
    mark("map:labels");
    const pane = map.getPane("assetLabels");
    pane.textContent = "";
    const sample = document.createElement("span");
    sample.className = "asset-label";
    pane.appendChild(sample);
    const style = window.getComputedStyle(sample);
    const font = style.fontWeight + " " + style.fontSize + " " + style.fontFamily;
    const height = parseFloat(style.fontSize) * 1.3 + 8;
    pane.removeChild(sample);
    const size = map.getSize();
    const view = map.getBounds();
    const zoom = map.getZoom();
    const limit = zoom >= 18 ? 80 : zoom >= 17 ? 50 : zoom >= 16 ? 25 : zoom >= 15 ? 15 : 10;
    const candidates = labelItems.filter(function (item) {
      if (!groups[item.cls] || !map.hasLayer(groups[item.cls]) || !view.contains(item.latlng)) {
        return false;
      }
      if (item.clustered) {
        const cluster = clusters[item.cls];
        return Boolean(cluster && cluster.getVisibleParent(item.anchor) === item.anchor);
      }
      return true;
    });
    candidates.sort(function (a, b) { return b.priority - a.priority || b.id - a.id; });
    const placed = [];
    for (let k = 0; k < candidates.length && placed.length < limit; k += 1) {
      const item = candidates[k];
      const p = map.latLngToContainerPoint(item.latlng);
      const w = labelWidth(item.name, font) + 16;
      const box = { x: p.x - w / 2, y: p.y - 22 - height, w: w, h: height };
      if (box.x < 0 || box.y < 0 || box.x + w > size.x || box.y + height > size.y) {
        continue;
      }
      const hit = placed.some(function (o) {
        return box.x < o.x + o.w && o.x < box.x + box.w && box.y < o.y + o.h && o.y < box.y + box.h;
      });
      if (hit) {
        continue;
      }
      placed.push(box);
      const tag = document.createElement("span");
      tag.className = "asset-label";
      tag.textContent = item.name;
      tag.dataset.asset = String(item.id);
      L.DomUtil.setPosition(tag, map.containerPointToLayerPoint([box.x, box.y]));
      pane.appendChild(tag);
    }
    config.dataset.labelsShown = String(placed.length);
    config.dataset.labelsCandidates = String(candidates.length);
  }
  // The tablet lists the newest assets under the form: +1 and edit without the map.
  const LIST_MAX = 30;
  function showList(features) {
    const list = document.getElementById("asset-list");
    if (!list) {
      return;
    }
    list.textContent = "";
    features.slice().sort(function (a, b) { return b.id - a.id; }).slice(0, LIST_MAX).forEach(function (feature) {
      const item = document.createElement("li");
      item.dataset.asset = String(feature.id);
      const pin = markerIcon(feature.properties.asset_class).options.html;
      item.appendChild(pin);
      item.appendChild(card(feature, "asset-item"));
      list.appendChild(item);
    });
    const empty = document.getElementById("asset-list-empty");
    if (empty) {
      empty.hidden = features.length > 0;
    }
  }

  // The feed is JSON for this script, not HTML to swap: without this, htmx parses the
  // whole feed (megabytes at 5,000 assets) as HTML looking for out-of-band swaps.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.elt === config) {
      event.detail.shouldSwap = false;
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt === config && event.detail.successful) {
      show(JSON.parse(event.detail.xhr.responseText));
    }
  });
  function refresh() {
    return fetch(config.getAttribute("hx-get"), { headers: { Accept: "application/geo+json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { show(data); } });
  }

  function post(url) {
    const meta = document.querySelector("meta[name='csrf-token']");
    const headers = { Accept: "application/json", "X-CSRF-Token": meta ? meta.content : "" };
    return fetch(url, { method: "POST", headers: headers, credentials: "same-origin" })
      .then(function (r) {
        return r.json().then(function (body) { return { ok: r.ok, body: body }; });
      });
  }
  function say(text, isError) {
    const target = document.getElementById("asset-result");
    if (target) {
      target.textContent = "";
      const p = document.createElement("p");
      p.className = isError ? "error" : "ok";
      p.setAttribute("role", isError ? "alert" : "status");
      p.textContent = text;
      target.appendChild(p);
    }
  }
  // One button gives +1 and, once given, takes it back (the count follows either way).
  function paintSupport(btn, supported) {
    btn.textContent = supported ? texts.plus_one_withdraw : texts.plus_one;
    btn.className = supported ? "secondary supported" : "primary";
    btn.setAttribute("aria-pressed", supported ? "true" : "false");
  }
  function toggleSupport(feature, btn) {
    const withdraw = Boolean(feature.properties.supported);
    btn.disabled = true;
    post(config.dataset.base + "/" + feature.id + (withdraw ? "/support/withdraw" : "/support")).then(function (res) {
      const box = btn.closest(".asset-card");
      const status = box.querySelector(".asset-status");
      btn.disabled = false;
      if (res.ok) {
        feature.properties.supports = res.body.supports;
        feature.properties.supported = res.body.supported;
        paintSupport(btn, res.body.supported);
        status.textContent = "";
        box.querySelector(".asset-counts").textContent =
          format(texts.supports, { count: res.body.supports }) + " · " + format(texts.contributors, { count: feature.properties.contributors });
        refresh();
      } else {
        status.textContent = res.body.detail || "";
      }
    });
  }
  function remove(feature) {
    if (!window.confirm(format(texts.delete_confirm, { name: feature.properties.name }))) {
      return;
    }
    post(config.dataset.base + "/" + feature.id + "/delete").then(function (res) {
      map.closePopup();
      say(res.ok ? res.body.message : res.body.detail, !res.ok);
      refresh();
    });
  }

  // Tile seams: at a tablet's fractional device pixel ratio (1.5, 2.25, …) neighbouring
  // tiles round to edges a hair apart and the background shows through as thin lines.
  // Each tile is drawn half a pixel larger, so neighbours overlap (and blend normally,
  // since Leaflet's "plus-lighter" blending would brighten the overlap).
  function overlapTile(tile) {
    if (tile && tile.style && tile.style.width && !tile.dataset.overlap) {
      tile.style.width = parseFloat(tile.style.width) + 0.5 + "px";
      tile.style.height = parseFloat(tile.style.height) + 0.5 + "px";
      tile.dataset.overlap = "1";
    }
  }
  map.eachLayer(function (layer) {
    if (layer instanceof L.TileLayer) {
      map.getContainer().classList.add("tiles-overlap");
      Object.keys(layer._tiles || {}).forEach(function (k) { overlapTile(layer._tiles[k].el); });
      layer.on("tileloadstart tileload", function (event) { overlapTile(event.tile); });
    }
  });

  window.WorkshopMap = { map: map, refresh: refresh, groups: groups, placeLabels: placeLabels };
  if (!canDraw || !form) {
    return;
  }

  // --- a place by one tap (the proposal form: no drawing tools, #pick-lon/#pick-lat) --
  if (!document.getElementById("asset-geometry")) {
    const lonInput = document.getElementById("pick-lon");
    const latInput = document.getElementById("pick-lat");
    let marker = null;
    map.on("click", function (event) {
      const lonlat = fromLatLng(event.latlng);
      if (marker) {
        marker.remove();
      }
      marker = L.marker(event.latlng, { icon: markerIcon("", "asset-pin-pick") }).addTo(map);
      lonInput.value = lonlat[0];
      latInput.value = lonlat[1];
      form.classList.add("picked");
    });
    document.body.addEventListener("htmx:afterRequest", function (event) {
      if (event.detail.elt === form && event.detail.successful && marker) {
        marker.remove();
        marker = null;
        lonInput.value = "";
        latInput.value = "";
        form.classList.remove("picked");
      }
    });
    return;
  }

  // --- drawing on the tablet ---------------------------------------------------------
  // Leaflet.draw with Leaflet 1.x adds a vertex on touchstart and again on the mouse
  // events the browser derives from the same tap (Leaflet.draw #695, #713); the
  // workaround of #1036 is to ignore its own touch handler and rely on those events.
  // Also: a mouse event on Leaflet.draw's invisible 40 px "mouse marker" carries the
  // marker's (stale) position as latlng, so a quick tap could add a vertex where the
  // previous one was. Take the position from the event's own screen point instead.
  if (L.Draw && L.Draw.Polyline && !L.Draw.Polyline.prototype._workshopPatched) {
    const proto = L.Draw.Polyline.prototype;
    const atPointer = function (handler, event) {
      const original = event && event.originalEvent;
      if (original && typeof original.clientX === "number" && handler._map) {
        event.latlng = handler._map.mouseEventToLatLng(original);
      }
    };
    const onMouseDown = proto._onMouseDown;
    const endPoint = proto._endPoint;
    proto._onTouch = L.Util.falseFn;
    proto._onMouseDown = function (event) {
      atPointer(this, event);
      return onMouseDown.call(this, event);
    };
    proto._endPoint = function (x, y, event) {
      atPointer(this, event);
      return endPoint.call(this, x, y, event);
    };
    proto._workshopPatched = true;
  }
  // Leaflet.draw's tooltips (L.drawLocal) in the page's language, and "tap" rather than
  // "click" on a touch screen: a coarse pointer, or as soon as a finger touches the map.
  function localiseDraw(way) {
    const tips = (texts.draw_tips || {})[way];
    if (!L.drawLocal || !tips) {
      return;
    }
    const handlers = L.drawLocal.draw.handlers;
    handlers.polyline.tooltip = { start: tips.line_start, cont: tips.line_cont, end: tips.line_end };
    handlers.polygon.tooltip = { start: tips.polygon_start, cont: tips.polygon_cont, end: tips.polygon_end };
    handlers.polyline.error = texts.draw_crossing || handlers.polyline.error;
    config.dataset.drawTips = way;
  }
  const coarse = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;
  localiseDraw(coarse ? "tap" : "click");
  map.getContainer().addEventListener("pointerdown", function (event) {
    if (event.pointerType === "touch" && config.dataset.drawTips !== "tap") {
      localiseDraw("tap");
      if (handler && handler._tooltip) {
        handler._tooltip.updateContent(handler._getTooltipText());
      }
    }
  }, true);
  const geometryInput = document.getElementById("asset-geometry");
  const hint = document.getElementById("pick-hint");
  const actions = document.getElementById("draw-actions");
  const modeButtons = document.querySelectorAll("[data-draw]");
  let mode = "point";
  let handler = null;
  let pickLayer = null;

  function setHint(text) {
    if (hint && text) {
      hint.textContent = text;
    }
  }
  function clearPick() {
    if (pickLayer) {
      if (pickLayer.editing && pickLayer.editing.enabled && pickLayer.editing.enabled()) {
        pickLayer.editing.disable();
      }
      pickLayer.remove();
      pickLayer = null;
    }
    geometryInput.value = "";
    form.classList.remove("picked");
  }
  function setPick(layer) {
    clearPick();
    pickLayer = layer.addTo(map);
    geometryInput.value = JSON.stringify(geometryOf(layer));
    form.classList.add("picked");
    setHint(editing ? texts.edit_geometry_hint : texts.drawn);
  }
  // Leaflet turns two taps within 200 ms, anywhere, into a double-click, which zooms
  // the map under a half-drawn shape: no double-click zoom while drawing.
  function drawingZoom(enabled) {
    if (map.doubleClickZoom) {
      if (enabled) {
        map.doubleClickZoom.enable();
      } else {
        map.doubleClickZoom.disable();
      }
    }
  }
  function stopHandler() {
    if (handler) {
      handler.disable();
      handler = null;
    }
    actions.hidden = true;
    drawingZoom(true);
  }
  function setMode(next) {
    stopHandler();
    mode = next;
    modeButtons.forEach(function (b) {
      b.setAttribute("aria-pressed", b.dataset.draw === next ? "true" : "false");
    });
    setHint(texts["hint_" + next]);
    if (next === "point") {
      return;
    }
    const shape = { color: "#111111", weight: 5, opacity: 0.9, fillOpacity: 0.2, dashArray: "6 6" };
    const options = { shapeOptions: shape, showLength: false, showArea: false, repeatMode: false, guidelineDistance: 14 };
    if (next === "line") {
      handler = new L.Draw.Polyline(map, options);
    } else {
      options.allowIntersection = false;
      handler = new L.Draw.Polygon(map, options);
    }
    drawingZoom(false);
    handler.enable();
    actions.hidden = false;
  }
  modeButtons.forEach(function (b) {
    b.addEventListener("click", function () { setMode(b.dataset.draw); });
  });
  document.getElementById("draw-finish").addEventListener("click", function () {
    if (handler) {
      handler.completeShape();
    }
  });
  document.getElementById("draw-undo").addEventListener("click", function () {
    if (handler) {
      handler.deleteLastVertex();
    }
  });
  document.getElementById("draw-cancel").addEventListener("click", function () {
    setMode("point");
  });
  map.on(L.Draw ? L.Draw.Event.CREATED : "draw:created", function (event) {
    const layer = event.layer;
    if (layer.setStyle) {
      layer.setStyle({ color: "#111111", weight: 5, dashArray: "6 6", fillOpacity: 0.15 });
    }
    setPick(layer);
    handler = null;
    actions.hidden = true;
    drawingZoom(true);
    mode = "point";
    modeButtons.forEach(function (b) {
      b.setAttribute("aria-pressed", b.dataset.draw === "point" ? "true" : "false");
    });
  });
  map.on("click", function (event) {
    if (mode !== "point" || handler) {
      return;
    }
    setPick(L.marker(event.latlng, { icon: markerIcon(selectedClass(), "asset-pin-pick") }));
  });

  // --- the form: subtypes follow the class; editing one's own asset --------------------
  const subtype = document.getElementById("asset-subtype");
  function selectedClass() {
    const checked = form.querySelector("input[name=asset_class]:checked");
    return checked ? checked.value : "";
  }
  function filterSubtypes() {
    const key = selectedClass();
    form.dataset.assetClass = key;
    if (!subtype) {
      return;
    }
    Array.prototype.forEach.call(subtype.options, function (option) {
      const fits = !option.dataset.class || option.dataset.class === key;
      option.hidden = !fits;
      option.disabled = !fits;
    });
    if (subtype.selectedOptions.length && subtype.selectedOptions[0].disabled) {
      subtype.value = "";
    }
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "asset_class") {
      filterSubtypes();
      if (pickLayer instanceof L.Marker) {
        pickLayer.setIcon(markerIcon(selectedClass(), "asset-pin-pick"));
      }
    }
  });
  filterSubtypes();

  function startEdit(feature) {
    map.closePopup();
    cancelEdit();
    editing = { id: feature.id, name: feature.properties.name };
    const props = feature.properties;
    const radio = form.querySelector("input[name=asset_class][value=" + props.asset_class + "]");
    if (radio) {
      radio.checked = true;
    }
    filterSubtypes();
    if (subtype) {
      subtype.value = props.subtype || "";
    }
    form.elements.name.value = props.name;
    form.elements.description.value = props.description || "";
    form.action = config.dataset.base + "/" + feature.id;
    form.classList.add("editing");
    document.getElementById("edit-title").textContent = format(texts.editing, { name: props.name });
    // Edit the shape in place: drag the pin, or the vertices of a line or polygon.
    const original = layersById[feature.id];
    if (original) {
      original.remove();
      const copy = original instanceof L.Marker
        ? L.marker(original.getLatLng(), { icon: markerIcon(props.asset_class, "asset-pin-pick"), draggable: true })
        : (original instanceof L.Polygon ? L.polygon(original.getLatLngs(), { color: "#111111", weight: 5 }) : L.polyline(original.getLatLngs(), { color: "#111111", weight: 5 }));
      setPick(copy);
      geometryInput.value = "";
      if (copy.editing && !(copy instanceof L.Marker)) {
        copy.editing.enable();
      }
      copy.on("edit dragend", function () {
        geometryInput.value = JSON.stringify(geometryOf(copy));
      });
    }
    setHint(texts.edit_geometry_hint);
    form.scrollIntoView({ behavior: "smooth", block: "start" });
  }
  function cancelEdit() {
    if (!editing) {
      return;
    }
    editing = null;
    form.action = config.dataset.base;
    form.classList.remove("editing");
    clearPick();
    setHint(texts.hint_point);
    if (lastCollection) {
      show(lastCollection);
    }
  }
  document.getElementById("cancel-edit").addEventListener("click", function () {
    form.reset();
    cancelEdit();
    filterSubtypes();
  });
  // htmx posts to hx-post; an edit goes to the asset's own URL instead.
  form.addEventListener("htmx:configRequest", function (event) {
    if (editing) {
      event.detail.path = config.dataset.base + "/" + editing.id;
    }
  });
  // A class shown again: the legend's toggle, pressed programmatically.
  function showClass(key) {
    const toggle = document.querySelector(".asset-legend [data-class='" + key + "'][aria-pressed='false']");
    if (toggle) {
      toggle.click();
    }
  }
  form.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt === form && event.detail.successful) {
      // The resident must see what they just saved, even in a layer they had hidden.
      const sent = event.detail.requestConfig && event.detail.requestConfig.formData;
      const saved = sent && typeof sent.get === "function" ? sent.get("asset_class") : null;
      if (saved) {
        showClass(saved);
      }
      editing = null;
      form.action = config.dataset.base;
      form.classList.remove("editing");
      clearPick();
      refresh();
    }
  });
  form.addEventListener("workshop:reset", function () {
    clearPick();
    filterSubtypes();
    setMode("point");
  });
  setMode("point");
  window.WorkshopMap.clearPick = clearPick;
  window.WorkshopMap.setMode = setMode;
})();
