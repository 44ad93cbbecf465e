"""Inventory (counts, lengths, areas, density), duplicate candidates and clusters.

All distances are in metres in the frame's local projection (see `core.Frame`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from shapely import STRtree

from workshop.analysis.core import Frame

DUPLICATE_DISTANCE_M = 30.0
NAME_SIMILARITY = 0.6
CLUSTER_EPS_M = 50.0
CLUSTER_MIN_SIZE = 3
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def inventory(frame: Frame, classes: Sequence[str]) -> tuple[list[dict], list[dict]]:
    """Return (by_class, by_subtype): counts, line lengths (m) and polygon areas (m²).

    Lengths count LineStrings only and areas Polygons only (a park's outline is not a
    path). `per_ha` is the class's count per hectare of the community.
    """
    rows: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    for record, geom in zip(frame.records, frame.geoms, strict=True):
        row = rows[(record.asset_class, record.subtype or "")]
        row[0] += 1
        if geom.geom_type in ("LineString", "MultiLineString"):
            row[1] += geom.length
        elif geom.geom_type in ("Polygon", "MultiPolygon"):
            row[2] += geom.area
    known = list(classes) + sorted({c for c, _ in rows} - set(classes))
    by_class = []
    for cls in known:
        count = sum(int(v[0]) for (c, _), v in rows.items() if c == cls)
        length = sum(v[1] for (c, _), v in rows.items() if c == cls)
        area = sum(v[2] for (c, _), v in rows.items() if c == cls)
        by_class.append(
            {
                "asset_class": cls,
                "count": count,
                "length_m": round(length, 1),
                "area_m2": round(area, 1),
                "per_ha": round(count / frame.area_ha, 3) if frame.area_ha else 0.0,
            }
        )
    order = {c: i for i, c in enumerate(known)}
    by_subtype = [
        {
            "asset_class": cls,
            "subtype": sub,
            "count": int(v[0]),
            "length_m": round(v[1], 1),
            "area_m2": round(v[2], 1),
        }
        for (cls, sub), v in sorted(rows.items(), key=lambda kv: (order[kv[0][0]], kv[0][1]))
    ]
    return by_class, by_subtype


@lru_cache(maxsize=8192)
def normalise_name(name: str) -> str:
    """Return a name folded for comparison: NFKC, case-folded, no spaces or punctuation."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", name).casefold())


def name_similarity(a: str, b: str) -> float:
    """Return 0..1: 1 when one name contains the other (≥ 2 characters), else difflib's ratio.

    difflib's ratio is 2·matches / (len a + len b) over characters, which suits Chinese,
    where one character carries a word's meaning: 社区食堂 / 长者食堂 share 食堂 → 0.5;
    老茶馆 / 老茶馆门口 → 1 (containment).
    """
    x, y = normalise_name(a), normalise_name(b)
    if not x or not y:
        return 0.0
    short, long_ = sorted((x, y), key=len)
    if x == y or (len(short) >= 2 and short in long_):
        return 1.0
    return SequenceMatcher(None, x, y, autojunk=False).ratio()


def duplicate_candidates(
    frame: Frame,
    *,
    distance_m: float = DUPLICATE_DISTANCE_M,
    similarity: float = NAME_SIMILARITY,
) -> list[dict]:
    """Return pairs of assets of the same class within `distance_m` with similar names.

    Rule: same class, geometries at most `distance_m` apart (nearest points, so a pin on
    a drawn park is 0 m from it), and `name_similarity` ≥ `similarity`. Closest first.
    """
    if len(frame.geoms) < 2:
        return []
    tree = STRtree(frame.geoms)
    left, right = tree.query(frame.geoms, predicate="dwithin", distance=distance_m)
    pairs = []
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i >= j:
            continue
        a, b = frame.records[i], frame.records[j]
        if a.asset_class != b.asset_class or name_similarity(a.name, b.name) < similarity:
            continue
        pairs.append(
            {
                "asset_ids": [a.id, b.id],
                "names": [a.name, b.name],
                "distance_m": round(float(frame.geoms[i].distance(frame.geoms[j])), 1),
            }
        )
    pairs.sort(key=lambda p: (p["distance_m"], p["asset_ids"]))
    return pairs


def clusters(
    frame: Frame,
    classes: Sequence[str],
    *,
    eps_m: float = CLUSTER_EPS_M,
    min_size: int = CLUSTER_MIN_SIZE,
) -> list[dict]:
    """Return DBSCAN clusters per class over the assets' representative points.

    An asset is a core point when at least `min_size` assets of its class (itself
    included) lie within `eps_m`; a cluster is the core points reachable from each other
    through such neighbourhoods, plus the border points they reach. Largest first.
    """
    out: list[dict[str, Any]] = []
    for cls in classes:
        idx = frame.indices_of_class(cls)
        if len(idx) < min_size:
            continue
        points = shapely.point_on_surface(frame.geoms[idx])
        for members in _dbscan(points, eps_m, min_size):
            centre = shapely.MultiPoint([points[k] for k in members]).centroid
            lonlat = frame.to_wgs84(centre)
            out.append(
                {
                    "asset_class": cls,
                    "size": len(members),
                    "centroid": [round(lonlat.x, 7), round(lonlat.y, 7)],
                }
            )
    out.sort(key=lambda c: (-c["size"], c["asset_class"], c["centroid"]))
    return out


def _dbscan(points: np.ndarray, eps: float, min_size: int) -> list[list[int]]:
    tree = STRtree(points)
    src, dst = tree.query(points, predicate="dwithin", distance=eps)
    neighbours: list[list[int]] = [[] for _ in range(len(points))]
    for s, d in zip(src.tolist(), dst.tolist(), strict=True):
        neighbours[s].append(d)
    core = [len(n) >= min_size for n in neighbours]
    label = [-1] * len(points)
    found: list[list[int]] = []
    for start in range(len(points)):
        if not core[start] or label[start] != -1:
            continue
        cid = len(found)
        members, stack = [], [start]
        label[start] = cid
        while stack:
            k = stack.pop()
            members.append(k)
            if not core[k]:
                continue  # a border point joins but does not extend the cluster
            for n in neighbours[k]:
                if label[n] == -1:
                    label[n] = cid
                    stack.append(n)
        found.append(sorted(members))
    return found
