"""A community's base-map setting (Community.base_map), parsed and checked.

    {"kind": "vector"}                                  boundary + base layers only
    {"kind": "tiles", "pack": "demo"}                   maps/demo/tiles.mbtiles, via /tiles/
    {"kind": "xyz", "url": "https://…/{z}/{x}/{y}.png", "attribution": "…",
     "crs": "gcj02", "max_zoom": 18}                    online tiles (vector layers stay)

`crs` is "wgs84" (default; Tianditu's CGCS2000 is the same at this scale) or "gcj02"
(Amap/Gaode): then everything drawn on the map is shifted for display only.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from workshop.errors import Invalid

KINDS = ("vector", "tiles", "xyz")
CRSS = ("wgs84", "gcj02")
PACK_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_XYZ = re.compile(r"^https?://[^\s\"'<>]+$")


@dataclass(frozen=True)
class BaseMap:
    kind: str = "vector"
    pack: str = ""
    url: str = ""
    attribution: str = ""
    crs: str = "wgs84"
    max_zoom: int = 19

    @property
    def gcj02(self) -> bool:
        return self.crs == "gcj02"

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in ("", None)}


VECTOR = BaseMap()


def parse_base_map(data: dict | None) -> BaseMap:
    """Return the checked setting, or raise Invalid naming what is wrong."""
    if not data:
        return VECTOR
    if not isinstance(data, dict):
        raise Invalid("basemap.invalid")
    kind = data.get("kind", "vector")
    if kind not in KINDS:
        raise Invalid("basemap.unknown_kind")
    crs = data.get("crs", "wgs84")
    if crs not in CRSS:
        raise Invalid("basemap.unknown_crs")
    pack = str(data.get("pack", ""))
    url = str(data.get("url", ""))
    if kind == "tiles" and not PACK_NAME.match(pack):
        raise Invalid("basemap.bad_pack")
    if kind == "xyz" and not (_XYZ.match(url) and all(p in url for p in ["{z}", "{x}", "{y}"])):
        raise Invalid("basemap.bad_url")
    max_zoom = int(data.get("max_zoom", 19))
    return BaseMap(
        kind=kind,
        pack=pack if kind == "tiles" else "",
        url=url if kind == "xyz" else "",
        attribution=str(data.get("attribution", ""))[:200],
        crs=crs,
        max_zoom=max(1, min(22, max_zoom)),
    )


# A CSP host-source: a host (its leftmost label may be `*`) and an optional port.
_LABEL = r"[a-z0-9]([a-z0-9-]*[a-z0-9])?"
_CSP_HOST = re.compile(rf"^(\*\.)?{_LABEL}(\.{_LABEL})*(:\d{{1,5}})?$")


def tile_origin(base: BaseMap) -> str | None:
    """Return the CSP source the online tiles load from (`https://*.example.cn`), or None.

    A placeholder in the host (`{s}` subdomains: `t{s}.tianditu.gov.cn`) becomes a `*`
    leftmost label, the only wildcard CSP allows; anything that is not a plain host is
    refused rather than written into the header.
    """
    if base.kind != "xyz":
        return None
    scheme, _, rest = base.url.partition("://")
    host = rest.split("/", 1)[0].lower()
    if "{" in host:
        label, dot, parent = host.partition(".")
        if "{" in parent or not dot:
            return None
        host = f"*.{parent}"
    if scheme not in ("http", "https") or not _CSP_HOST.match(host):
        return None
    return f"{scheme}://{host}"


def base_map_of(setting: dict | None) -> BaseMap:
    """Return a stored setting for drawing; a broken one falls back to vector only."""
    try:
        return parse_base_map(setting)
    except (Invalid, TypeError, ValueError):
        return VECTOR
