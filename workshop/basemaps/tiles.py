"""Read raster tiles from an MBTiles pack (SQLite) under maps/<pack>/tiles.mbtiles.

MBTiles 1.3 stores rows TMS-style: tile_row = 2^z − 1 − y for the XYZ y Leaflet asks for.
Packs are opened read-only and immutable: a tile request can never write, and a pack
name is checked against PACK_NAME (no dots or slashes) before any path is built.
"""

from __future__ import annotations

import sqlite3
import struct
import zlib
from contextlib import closing
from pathlib import Path

from workshop.basemaps.config import PACK_NAME
from workshop.config import MAPS_DIR

PACK_FILE = "tiles.mbtiles"
MAX_ZOOM = 22


def _png(width: int, height: int, rgba: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + rgba * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


# Answered (with 404) for tiles the pack lacks, so the map shows nothing, not a broken image.
EMPTY_TILE = _png(256, 256, b"\x00\x00\x00\x00")


def media_type(data: bytes) -> str:
    """Return the image type of a tile by its signature (packs may hold JPEG or WebP)."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return "image/png"


def pack_path(pack: str, maps_dir: Path = MAPS_DIR) -> Path | None:
    """Return the pack's MBTiles file, or None for a bad name or a missing pack."""
    if not PACK_NAME.match(pack):
        return None
    root = maps_dir.resolve()
    path = (root / pack / PACK_FILE).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)


def read_tile(path: Path, z: int, x: int, y: int) -> bytes | None:
    """Return the tile image at XYZ (z, x, y), or None when the pack has none."""
    if not (0 <= z <= MAX_ZOOM and 0 <= x < 2**z and 0 <= y < 2**z):
        return None
    with closing(_connect(path)) as conn:
        row = conn.execute(
            "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
            (z, x, 2**z - 1 - y),
        ).fetchone()
    return bytes(row[0]) if row else None


def metadata(path: Path) -> dict[str, str]:
    """Return the pack's metadata table (name, format, bounds, minzoom, maxzoom, …)."""
    with closing(_connect(path)) as conn:
        return dict(conn.execute("SELECT name, value FROM metadata").fetchall())


def zoom_range(path: Path) -> tuple[int, int]:
    meta = metadata(path)
    return int(meta.get("minzoom", 0)), int(meta.get("maxzoom", MAX_ZOOM))
