"""The asset map of the consensus report: an SVG drawn from numbers, in metres.

Longitude/latitude (WGS-84) are projected with the shared local azimuthal equidistant
projection (`workshop.geo.LocalProjection`) centred on the boundary's centroid, so
distances on the figure are metres and the scale bar is true near the community. The
SVG y axis points down, so northings are flipped. Every piece of text that comes from
the content dict is escaped here; colours are accepted only as hex codes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import shapely
from markupsafe import Markup, escape
from shapely.geometry import MultiPoint, shape
from shapely.geometry.base import BaseGeometry

from workshop.geo import LocalProjection

WIDTH = 680.0  # SVG user units of the map panel (the figure scales to the page width)
MAP_HEIGHT = 440.0
LEGEND_HEIGHT = 34.0
PAD = 18.0
MIN_EXTENT_M = 200.0  # a single point or a tiny community still gets a readable frame
DOT_RADIUS = 3.6
LABEL_LIMIT = 400  # more numbers than this would only cover the map; the list still has them
SHAPE_TYPES = ("LineString", "MultiLineString", "Polygon", "MultiPolygon")
FALLBACK_COLOUR = "#757575"
_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")


def colour_or_default(value: object) -> str:
    """Return a hex colour as given, or a neutral grey for anything else."""
    return value if isinstance(value, str) and _HEX.fullmatch(value) else FALLBACK_COLOUR


def nice_length(limit_m: float) -> float:
    """Return the largest 1, 2 or 5 × 10ⁿ metres not longer than `limit_m` (at least 1 m)."""
    if not math.isfinite(limit_m) or limit_m < 1:
        return 1.0
    exponent = math.floor(math.log10(limit_m))
    for mantissa in (5, 2, 1):
        length = mantissa * 10.0**exponent
        if length <= limit_m * (1 + 1e-9):
            return length
    return 10.0**exponent  # pragma: no cover - 1 × 10ⁿ always fits


def metres_label(length_m: float) -> str:
    return f"{length_m:,.0f} 米" if length_m >= 1 else f"{length_m:g} 米"


@dataclass(frozen=True)
class Frame:
    """Maps local metres (x east, y north) onto the SVG panel, same scale on both axes."""

    minx: float
    miny: float
    maxx: float
    maxy: float
    scale: float  # SVG units per metre
    offset_x: float
    offset_y: float

    @classmethod
    def fit(
        cls,
        bounds: tuple[float, float, float, float],
        width: float = WIDTH,
        height: float = MAP_HEIGHT,
        pad: float = PAD,
    ) -> Frame:
        minx, miny, maxx, maxy = bounds
        cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
        half_w = max(maxx - minx, MIN_EXTENT_M) / 2
        half_h = max(maxy - miny, MIN_EXTENT_M) / 2
        minx, maxx, miny, maxy = cx - half_w, cx + half_w, cy - half_h, cy + half_h
        scale = min((width - 2 * pad) / (maxx - minx), (height - 2 * pad) / (maxy - miny))
        offset_x = (width - (maxx - minx) * scale) / 2
        offset_y = (height - (maxy - miny) * scale) / 2
        return cls(minx, miny, maxx, maxy, scale, offset_x, offset_y)

    def svg_xy(self, x: float, y: float) -> tuple[float, float]:
        return (
            self.offset_x + (x - self.minx) * self.scale,
            self.offset_y + (self.maxy - y) * self.scale,  # north up: flip y
        )

    def scale_bar(self, fraction: float = 0.25) -> tuple[float, float]:
        """Return (length in metres, length in SVG units) of a round scale bar."""
        metres = nice_length((self.maxx - self.minx) * fraction)
        return metres, metres * self.scale


def boundary_geometry(geojson: object) -> BaseGeometry | None:
    """Return the boundary as a valid (Multi)Polygon, or None when absent or unusable."""
    if not isinstance(geojson, dict):
        return None
    try:
        geom = shape(geojson)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        return None
    if geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
        return None
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    return geom


def _finite_lonlat(item: dict) -> tuple[float, float] | None:
    raw_lon, raw_lat = item.get("lon"), item.get("lat")
    # Stored content is JSON: a coordinate is a number or a numeric string.
    if not isinstance(raw_lon, int | float | str) or not isinstance(raw_lat, int | float | str):
        return None
    try:
        lon, lat = float(raw_lon), float(raw_lat)
    except ValueError:
        return None
    if not (math.isfinite(lon) and math.isfinite(lat)):
        return None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return None
    return lon, lat


def project_lonlats(
    lonlats: Sequence[tuple[float, float]], projection: LocalProjection
) -> list[tuple[float, float]]:
    """Project (lon, lat) pairs to local metres (x east, y north)."""
    if not lonlats:
        return []
    lons, lats = zip(*lonlats, strict=True)
    xs, ys = projection._forward.transform(lons, lats)  # one call for all points
    return [(float(x), float(y)) for x, y in zip(xs, ys, strict=True)]


def _ring_path(coords: Iterable[tuple[float, ...]], frame: Frame) -> str:
    pts = [frame.svg_xy(c[0], c[1]) for c in coords]
    head, *rest = pts
    return f"M{head[0]:.1f},{head[1]:.1f}" + "".join(f"L{x:.1f},{y:.1f}" for x, y in rest) + "Z"


def _polygons(geom: BaseGeometry) -> list:
    if geom.geom_type == "Polygon":
        return [geom]
    return [g for g in getattr(geom, "geoms", []) if g.geom_type == "Polygon"]


def asset_geometry(item: dict) -> BaseGeometry | None:
    """A line or area asset's own shape (records from before shapes were kept: None)."""
    geometry = item.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") not in SHAPE_TYPES:
        return None
    try:
        geom = shape(geometry)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        return None
    if geom.is_empty or not all(map(math.isfinite, geom.bounds)):
        return None
    return geom


