"""This instance's Ed25519 key pair: signs bundle manifests and finalised records.

The private key lives in `<data_dir>/instance.key` (32 raw bytes, mode 0600), beside the
SQLite file and `secret.key`: made at first start, never exported, never in a bundle or a
database backup. Its public key travels with what it signs; the fingerprint is sha256 of
the 32 public-key bytes, shown short (the first 16 hex digits, in groups of four) on the
console and on the printed report, where a person can compare it with the city's list.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

KEY_FILE = "instance.key"
SHORT = 16  # hex digits of the short fingerprint (64 bits)


@dataclass(frozen=True)
class InstanceKey:
    private: Ed25519PrivateKey

    @property
    def public_bytes(self) -> bytes:
        return self.private.public_key().public_bytes_raw()

    @property
    def public_b64(self) -> str:
        return base64.b64encode(self.public_bytes).decode("ascii")

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(self.public_bytes)

    @property
    def short(self) -> str:
        return short_fingerprint(self.fingerprint)

    def sign(self, data: bytes) -> str:
        return base64.b64encode(self.private.sign(data)).decode("ascii")


def fingerprint_of(public: bytes) -> str:
    return hashlib.sha256(public).hexdigest()


def short_fingerprint(fingerprint: str) -> str:
    """`3F2A 9C01 7B44 E0D5`: what a person reads aloud or compares on paper."""
    head = fingerprint[:SHORT].upper()
    return " ".join(head[i : i + 4] for i in range(0, len(head), 4))


def normalise_fingerprint(text: str) -> str | None:
    """A typed fingerprint (short or full, any spacing or case) as lowercase hex, or None."""
    cleaned = "".join(text.split()).replace("-", "").replace(":", "").lower()
    if len(cleaned) < SHORT or len(cleaned) > 64:
        return None
    if any(c not in "0123456789abcdef" for c in cleaned):
        return None
    return cleaned


def load_or_create(data_dir: Path) -> InstanceKey:
    """The instance key in `data_dir`, made on first use (safe when two workers race)."""
    path = data_dir / KEY_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        raw = Ed25519PrivateKey.generate().private_bytes_raw()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another worker made it first: use theirs
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(raw)
    raw = path.read_bytes()
    if len(raw) != 32:
        raise RuntimeError(f"{path} is not an Ed25519 key (expected 32 bytes)")
    return InstanceKey(Ed25519PrivateKey.from_private_bytes(raw))


_active: InstanceKey | None = None


def activate(data_dir: Path) -> InstanceKey:
    """Load (or make) the key and make it the one that signs in this process."""
    global _active
    _active = load_or_create(data_dir)
    return _active


def active() -> InstanceKey | None:
    """The key that signs in this process (None before the app or CLI loaded one)."""
    return _active


def verify(public_b64: str, signature_b64: str, data: bytes) -> bool:
    """True when `signature_b64` is the key's signature of `data`; False for anything else."""
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_b64, validate=True))
        public.verify(base64.b64decode(signature_b64, validate=True), data)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True
