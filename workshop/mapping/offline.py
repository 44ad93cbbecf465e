"""Point folium at the JS/CSS vendored under static/vendor, so maps work without internet.

folium emits a <script>/<link> for every (name, url) in the class attributes
`default_js`/`default_css` of the map and of each plugin. `use_local_assets()` rewrites
them once, at class level, keyed by name: a name we do not know (a folium upgrade that
adds an asset) raises instead of silently reaching for a CDN. The files themselves come
from `scripts/vendor_static.sh`; see static/vendor/VERSIONS.md.
"""

from __future__ import annotations

from pathlib import Path

import folium
from folium.elements import JSCSSMixin
from folium.plugins import Draw, HeatMap, MarkerCluster

ROOT = Path(__file__).resolve().parents[2]
VENDOR_DIR = ROOT / "static" / "vendor"  # served at /static/vendor

# folium asset name -> file under static/vendor (one folder per package).
LOCAL_ASSETS: dict[str, str] = {
    # folium.Map
    "leaflet": "leaflet/leaflet.js",
    "jquery": "jquery/jquery.min.js",
    "bootstrap": "bootstrap/bootstrap.bundle.min.js",
    "awesome_markers": "leaflet-awesome-markers/leaflet.awesome-markers.js",
    "leaflet_css": "leaflet/leaflet.css",
    "bootstrap_css": "bootstrap/bootstrap.min.css",
    "awesome_markers_font_css": "fontawesome-free/css/all.min.css",
    "awesome_markers_css": "leaflet-awesome-markers/leaflet.awesome-markers.css",
    # folium.plugins.Draw
    "leaflet_draw_js": "leaflet-draw/leaflet.draw.js",
    "leaflet_draw_css": "leaflet-draw/leaflet.draw.css",
    # folium.plugins.MarkerCluster
    "markerclusterjs": "leaflet.markercluster/leaflet.markercluster.js",
    "markerclustercss": "leaflet.markercluster/MarkerCluster.css",
    "markerclusterdefaultcss": "leaflet.markercluster/MarkerCluster.Default.css",
    # folium.plugins.HeatMap (folium's patched Leaflet.heat, copied from the wheel)
    "leaflet-heat.js": "leaflet-heat/leaflet_heat.min.js",
}

# Assets folium declares that we deliberately do not load; removed from the lists.
DROPPED: frozenset[str] = frozenset(
    {
        # Bootstrap 3 glyphicons: no clean package, and Bootstrap 5 has none. Markers use
        # Font Awesome: folium.Icon(prefix="fa", icon=...) (the default "glyphicon" is blank).
        "glyphicons_css",
        # folium's fa-rotate-<angle> classes for Icon(angle=...): on no registry, and we
        # do not rotate markers (Font Awesome's own fa-rotate-90/180/270 still work).
        "awesome_rotate_css",
    }
)

# Page assets outside folium (templates/base.html), listed so tests check they exist.
PAGE_ASSETS: dict[str, str] = {
    "htmx": "htmx/htmx.min.js",
    "htmx_sse": "htmx-ext-sse/sse.js",
}

# Classes whose default_js/default_css are rewritten. Subclasses that do not override
# the lists (e.g. FastMarkerCluster) inherit the rewritten ones.
PATCHED_CLASSES: tuple[type[JSCSSMixin], ...] = (folium.Map, Draw, MarkerCluster, HeatMap)


def _localised(cls: type, links: list[tuple[str, str]], prefix: str) -> list[tuple[str, str]]:
    """Return `links` with each URL replaced by its local file and dropped names removed."""
    unknown = [name for name, _ in links if name not in LOCAL_ASSETS and name not in DROPPED]
    if unknown:
        raise RuntimeError(
            f"{cls.__module__}.{cls.__qualname__} declares assets {unknown} that are not "
            "vendored: vendor them (scripts/vendor_static.sh) and map them in "
            "workshop.mapping.offline.LOCAL_ASSETS, or add them to DROPPED"
        )
    return [(name, f"{prefix}/{LOCAL_ASSETS[name]}") for name, _ in links if name not in DROPPED]


def use_local_assets(prefix: str = "/static/vendor") -> None:
    """Make folium's maps and plugins load every asset from `prefix` (idempotent)."""
    prefix = prefix.rstrip("/")
    # Compute everything first, so an unknown name leaves the classes untouched.
    new = {
        cls: (
            _localised(cls, cls.default_js, prefix),
            _localised(cls, cls.default_css, prefix),
        )
        for cls in PATCHED_CLASSES
    }
    for cls, (js, css) in new.items():
        cls.default_js = js
        cls.default_css = css