def _line_path(coords: Iterable[tuple[float, ...]], frame: Frame) -> str:
    pts = [frame.svg_xy(c[0], c[1]) for c in coords]
    head, *rest = pts
    return f"M{head[0]:.1f},{head[1]:.1f}" + "".join(f"L{x:.1f},{y:.1f}" for x, y in rest)


def _shape_path(geom: BaseGeometry, frame: Frame) -> str:
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return "".join(
            _ring_path(ring.coords, frame)
            for poly in _polygons(geom)
            for ring in (poly.exterior, *poly.interiors)
        )
    lines = [geom] if geom.geom_type == "LineString" else list(getattr(geom, "geoms", []))
    return "".join(_line_path(line.coords, frame) for line in lines if len(line.coords) > 1)


def _anchor(geom: BaseGeometry) -> tuple[float, float]:
    """Where a shape's number goes: the middle of a line, a point inside an area."""
    if geom.geom_type in ("LineString", "MultiLineString"):
        mid = geom.interpolate(0.5, normalized=True)
    else:
        mid = geom.representative_point()
    return mid.x, mid.y


@dataclass
class _Drawn:
    number: object
    key: object
    kind: str  # "point", "line" or "area"
    anchor: tuple[float, float]  # local metres
    geom: BaseGeometry | None = None


