"""Steps the browser tests share: the demo workshop's join code, the demo planner's login."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Page, expect

from ..serverproc import ServerProcess


def demo_join_code(server: ServerProcess) -> str:
    """The demo workshop's join code, as `workshop demo` printed it."""
    found = re.search(r"join code: (\w+)", server.cli("demo"))
    assert found is not None
    return found.group(1)


def log_in_as_demo(page: Page, base: str) -> None:
    """Log in as the demo planner on the zh-CN login page; lands on the console."""
    page.goto(f"{base}/login")
    page.get_by_label("用户名").fill("demo")
    page.get_by_label("密码").fill("demo-planner")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{base}/console")


def wait_until(page: Page, expression: str, timeout: float = 15) -> None:
    """Until the JavaScript `expression` is truthy on the page, polled every 100 ms.

    Not `page.wait_for_function`: that evaluates a string predicate with the page's own
    `eval`, which the app's Content-Security-Policy (no 'unsafe-eval') may refuse.
    `page.evaluate` goes through the DevTools protocol, outside the page's CSP.
    """
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout} s: {expression}"
        page.wait_for_timeout(100)


def font_px(page: Page, selector: str) -> float:
    """The computed font size of the first element matching `selector`, in CSS px.

    Found and measured in one step on the page: a live refresh that replaces the element
    between a locator's lookup and its evaluation would measure a detached node (NaN).
    """
    size = page.evaluate(
        "s => { const e = document.querySelector(s);"
        " return e ? parseFloat(getComputedStyle(e).fontSize) : null; }",
        selector,
    )
    assert size is not None, f"nothing matches {selector}"
    return float(size)
