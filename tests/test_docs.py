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


DOC_REF = re.compile(r"(?<![\w/.])((?:docs/)[\w./-]+\.md)(?:#([\w-]+))?")
OUTSIDE = re.compile(r"\.\./shared/|DESIGN\.md")  # the team's notes, not in a clone
SCANNED = ("workshop", "tests", "benchmarks", "scripts", "docs", "templates")


def _anchors(markdown: str) -> set[str]:
    """GitHub-style heading anchors: lower case, punctuation dropped, spaces to dashes."""
    headings = re.findall(r"^#{1,6}\s+(.+?)\s*$", markdown, flags=re.M)
    return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}


def _referring_files() -> list[Path]:
    files = [ROOT / "README.md"]
    for folder in SCANNED:
        files += [
            p
            for p in (ROOT / folder).rglob("*")
            if p.suffix in (".py", ".md", ".html", ".sh") and p.is_file()
        ]
    return files


def test_every_document_reference_resolves():
    """A `docs/…md#section` reference in code, tests, templates or docs names a file and
    a heading that exist; nothing cites documents outside the repository."""
    checked = 0
    for path in _referring_files():
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(ROOT)
        assert not OUTSIDE.search(text) or path == Path(__file__), where
        for doc, anchor in DOC_REF.findall(text):
            target = ROOT / doc
            assert target.is_file(), f"{where}: {doc}"
            if anchor:
                assert anchor in _anchors(target.read_text(encoding="utf-8")), (
                    f"{where}: {doc}#{anchor}"
                )
            checked += 1
    assert checked >= 10
