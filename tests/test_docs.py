"""The README is part of the product: every setting is documented, the quick start is true."""

from __future__ import annotations

import re
from pathlib import Path

from workshop.config import Settings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented():
    for name in Settings.model_fields:
        assert f"WORKSHOP_{name.upper()}" in README, name


def test_quick_start_is_two_commands_and_ci_runs_the_test_one():
    block = README.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert len(commands) == 2
    ci = (ROOT / ".ci" / "run").read_text()
    assert commands[1] in ci
    for command in commands:
        assert (ROOT / re.search(r"scripts/\S+", command).group(0)).exists()
