"""Every benchmark keeps working: each runs at a tiny size, its requests succeed and it
prints its figures. Never a timing assertion (benchmarks measure; tests check).

One that stops measuring anything (the asset feed once timed a CSRF refusal page and then
failed on json.loads while README still quoted its figures) fails here.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
POSTGRES = os.environ.get("WORKSHOP_TEST_DATABASE_URL", "").startswith("postgresql")

# (how it is run, tiny arguments, a line its output must have)
BENCHMARKS = {
    "analysis": (
        ["-m", "benchmarks.analysis"],
        ["--assets", "30", "--repeat", "1"],
        r"analysis page: median",
    ),
    "asset_feed": (["-m", "benchmarks.asset_feed"], ["--assets", "30"], r"feed: 30 features"),
    "bundle": (
        ["-m", "benchmarks.bundle"],
        ["--participants", "5", "--changes", "40", "--proposals", "5"],
        r"upload \+ import over HTTP: .*\(status 303\)",
    ),
    "projector_latency": (
        ["benchmarks/projector_latency.py"],
        ["--tablets", "4", "--votes", "3"],
        r"projector: vote sent",
    ),
    "records": (
        ["benchmarks/records.py"],
        ["--assets", "20", "--proposals", "5", "--voters", "10"],
        r"ms",
    ),
    "report": (
        ["-m", "benchmarks.report"],
        ["--assets", "20", "--proposals", "5", "--participants", "5", "--repeat", "1"],
        r"PDF|pdf",
    ),
    "report_pdf": (
        ["-m", "benchmarks.report_pdf"],
        ["--assets", "20", "--proposals", "5", "--participants", "5", "--repeat", "1"],
        r"PDF|pdf",
    ),
    "vote_storm": (
        ["benchmarks/vote_storm.py"],
        [
            "--tablets",
            "4",
            "--votes",
            "2",
            "--threads",
            "2",
            "--methods",
            "approval",
            "--streams",
            "0",
        ],
        r"errors 0",
    ),
    "vote_vs_bare": (
        ["benchmarks/vote_vs_bare.py"],
        ["--threads", "2", "--requests", "5"],
        r"vote / bare throughput",
    ),
    "qr_rush": (["-m", "benchmarks.qr_rush"], ["--joins", "6"], r"stored: 6 of 6"),
    "many_rooms": (
        ["-m", "benchmarks.many_rooms"],
        ["--workshops", "2", "--tablets", "3", "--votes", "2"],
        r"acknowledged = stored",
    ),
    "pin_cost": (
        ["-m", "benchmarks.pin_cost"],
        ["--threads", "2", "--pins", "3", "--base-map-mb", "0.05"],
        r"answers \{201: 6\}.*\n.*answers \{201: 6\}",
    ),
    "photo_memory": (
        ["-m", "benchmarks.photo_memory"],
        ["--uploads", "2", "--side", "300"],
        r"answers \{201: 2\}",
    ),
}


def _run(command: list[str], timeout: int = 600) -> str:
    done = subprocess.run(
        [sys.executable, *command],
        cwd=ROOT,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


@pytest.mark.skipif(POSTGRES, reason="SQLite benchmarks run in the SQLite pass")
@pytest.mark.parametrize("name", sorted(BENCHMARKS))
def test_benchmark_runs_at_a_tiny_size(name: str):
    how, args, expected = BENCHMARKS[name]
    out = _run([*how, *args])
    assert re.search(expected, out), out
    # Whatever the benchmark counts as errors or failed answers is zero.
    assert not re.search(r"errors [1-9]", out), out
    assert not re.search(r"5xx after resends: [1-9]", out), out


@pytest.mark.database
@pytest.mark.skipif(not POSTGRES, reason="several workers need PostgreSQL")
def test_vote_storm_on_several_workers_runs_at_a_tiny_size():
    url = os.environ["WORKSHOP_TEST_DATABASE_URL"]
    out = _run(
        [
            "benchmarks/vote_storm_workers.py",
            "--database-url",
            url,
            "--workers",
            "2",
            "--tablets",
            "4",
            "--votes",
            "2",
            "--threads",
            "2",
        ]
    )
    assert not re.search(r"errors [1-9]", out), out
    assert "errors 0" in out or "0 errors" in out, out


@pytest.mark.database
@pytest.mark.skipif(not POSTGRES, reason="the PostgreSQL rush needs PostgreSQL")
def test_qr_rush_on_postgresql_runs_at_a_tiny_size():
    url = os.environ["WORKSHOP_TEST_DATABASE_URL"]
    out = _run(
        ["-m", "benchmarks.qr_rush", "--joins", "6", "--database-url", url, "--workers", "2"]
    )
    assert "stored: 6 of 6" in out, out
    assert "PostgreSQL sessions opened during the rush" in out, out


@pytest.mark.database
@pytest.mark.skipif(not POSTGRES, reason="several workers need PostgreSQL")
def test_many_rooms_on_postgresql_runs_at_a_tiny_size():
    url = os.environ["WORKSHOP_TEST_DATABASE_URL"]
    out = _run(
        [
            "-m",
            "benchmarks.many_rooms",
            *("--workshops", "2", "--tablets", "3", "--votes", "2"),
            *("--database-url", url, "--workers", "2"),
        ]
    )
    assert "acknowledged = stored" in out, out
    assert "5xx after resends: 0" in out, out
