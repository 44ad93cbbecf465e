"""The real `workshop` server as a child process, for browser and fault tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

VOTING_WORKSHOP = """
from workshop.cli import _database, load_demo
from workshop.proposals.service import submit_proposal
from workshop.workshops.service import workshop_by_code
from workshop.workshops.stages import advance_stage
database = _database()
with database.unit_of_work() as db:
    code, _ = load_demo(db)
    ws = workshop_by_code(db=db, code=code)
    advance_stage(db=db, workshop=ws)
    advance_stage(db=db, workshop=ws)
    for i in range({proposals}):
        submit_proposal(db=db, workshop=ws, participant=None, title=f"提案 {{i + 1}}")
    advance_stage(db=db, workshop=ws)
print(code)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def primed(client: httpx.Client) -> httpx.Client:
    """Fetch a page so the client holds the CSRF cookie; send its token on every request.

    The client is open afterwards: close it with `contextlib.closing`, not `with`.
    """
    from workshop.security import CSRF_COOKIE, token_of_cookie_value

    client.get("/join")
    client.headers["X-CSRF-Token"] = token_of_cookie_value(client.cookies[CSRF_COOKIE])
    return client


def log_in(client: httpx.Client, username: str, password: str) -> httpx.Client:
    """Log a (primed) client in and send the token bound to its new session (issue 15)."""
    import re

    client.post("/login", data={"username": username, "password": password})
    page = client.get("/console")
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text)
    assert found, page.status_code
    client.headers["X-CSRF-Token"] = found.group(1)
    return client


class ServerProcess:
    """`workshop …` commands and `workshop serve` on a free port, with its own data."""

    def __init__(
        self, data_dir: Path, database_url: str, *, workers: int = 1, log_level: str = "info"
    ) -> None:
        self.workers = workers
        self.log_level = log_level
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = data_dir / "server.log"
        self.env = os.environ | {
            "WORKSHOP_DATA_DIR": str(data_dir),
            "WORKSHOP_DATABASE_URL": database_url,
            "WORKSHOP_PUBLIC_URL": self.base_url,
        }
        self.proc: subprocess.Popen | None = None
        # Commands whose effect the data folder already holds (the demo, copied from a
        # session's template: loading it again changes nothing) and what they printed.
        self.printed: dict[tuple[str, ...], str] = {}

    def cli(self, *args: str) -> str:
        """Run `workshop ARGS` (or `python -c` with args[0] == "-c") and return stdout."""
        if args in self.printed:
            return self.printed[args]
        command = (
            [sys.executable, *args]
            if args[0] == "-c"
            else [sys.executable, "-m", "workshop.cli", *args]
        )
        done = subprocess.run(
            command, env=self.env, capture_output=True, text=True, check=True, timeout=120
        )
        return done.stdout

    def start(self, timeout: float = 30) -> None:
        with open(self.log_path, "a") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "workshop.cli",
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--workers",
                    str(self.workers),
                    "--log-level",
                    self.log_level,
                ],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: workers die with it
            )
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{self.base_url}/join", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.stop()
                raise RuntimeError(self.log_path.read_text())
            time.sleep(0.1)

    def client(self, **kwargs) -> httpx.Client:  # type: ignore[no-untyped-def]
        """An httpx client that acts like a page: CSRF cookie fetched, token sent."""
        return primed(httpx.Client(base_url=self.base_url, **kwargs))

    def voting_workshop(self, proposals: int = 8) -> str:
        """Load the demo workshop, move it to voting with `proposals`; return its code."""
        return self.cli("-c", VOTING_WORKSHOP.format(proposals=proposals)).split()[-1]

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flush, as in a crash."""
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
