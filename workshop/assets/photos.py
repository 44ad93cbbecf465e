"""Asset photos: check, re-encode (no EXIF, bounded size) and store under a random name."""

from __future__ import annotations

import io
import re
import secrets
import warnings
from pathlib import Path

from anyio import to_thread
from PIL import Image, ImageOps, UnidentifiedImageError

from workshop.errors import Invalid
from workshop.writer import Gate

MAX_BYTES = 8 * 1024 * 1024
MAX_SIDE = 1600  # pixels, longest side after re-encoding
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}
_NAME = re.compile(r"^[A-Za-z0-9_-]{16,60}\.jpg$")


def reencode(data: bytes) -> bytes:
    """Return the photo as a fresh JPEG: orientation applied, EXIF and GPS dropped.

    Raise Invalid("photo.too_big") over MAX_BYTES and Invalid("photo.not_image") for
    anything Pillow cannot read as a JPEG, PNG, WebP or GIF image.
    """
    if len(data) > MAX_BYTES:
        raise Invalid("photo.too_big", limit=MAX_BYTES // (1024 * 1024))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise Invalid("photo.not_image")
            if image.width * image.height > MAX_PIXELS:
                raise Invalid("photo.not_image")
            # JPEG: let libjpeg decode at 1/2, 1/4 or 1/8 scale, never below what is kept.
            image.draft("RGB", (MAX_SIDE, MAX_SIDE))
            image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise Invalid("photo.not_image") from None
    except Image.DecompressionBombWarning:
        raise Invalid("photo.not_image") from None
    rgb = ImageOps.exif_transpose(_shrunk(image)).convert("RGB")
    rgb.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    rgb.save(out, "JPEG", quality=82, optimize=True)  # no exif= argument: none written
    return out.getvalue()


def _shrunk(image: Image.Image) -> Image.Image:
    """Bring a large decoded image near MAX_SIDE in its own mode before any conversion:
    converting a 40-megapixel palette PNG to RGB first would allocate 120 MB."""
    factor = max(image.width, image.height) // MAX_SIDE
    if factor < 2:
        return image
    size = (max(1, image.width // factor), max(1, image.height // factor))
    if image.mode in ("1", "P"):
        return image.resize(size, Image.Resampling.NEAREST)  # palettes do not average
    try:
        return image.reduce(factor)
    except ValueError:  # a mode reduce() does not take (e.g. I;16)
        return image.resize(size, Image.Resampling.BOX)


# At most two photos are decoded at once: a decoded 40-megapixel image is 40–160 MB, and
# eight at once took the server from 370 MB to 2.6 GB. Waiters wait in the event loop.
DECODE_GATE = Gate(permits=2, max_waiting=64)
DECODE_WAIT_S = 30.0


async def reencode_admitted(data: bytes) -> bytes:
    """`reencode` on a worker thread, at most DECODE_GATE.permits at a time (Busy beyond)."""
    if len(data) > MAX_BYTES:
        raise Invalid("photo.too_big", limit=MAX_BYTES // (1024 * 1024))
    await DECODE_GATE.acquire(DECODE_WAIT_S)
    try:
        return await to_thread.run_sync(reencode, data)
    finally:
        DECODE_GATE.release()


def save(photos_dir: Path, jpeg: bytes) -> str:
    """Write the re-encoded photo under a random name; return the name."""
    photos_dir.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_urlsafe(18)}.jpg"
    (photos_dir / name).write_bytes(jpeg)
    return name


def path_of(photos_dir: Path, name: str) -> Path | None:
    """Return the file of a stored photo name, or None (names are ours, never a path)."""
    if not _NAME.match(name):
        return None
    path = photos_dir / name
    return path if path.is_file() else None
