"""Map builders: pure functions returning folium maps, and their parts for embedding.

This is the one place where (lon, lat) becomes Leaflet's [lat, lon].
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import folium
from markupsafe import Markup

from workshop import geo
from workshop.communities.models import Community

MAP_NAME = "workshop"  # fixed, so the header's CSS and the page's script agree
BASE_STYLES = {
    "road": {"color": "#9e9e9e", "weight": 5, "opacity": 0.9},
    "building": {"color": "#8d8d8d", "weight": 1, "fillColor": "#d7d2c8", "fillOpacity": 0.9},
    "green": {"color": "#81c784", "weight": 1, "fillColor": "#c8e6c9", "fillOpacity": 0.8},
    "water": {"color": "#64b5f6", "weight": 1, "fillColor": "#bbdefb", "fillOpacity": 0.9},
}
BOUNDARY_STYLE = {"color": "#5d4037", "weight": 3, "dashArray": "8 6", "fill": False}
# folium's header forbids zooming the page; elderly residents need pinch-zoom.
_NO_ZOOM_META = re.compile(r"<meta name=\"viewport\"[^>]*>")
# The CSP runs only inline scripts that carry the page's nonce, and the header is written
# without one: its inline scripts (folium's L_NO_TOUCH flags, …) move to the map script.
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>(.*?)</script>", re.S)


def community_map(community: Community) -> folium.Map:
    """Return a tile-less map of the community: base layers and the boundary."""
    boundary = geo.parse_boundary(community.boundary)
    m = folium.Map(
        location=[boundary.centroid.y, boundary.centroid.x],
        zoom_start=16,
        tiles=None,
        control_scale=True,
        prefer_canvas=False,
        zoom_control=True,
        attribution_control=False,  # its link points to leafletjs.com; we are offline
    )
    m._name, m._id = "map", MAP_NAME
    for kind, style in BASE_STYLES.items():
        features = [
            f
            for f in (community.base_layers or {}).get("features", [])
            if f.get("properties", {}).get("kind") == kind
        ]
        if features:
            folium.GeoJson(
                {"type": "FeatureCollection", "features": features},
                name=kind,
                style_function=lambda _f, s=style: s,
                interactive=False,
                control=False,
            ).add_to(m)
    folium.GeoJson(
        community.boundary,
        name="boundary",
        style_function=lambda _f: BOUNDARY_STYLE,
        interactive=False,
        control=False,
    ).add_to(m)
    m.fit_bounds(geo.bounds_latlon(boundary), padding=(12, 12))
    return m


@dataclass(frozen=True)
class MapParts:
    name: str
    header: Markup
    html: Markup
    script: Markup


def embed(m: folium.Map) -> MapParts:
    """Return the header (assets, CSS), the div and the script of a rendered map."""
    root = m.get_root()
    root.render()
    header = _NO_ZOOM_META.sub("", root.header.render())
    moved = [body.strip() for body in _INLINE_SCRIPT.findall(header)]
    header = _INLINE_SCRIPT.sub("", header)
    script = "\n".join([*moved, root.script.render()])
    return MapParts(
        name=m.get_name(),
        header=Markup(header),  # noqa: S704 - folium output, built from our data
        html=Markup(root.html.render()),  # noqa: S704
        script=Markup(script),  # noqa: S704
    )
