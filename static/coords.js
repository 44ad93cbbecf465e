// Display coordinates for the map on this page: WGS-84 everywhere, GCJ-02 only when the
// base map's tiles are GCJ-02 (Amap/Gaode). The server names the datum in
// <meta name="workshop-map-crs"> (workshop/mapping/maps.py). Positions are [lon, lat]:
//   WorkshopCoords.toMap([lon, lat])   stored WGS-84 -> where to draw it on this map
//   WorkshopCoords.fromMap([lon, lat]) a tap on this map -> WGS-84 to store
// Same algorithm as workshop/basemaps/gcj02.py (tested there against published values).
(function () {
  "use strict";
  const meta = document.querySelector('meta[name="workshop-map-crs"]');
  const crs = meta ? meta.content : "wgs84";
  const A = 6378245.0;
  const EE = 0.00669342162296594323;
  const PI = Math.PI;

  function inChina(lon, lat) {
    return lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271;
  }

  function offset(lon, lat) {
    const x = lon - 105.0;
    const y = lat - 35.0;
    const common = ((20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2) / 3;
    let dLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    dLat += common;
    dLat += ((20.0 * Math.sin(y * PI) + 40.0 * Math.sin((y / 3.0) * PI)) * 2) / 3;
    dLat += ((160.0 * Math.sin((y / 12.0) * PI) + 320 * Math.sin((y * PI) / 30.0)) * 2) / 3;
    let dLon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    dLon += common;
    dLon += ((20.0 * Math.sin(x * PI) + 40.0 * Math.sin((x / 3.0) * PI)) * 2) / 3;
    dLon += ((150.0 * Math.sin((x / 12.0) * PI) + 300.0 * Math.sin((x / 30.0) * PI)) * 2) / 3;
    const rad = (lat / 180.0) * PI;
    const magic = 1 - EE * Math.sin(rad) * Math.sin(rad);
    const sqrtMagic = Math.sqrt(magic);
    dLat = (dLat * 180.0) / (((A * (1 - EE)) / (magic * sqrtMagic)) * PI);
    dLon = (dLon * 180.0) / ((A / sqrtMagic) * Math.cos(rad) * PI);
    return [dLon, dLat];
  }

  function wgs84ToGcj02(p) {
    if (!inChina(p[0], p[1])) {
      return [p[0], p[1]];
    }
    const d = offset(p[0], p[1]);
    return [p[0] + d[0], p[1] + d[1]];
  }

  function gcj02ToWgs84(p) {
    if (!inChina(p[0], p[1])) {
      return [p[0], p[1]];
    }
    let w = [p[0], p[1]];
    for (let i = 0; i < 30; i += 1) {
      const g = wgs84ToGcj02(w);
      const e = [g[0] - p[0], g[1] - p[1]];
      if (Math.abs(e[0]) < 1e-9 && Math.abs(e[1]) < 1e-9) {
        break;
      }
      w = [w[0] - e[0], w[1] - e[1]];
    }
    return w;
  }

  const gcj = crs === "gcj02";
  window.WorkshopCoords = {
    crs: crs,
    toMap: function (p) {
      return gcj ? wgs84ToGcj02(p) : [p[0], p[1]];
    },
    fromMap: function (p) {
      return gcj ? gcj02ToWgs84(p) : [p[0], p[1]];
    },
    wgs84ToGcj02: wgs84ToGcj02,
    gcj02ToWgs84: gcj02ToWgs84,
  };
})();
