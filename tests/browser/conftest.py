"""Real-browser fixtures: the real server process and Debian's Chromium via Playwright."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from ..serverproc import ServerProcess

# A shared 2-core CI machine runs the server, Chromium and the suite at once: give
# assertions on what a page shows time to come true (they return as soon as they do).
expect.set_options(timeout=15_000)

CHROMIUM = os.environ.get("WORKSHOP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """`workshop demo` once per session on SQLite (about 7 s): its data folder and what
    it printed. Each test's server starts from a copy."""
    folder = tmp_path_factory.mktemp("demo")
    printed = ServerProcess(folder, f"sqlite:///{folder / 'workshop.db'}").cli("demo")
    return folder, printed


@pytest.fixture
def server(tmp_path: Path, settings, request) -> Iterator[ServerProcess]:  # type: ignore[no-untyped-def]
    """The demo loaded, then `workshop serve` in a child process, on a free port. On
    SQLite the demo's data folder is a copy of the session's (`demo_template`); loading
    the demo again changes nothing, so `server.cli("demo")` answers what it printed."""
    if settings.database_url.startswith("sqlite"):
        folder, printed = request.getfixturevalue("demo_template")
        for source in folder.iterdir():
            if source.is_file():
                shutil.copy(source, tmp_path / source.name)
        srv = ServerProcess(tmp_path, f"sqlite:///{tmp_path / 'workshop.db'}")
        srv.printed[("demo",)] = printed
    else:
        srv = ServerProcess(tmp_path, settings.database_url)
        srv.cli("demo")
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    if os.environ.get("WORKSHOP_SKIP_BROWSER") == "1":
        pytest.skip("WORKSHOP_SKIP_BROWSER=1")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def shot():  # type: ignore[no-untyped-def]
    """Save a screenshot under test-artifacts/ (to look at; not asserted)."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str) -> None:  # type: ignore[no-untyped-def]
        # A click that navigates may still be swapping documents: wait for the new one to
        # load, and retry once, since Chromium refuses a capture in the middle of a swap.
        path = str(ARTIFACTS / f"{name}.png")
        for attempt in range(3):
            try:
                page.wait_for_load_state("load")
                page.screenshot(path=path, full_page=False)
                return
            except PlaywrightError as exc:
                if attempt == 2:
                    print(f"screenshot {name} not taken: {exc}", file=sys.stderr)
                page.wait_for_timeout(300)

    return take
