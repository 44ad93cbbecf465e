"""Serve local tile packs: /tiles/{pack}/{z}/{x}/{y}.png (no login: base imagery only).

The URL always ends in .png (Leaflet needs one template); a pack of JPEG or WebP tiles
is answered with its real content type.
"""

from __future__ import annotations

import hashlib

from fastapi import APIRouter, Request
from fastapi.responses import Response

from workshop.basemaps.tiles import EMPTY_TILE, media_type, pack_path, read_tile

router = APIRouter()
CACHE_TILE = "public, max-age=604800"  # packs change rarely; a week on a tablet
CACHE_MISSING = "public, max-age=3600"


@router.get("/tiles/{pack}/{z}/{x}/{y}.png")
def tile(request: Request, pack: str, z: int, x: int, y: int) -> Response:
    path = pack_path(pack)
    data = read_tile(path, z, x, y) if path else None
    if data is None:
        return Response(
            EMPTY_TILE,
            status_code=404,
            media_type="image/png",
            headers={"Cache-Control": CACHE_MISSING},
        )
    etag = '"' + hashlib.blake2b(data, digest_size=12).hexdigest() + '"'
    headers = {"Cache-Control": CACHE_TILE, "ETag": etag}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(data, media_type=media_type(data), headers=headers)
