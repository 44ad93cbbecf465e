"""Steps the browser tests share: the demo workshop's join code, the demo planner's login."""

from __future__ import annotations

import re

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
