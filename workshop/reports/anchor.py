"""Paper anchors the digital: the report's record hash and key fingerprint, as text and QR.

A finalised record's hash (and the fingerprint of the instance key that finalised it) are
printed on the paper report the street office keeps. Later, `workshop verify --bundle FILE
--record-hash HASH` checks a bundle against that paper: a laptop owner who rewrote the
meeting and signed it again cannot make the old hash appear (docs/tamper-evidence.md).
"""

from __future__ import annotations

from typing import Any

import segno
from markupsafe import Markup

from workshop.bundle.keys import short_fingerprint
from workshop.i18n import t
from workshop.reports.blocks import Block

QR_PREFIX = "WORKSHOP-RECORD"


def grouped(digest: str) -> str:
    """`3f2a9c01 7b44e0d5 …`: 64 hex digits in eight groups, for reading off paper."""
    return " ".join(digest[i : i + 8] for i in range(0, len(digest), 8))


def qr_payload(record_hash: str, fingerprint: str | None) -> str:
    key = f" key:{fingerprint[:16]}" if fingerprint else ""
    return f"{QR_PREFIX} sha256:{record_hash}{key}"


def anchor_block(audit: Any) -> Block | None:
    """The anchor of a finalised record (None for a draft: it has no hash yet)."""
    if not isinstance(audit, dict) or not isinstance(audit.get("record_hash"), str):
        return None
    digest = audit["record_hash"]
    fingerprint = audit.get("key_fingerprint")
    fingerprint = fingerprint if isinstance(fingerprint, str) else None
    svg = segno.make(qr_payload(digest, fingerprint), error="m").svg_inline(
        scale=3, border=2, omitsize=True
    )
    return Block(
        "anchor",
        text=t("report.anchor.title"),
        items=[
            t("report.anchor.hash", hash=grouped(digest)),
            t(
                "report.anchor.key",
                fingerprint=short_fingerprint(fingerprint)
                if fingerprint
                else t("report.anchor.no_key"),
            ),
            t("report.anchor.check"),
        ],
        svg=Markup(svg),  # segno's SVG of a payload of hex digits: nothing user-typed
    )
