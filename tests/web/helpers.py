from __future__ import annotations

import re

from fastapi.testclient import TestClient


def join(client: TestClient, code: str, *, group: str = "", nickname: str = "") -> None:
    """Join a workshop as a resident the way a tablet does; the cookie stays on `client`."""
    response = client.post(
        f"/j/{code}",
        data={"nickname": nickname, "group": group, "consent": "true"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/w/{code}"


def text_of(html: str) -> str:
    """Visible text, roughly: tags dropped, whitespace squeezed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
