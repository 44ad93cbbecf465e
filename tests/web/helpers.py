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


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


def ancestor_ids(html: str, element_id: str) -> list[str] | None:
    """The ids of the elements enclosing the one with `element_id` (outermost first), or
    None when the page has no such element. Parsed, so nesting is what a browser sees."""
    from html.parser import HTMLParser

    class Walk(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.stack: list[str] = []
            self.found: list[str] | None = None

        def handle_starttag(self, tag: str, attrs: list) -> None:
            ident = dict(attrs).get("id") or ""
            if ident == element_id and self.found is None:
                self.found = [i for i in self.stack if i]
            if tag not in VOID:
                self.stack.append(ident)

        def handle_endtag(self, tag: str) -> None:
            if tag not in VOID and self.stack:
                self.stack.pop()

    walk = Walk()
    walk.feed(html)
    return walk.found