def asset_map_svg(
    boundary: object,
    items: Sequence[dict],
    classes: Sequence[dict],
    *,
    font_family: str,
) -> Markup:
    """Return an inline SVG (no namespace URL, so no http:// in the page) of the assets.

    Points are dots; lines and areas are drawn as their shapes. Each asset carries its
    `number` (given by the caller; the inventory prints the same one) beside it, unless
    there are more than LABEL_LIMIT, when the numbers would only cover the map."""
    boundary_ll = boundary_geometry(boundary)
    shapes = [(item, asset_geometry(item)) for item in items]
    located: list[tuple[tuple[float, float] | None, dict, BaseGeometry | None]] = []
    for item, geom in shapes:
        if geom is not None:
            located.append((None, item, geom))
        elif (ll := _finite_lonlat(item)) is not None:
            located.append((ll, item, None))
    if boundary_ll is not None:
        centre = boundary_ll.centroid
    elif located:
        centre = MultiPoint(
            [
                ll if geom is None else geom.representative_point().coords[0]
                for ll, _, geom in located
            ]
        ).centroid
    else:
        return Markup("")
    projection = LocalProjection(centre.x, centre.y)

    boundary_m = projection.to_metres(boundary_ll) if boundary_ll is not None else None
    points_m = iter(project_lonlats([ll for ll, _, _ in located if ll is not None], projection))
    # all shapes projected in one call: pyproj's per-call overhead dominates small shapes
    shapes_m = iter(
        shapely.transform(
            [geom for _, _, geom in located if geom is not None],
            lambda x, y: projection._forward.transform(x, y),
            interleaved=False,
        )
    )
    drawn: list[_Drawn] = []
    for _, item, geom in located:
        if geom is None:
            drawn.append(_Drawn(item.get("number"), item.get("class"), "point", next(points_m)))
        else:
            local = next(shapes_m)
            kind = "line" if "Line" in geom.geom_type else "area"
            drawn.append(_Drawn(item.get("number"), item.get("class"), kind, _anchor(local), local))
    extents = [boundary_m.bounds] if boundary_m is not None else []
    extents += [d.geom.bounds for d in drawn if d.geom is not None]
    if points := [d.anchor for d in drawn if d.kind == "point"]:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        extents.append((min(xs), min(ys), max(xs), max(ys)))
    bounds = (
        min(b[0] for b in extents),
        min(b[1] for b in extents),
        max(b[2] for b in extents),
        max(b[3] for b in extents),
    )
    frame = Frame.fit(bounds)

    colours = {c.get("key"): colour_or_default(c.get("colour")) for c in classes}
    order = {c.get("key"): i for i, c in enumerate(classes)}
    height = MAP_HEIGHT + LEGEND_HEIGHT
    out: list[str] = [
        f'<svg class="asset-map" viewBox="0 0 {WIDTH:.0f} {height:.0f}" '
        f'width="{WIDTH:.0f}" height="{height:.0f}" role="img" '
        f'font-family="{escape(font_family)}" font-size="12">',
        "<title>社区资产分布图</title>",
        f'<rect x="0.5" y="0.5" width="{WIDTH - 1:.0f}" height="{MAP_HEIGHT - 1:.0f}" '
        'fill="#fbfaf7" stroke="#c9c4b8"/>',
    ]
    if boundary_m is not None:
        d = "".join(
            _ring_path(ring.coords, frame)
            for poly in _polygons(boundary_m)
            for ring in (poly.exterior, *poly.interiors)
        )
        out.append(
            f'<path d="{d}" fill="#efe9da" fill-rule="evenodd" stroke="#6d5f45" '
            'stroke-width="1.6" stroke-linejoin="round"/>'
        )

    def by_class(kind: str) -> dict[object, list[_Drawn]]:
        groups: dict[object, list[_Drawn]] = {}
        for x in drawn:
            if x.kind == kind:
                groups.setdefault(x.key, []).append(x)
        return {k: groups[k] for k in sorted(groups, key=lambda k: order.get(k, len(order)))}

    # Areas first (translucent fill, class-coloured outline), then lines (over a white
    # halo), then dots: small things stay visible on top of large ones. One path per
    # class and kind keeps WeasyPrint fast.
    for key, group in by_class("area").items():
        colour = colours.get(key, FALLBACK_COLOUR)
        d = "".join(_shape_path(x.geom, frame) for x in group if x.geom is not None)
        out.append(
            f'<path class="areas" data-count="{len(group)}" d="{d}" fill="{colour}" '
            f'fill-opacity="0.28" fill-rule="evenodd" stroke="{colour}" stroke-width="1.4" '
            'stroke-linejoin="round"/>'
        )
    for key, group in by_class("line").items():
        colour = colours.get(key, FALLBACK_COLOUR)
        d = "".join(_shape_path(x.geom, frame) for x in group if x.geom is not None)
        out.append(
            f'<path d="{d}" fill="none" stroke="#ffffff" stroke-width="5.2" '
            'stroke-linecap="round" stroke-linejoin="round"/>'
        )
        out.append(
            f'<path class="lines" data-count="{len(group)}" d="{d}" fill="none" '
            f'stroke="{colour}" stroke-width="3" stroke-linecap="round" '
            'stroke-linejoin="round"/>'
        )
    # Each dot is a zero-length line with round caps ("M x,y h0", stroked as wide as the
    # dot), which PDF paints as a filled circle: WeasyPrint parses SVG path data in
    # Python and turns every arc into Bézier curves through matrix products, so two arcs
    # per dot cost ~3 s of a 2,000-asset report; a move and a zero line cost almost
    # nothing. (A visible outline on the dot path would paint later dots' outlines
    # across earlier dots, hence the separate white halo path under it.)
    for key, group in by_class("point").items():
        d = "".join(_dot(*frame.svg_xy(*x.anchor)) for x in group)
        out.append(
            f'<path d="{d}" fill="none" stroke="#ffffff" '
            f'stroke-width="{2 * (DOT_RADIUS + 0.8):.1f}" stroke-linecap="round"/>'
        )
        out.append(
            f'<path class="dots" data-count="{len(group)}" d="{d}" fill="none" '
            f'stroke="{colours.get(key, FALLBACK_COLOUR)}" '
            f'stroke-width="{2 * DOT_RADIUS:.1f}" stroke-linecap="round"/>'
        )
    if len(drawn) <= LABEL_LIMIT:
        out.append(_numbers(drawn, frame))

    out.append(_north_arrow(WIDTH - 34, 20))
    out.append(_scale_bar(frame, 20, MAP_HEIGHT - 22))
    out.append(_legend(classes, colours, MAP_HEIGHT))
    out.append("</svg>")
    return Markup("".join(out))


