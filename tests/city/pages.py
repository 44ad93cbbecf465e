"""Reading what a user sees on a page (lxml, XPath): alerts, form fields, lists."""

from __future__ import annotations

import lxml.html


def _doc(html: str):  # type: ignore[no-untyped-def]
    return lxml.html.fromstring(html)


def alert(html: str) -> str:
    """The text of the page's first role=alert element ("" when there is none)."""
    found = _doc(html).xpath("//*[@role='alert']")
    return found[0].text_content().strip() if found else ""


def field_value(html: str, name: str) -> str | None:
    """The value an <input name=…> or <textarea name=…> shows; None when absent."""
    found = _doc(html).xpath(f"//input[@name='{name}'] | //textarea[@name='{name}']")
    if not found:
        return None
    node = found[0]
    return node.text_content() if node.tag == "textarea" else node.get("value", "")


def option_texts(html: str, name: str) -> list[str]:
    return [o.text_content().strip() for o in _doc(html).xpath(f"//select[@name='{name}']/option")]


def node_text(html: str, testid: str) -> str:
    """The text of the element with data-testid=…; "" when absent."""
    found = _doc(html).xpath(f"//*[@data-testid='{testid}']")
    return found[0].text_content() if found else ""


def claim_link(html: str) -> str:
    """The claim link the page shows (once)."""
    return _doc(html).xpath("//*[@data-testid='claim-link']")[0].get("value")
