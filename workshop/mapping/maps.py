"""Map builders: pure functions returning folium maps, and their parts for embedding.

This is the one place where (lon, lat) becomes Leaflet's [lat, lon].
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import folium
import numpy as np
import shapely
import xyzservices
from branca.element import Figure
from markupsafe import Markup
from shapely.geometry import mapping, shape
from starlette.requests import Request

from workshop import geo
from workshop.basemaps.config import BaseMap, base_map_of, tile_origin
from workshop.basemaps.gcj02 import wgs84_to_gcj02
from workshop.basemaps.tiles import pack_path, zoom_range
from workshop.communities.models import Community
from workshop.i18n import t
from workshop.security import allow_image_host

MAP_NAME = "workshop"  # fixed, so the header's CSS and the page's script agree
BASE_STYLES = {
    "road": {"color": "#9e9e9e", "weight": 5, "opacity": 0.9},
    "building": {"color": "#8d8d8d", "weight": 1, "fillColor": "#d7d2c8", "fillOpacity": 0.9},
    "green": {"color": "#81c784", "weight": 1, "fillColor": "#c8e6c9", "fillOpacity": 0.8},
    "water": {"color": "#64b5f6", "weight": 1, "fillColor": "#bbdefb", "fillOpacity": 0.9},
}
# The standing inventory (社区资产底册) under a meeting's pins: dashed, pale, hollow.
INVENTORY_LAYER = "inventory"
INVENTORY_STYLE = {"weight": 2, "opacity": 0.9, "dashArray": "4 4", "fillOpacity": 0.12}
BOUNDARY_STYLE = {"color": "#5d4037", "weight": 3, "dashArray": "8 6", "fill": False}
# folium's header forbids zooming the page; elderly residents need pinch-zoom.
_NO_ZOOM_META = re.compile(r"<meta name=\"viewport\"[^>]*>")
# The CSP runs only inline scripts that carry the page's nonce, and the header is written
# without one: its inline scripts (folium's L_NO_TOUCH flags, …) move to the map script.
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>(.*?)</script>", re.S)


def community_map(community: Community, inventory: dict | None = None) -> folium.Map:
    """Return a map of the community: its base map, base layers and the boundary, and
    its standing inventory (a FeatureCollection, workshop.inventory) when given: drawn
    as a read-only reference layer, dashed and hollow, under the meeting's own pins.

    The base map follows the community's setting (workshop.basemaps.config): vector
    layers only, a local tile pack, or online tiles with the vector layers kept (they
    still show when the internet is gone). On GCJ-02 tiles everything drawn here is
    shifted for display; static/coords.js does the same for the page's own layers.
    """
    base = base_map_of(community.base_map)
    boundary = geo.parse_boundary(to_display(community.boundary, base))
    pack = pack_path(base.pack) if base.kind == "tiles" else None
    m = folium.Map(
        location=[boundary.centroid.y, boundary.centroid.x],
        zoom_start=16,
        tiles=None,
        control_scale=True,
        prefer_canvas=False,
        zoom_control=True,
        # Leaflet's attribution links to leafletjs.com; shown only for online tiles.
        attribution_control=base.kind == "xyz",
    )
    m._name, m._id = "map", MAP_NAME
    if pack is not None:
        low, high = zoom_range(pack)
        tile_layer(
            f"/tiles/{base.pack}/{{z}}/{{x}}/{{y}}.png",
            attr=base.attribution or base.pack,
            name="base",
            min_zoom=max(0, low - 2),
            max_zoom=20,
            min_native_zoom=low,
            max_native_zoom=high,
            control=False,
        ).add_to(m)
    elif base.kind == "xyz":
        tile_layer(
            base.url,
            attr=base.attribution or base.url.split("/")[2],
            name="base",
            max_zoom=20,
            max_native_zoom=base.max_zoom,
            control=False,
        ).add_to(m)
    if pack is None:  # a raster pack already shows buildings and roads
        _add_base_layers(m, community.base_layers, base)
    if inventory and inventory.get("features"):
        add_inventory_layer(m, inventory, base)
    folium.GeoJson(
        to_display(community.boundary, base),
        name="boundary",
        style_function=lambda _f: BOUNDARY_STYLE,
        interactive=False,
        control=False,
    ).add_to(m)
    _figure(m).header.add_child(coords_config(base), name="workshop_coords")
    m.fit_bounds(geo.bounds_latlon(boundary), padding=(12, 12))
    return m


def add_inventory_layer(m: folium.Map, inventory: dict, base: BaseMap) -> None:
    """Draw a community's standing inventory as a reference layer: the class colour,
    dashed outlines, pale fill, small hollow circles for points (a meeting's pins are
    large round icons), a tooltip that says 底册; taps pass through to the map.

    One layer per class with one style each: folium writes a per-feature style switch
    otherwise, which for 5,000 features doubles the page."""
    prefix = t("inventory.reference_tooltip")
    by_colour: dict[str, list[dict]] = {}
    for f in inventory["features"]:
        props = f["properties"]
        by_colour.setdefault(props["colour"], []).append(
            {
                "type": "Feature",
                "geometry": to_display(f["geometry"], base),
                "properties": {"tip": f"{prefix}{props['name']}"},
            }
        )
    for colour, features in by_colour.items():
        style = {**INVENTORY_STYLE, "color": colour, "fillColor": colour}
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            name=INVENTORY_LAYER,
            marker=folium.CircleMarker(radius=7, fill=True),
            style_function=lambda _f, s=style: s,
            tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
            control=False,
        ).add_to(m)


def allow_online_tiles(request: Request, community: Community) -> None:
    """Let this page's CSP (img-src) load the community's online tiles, if it has any.

    Call it on every full page that may show the community's map, even one whose map
    arrives later by an htmx swap (the document's policy is the one that applies).
    """
    origin = tile_origin(base_map_of(community.base_map))
    if origin is not None:
        allow_image_host(request, origin)


# A placeholder Leaflet fills in ({z} {x} {y} {s} {r}) stays as it is; any other (`{-y}`,
# `{style}`) is escaped from xyzservices' str.format.
_OTHER_PLACEHOLDER = re.compile(r"\{(?!(?:x|y|z|s|r)\})([^{}]*)\}")


def tile_layer(url: str, *, attr: str, name: str, **options: object) -> folium.TileLayer:
    """A folium TileLayer for a URL we already know.

    Given a plain string, folium looks it up by name among xyzservices' few hundred
    providers (flattening the whole tree) on every map it builds: ~5 ms of every projector
    and tablet page. A TileProvider of our own skips that lookup and renders the same.
    """
    provider = xyzservices.TileProvider(
        name=name,
        url=_OTHER_PLACEHOLDER.sub(r"{{\1}}", url),
        attribution=attr,
        html_attribution=attr,
    )
    return folium.TileLayer(tiles=provider, attr=attr, name=name, **options)  # type: ignore[arg-type]


def _add_base_layers(m: folium.Map, layers: dict | None, base: BaseMap) -> None:
    for kind, style in BASE_STYLES.items():
        features = [
            {**f, "geometry": to_display(f["geometry"], base)}
            for f in (layers or {}).get("features", [])
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


def to_display(geometry: dict, base: BaseMap) -> dict:
    """Return a WGS-84 GeoJSON geometry in the base map's datum (GCJ-02 shifts it)."""
    if not base.gcj02:
        return geometry

    def shift(xy: np.ndarray) -> np.ndarray:
        return np.array([wgs84_to_gcj02(float(x), float(y)) for x, y in xy]).reshape(-1, 2)

    return json.loads(json.dumps(mapping(shapely.transform(shape(geometry), shift))))


def coords_config(base: BaseMap) -> folium.Element:
    """Return the header element naming the map datum, then loading static/coords.js."""
    crs = "gcj02" if base.gcj02 else "wgs84"
    return folium.Element(
        f'<meta name="workshop-map-crs" content="{crs}">\n<script src="/static/coords.js"></script>'
    )


@dataclass(frozen=True)
class MapParts:
    name: str
    header: Markup
    html: Markup
    script: Markup


def _figure(m: folium.Map) -> Figure:
    """The page a map renders into (its header, html and script parts)."""
    root = m.get_root()
    assert isinstance(root, Figure)
    return root


def embed(m: folium.Map) -> MapParts:
    """Return the header (assets, CSS), the div and the script of a rendered map."""
    root = _figure(m)
    root.render()
    header = _NO_ZOOM_META.sub("", root.header.render())
    moved = [body.strip() for body in _INLINE_SCRIPT.findall(header)]
    header = _INLINE_SCRIPT.sub("", header)
    script = "\n".join([*moved, root.script.render()])
    return MapParts(
        name=m.get_name(),
        header=Markup(header),
        html=Markup(root.html.render()),
        script=Markup(script),
    )
