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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """`workshop …` commands and `workshop serve` on a free port, with its own data."""

    def __init__(self, data_dir: Path, database_url: str) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = data_dir / "server.log"
        self.env = os.environ | {
            "WORKSHOP_DATA_DIR": str(data_dir),
            "WORKSHOP_DATABASE_URL": database_url,
            "WORKSHOP_PUBLIC_URL": self.base_url,
        }
        self.proc: subprocess.Popen | None = None

    def cli(self, *args: str) -> str:
        """Run `workshop ARGS` (or `python -c` with args[0] == "-c") and return stdout."""
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
                ],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
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

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flush, as in a crash."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