def _numbers(drawn: Sequence[_Drawn], frame: Frame) -> str:
    """Each asset's number: right of a dot, above a line's middle or inside an area;
    a white outline under the dark figures keeps them legible over any colour."""
    labels = []
    for x in drawn:
        if x.number is None:
            continue
        sx, sy = frame.svg_xy(*x.anchor)
        if x.kind == "point":
            sx, anchor = sx + DOT_RADIUS + 1.5, "start"
        elif x.kind == "line":
            sy, anchor = sy - 7, "middle"  # just above the line, clear of its stroke
        else:
            anchor = "middle"
        text = escape(str(x.number))
        labels.append(f'<text x="{sx:.1f}" y="{sy + 3:.1f}" text-anchor="{anchor}">{text}</text>')
    if not labels:
        return ""
    body = "".join(labels)
    return (
        '<g class="numbers" font-size="8.5" font-weight="bold">'
        f'<g fill="#ffffff" stroke="#ffffff" stroke-width="2.4" stroke-linejoin="round">{body}</g>'
        f'<g fill="#222222">{body}</g></g>'
    )


def _dot(x: float, y: float) -> str:
    """A dot's centre as path data: a zero-length line, drawn by a round-capped stroke."""
    return f"M{x:.1f},{y:.1f}h0"


def _north_arrow(x: float, y: float) -> str:
    """A north arrow whose tip is at (x, y + 14); 北 above it."""
    return (
        f'<g transform="translate({x:.1f},{y:.1f})">'
        '<text x="0" y="0" text-anchor="middle" font-size="13" font-weight="bold" '
        'fill="#333333">北</text>'
        '<path d="M0,6 L8,32 L0,26 Z" fill="#333333"/>'
        '<path d="M0,6 L-8,32 L0,26 Z" fill="#ffffff" stroke="#333333" stroke-width="1"/>'
        "</g>"
    )


def _scale_bar(frame: Frame, x: float, y: float) -> str:
    metres, length = frame.scale_bar()
    half = length / 2
    return (
        f'<g transform="translate({x:.1f},{y:.1f})">'
        f'<rect x="-4" y="-18" width="{length + 8:.1f}" height="26" fill="#ffffff" '
        'fill-opacity="0.8"/>'
        f'<rect x="0" y="0" width="{half:.1f}" height="4" fill="#333333"/>'
        f'<rect x="{half:.1f}" y="0" width="{half:.1f}" height="4" fill="#ffffff" '
        'stroke="#333333" stroke-width="0.8"/>'
        f'<rect x="0" y="0" width="{length:.1f}" height="4" fill="none" stroke="#333333" '
        'stroke-width="0.8"/>'
        '<text x="0" y="-5" text-anchor="middle" font-size="10" fill="#333333">0</text>'
        f'<text x="{length:.1f}" y="-5" text-anchor="middle" font-size="10" '
        f'fill="#333333">{escape(metres_label(metres))}</text>'
        "</g>"
    )


def _legend(classes: Sequence[dict], colours: dict, top: float) -> str:
    if not classes:
        return ""
    cell = WIDTH / len(classes)
    parts = [f'<g transform="translate(0,{top + 22:.1f})">']
    for i, c in enumerate(classes):
        x = i * cell + 24
        count = c.get("count")
        text = f"{c.get('label') or c.get('key') or ''}（{count if count is not None else 0}）"
        parts.append(
            f'<circle cx="{x:.1f}" cy="-4" r="5.5" fill="{colours.get(c.get("key"))}" '
            'stroke="#ffffff" stroke-width="0.8"/>'
            f'<text x="{x + 11:.1f}" y="0" font-size="12" fill="#333333">{escape(text)}</text>'
        )
    parts.append("</g>")
    return "".join(parts)
