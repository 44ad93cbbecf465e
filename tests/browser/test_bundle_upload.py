"""The bundles page shows a large upload's progress, then the server's check, and
navigates to the result; a refused file is named in the form, and nothing is stored."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .pages import log_in_as_demo

pytestmark = pytest.mark.browser

FINISHED = """
from sqlalchemy import select
from workshop.cli import _database
from workshop.workshops.models import Workshop
database = _database()
with database.unit_of_work(write=False) as db:
    print(db.scalar(select(Workshop.id).where(Workshop.stage == "closed")))
"""

# What the progress line said, kept across the navigation that ends the upload.
SEEN = """
new MutationObserver(function () {
  const status = document.querySelector("[data-progress] [role=status]");
  if (status && status.textContent) {
    const seen = JSON.parse(sessionStorage.getItem("seen") || "[]");
    if (!seen.includes(status.textContent)) {
      seen.push(status.textContent);
      sessionStorage.setItem("seen", JSON.stringify(seen));
    }
  }
}).observe(document, { subtree: true, childList: true, characterData: true });
"""


def test_bundle_upload_shows_progress_then_the_result(server, browser, shot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    base = server.base_url
    finished = server.cli("-c", FINISHED).split()[-1]
    context = browser.new_context(locale="zh-CN")
    context.add_init_script(SEEN)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    log_in_as_demo(page, base)
    bundle = page.request.get(f"{base}/console/workshops/{finished}/bundle.zip")
    assert bundle.status == 200
    (tmp_path / "meeting.zip").write_bytes(bundle.body())
    (tmp_path / "notes.zip").write_bytes(b"not a zip at all")

    page.goto(f"{base}/console/bundles")
    page.set_input_files("input[name=file]", str(tmp_path / "notes.zip"))
    page.click("form[data-upload-progress] button[type=submit]")
    problem = page.locator("#import-problem")
    expect(problem).not_to_be_empty()
    expect(page.locator("[data-testid=import-progress]")).to_be_hidden()
    assert page.url.endswith("/console/bundles")  # still here, the file named as refused
    shot(page, "bundle-refused")

    page.set_input_files("input[name=file]", str(tmp_path / "meeting.zip"))
    page.click("form[data-upload-progress] button[type=submit]")
    page.wait_for_url("**/console/bundles?already*")  # this instance wrote it
    expect(page.locator("[data-testid=import-result]")).to_be_visible()
    seen = page.evaluate("JSON.parse(sessionStorage.getItem('seen') || '[]')")
    assert any(text.startswith("正在上传") for text in seen), seen
    assert "上传完成，正在校验并导入（大的包需要几秒）…" in seen, seen
    shot(page, "bundle-already")
    assert errors == []
