"""The gettext catalogs: complete in both languages, same placeholders, used keys present."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from workshop import i18n
from workshop.i18n import MESSAGES, placeholders

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import i18n_sync  # noqa: E402


def test_every_key_used_in_code_and_templates_is_in_both_catalogs():
    used = i18n_sync.used_keys()
    assert len(used) > 300  # the extractor really found the call sites
    missing = [
        f"{loc}: {key} ({where[0]})"
        for key, where in used.items()
        for loc in i18n.LOCALES
        if not MESSAGES[loc].get(key) and not i18n_sync._joined(key, MESSAGES[loc])
    ]
    assert missing == []


def test_both_catalogs_hold_the_same_keys_with_the_same_placeholders():
    zh, en = MESSAGES["zh-CN"], MESSAGES["en"]
    assert set(zh) == set(en) and len(zh) > 700
    differ = [k for k in zh if placeholders(zh[k]) != placeholders(en[k])]
    assert differ == []
    # Untranslated English would still be Chinese.
    chinese_in_en = [k for k, v in en.items() if any("\u4e00" <= c <= "\u9fff" for c in v)]
    assert chinese_in_en == ["lang.name.zh-CN"]


def test_sync_check_passes():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "i18n_sync.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 problems" in result.stdout


def test_catalogs_are_read_from_the_po_in_memory_without_writing_a_file(tmp_path, monkeypatch):
    """A clean checkout has no .mo: the .po is read into Babel Translations in memory and
    nothing is written beside it (an installed package may be read-only)."""
    locale_dir = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, locale_dir, ignore=shutil.ignore_patterns("*.mo"))
    before = sorted(p.relative_to(locale_dir) for p in locale_dir.rglob("*"))
    locale_dir.chmod(0o555)
    for folder in locale_dir.rglob("*"):
        if folder.is_dir():
            folder.chmod(0o555)
    monkeypatch.setattr(i18n, "LOCALE_DIR", locale_dir)
    try:
        translations, catalog = i18n.load_translations("en")
        assert catalog["login.title"] == "Planner login"
        assert translations.gettext("login.title") == "Planner login"
        assert translations.gettext("label.group.none") == "No group"
    finally:
        for folder in [locale_dir, *locale_dir.rglob("*")]:
            if folder.is_dir():
                folder.chmod(0o755)
    assert sorted(p.relative_to(locale_dir) for p in locale_dir.rglob("*")) == before


def test_a_po_edited_after_a_stale_mo_wins(tmp_path, monkeypatch):
    """A leftover .mo from an older checkout is never read while its .po is there."""
    locale_dir = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, locale_dir, ignore=shutil.ignore_patterns("*.mo"))
    folder = locale_dir / "en" / "LC_MESSAGES"
    (folder / "messages.mo").write_bytes(b"not a catalog")
    po = folder / "messages.po"
    po.write_text(
        po.read_text(encoding="utf-8").replace(
            'msgstr "Planner login"', 'msgstr "Planner sign-in"'
        ),
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n, "LOCALE_DIR", locale_dir)
    assert i18n.load_catalog("en")["login.title"] == "Planner sign-in"
    assert (folder / "messages.mo").read_bytes() == b"not a catalog"


def test_importing_and_running_the_app_writes_nothing_under_the_package(tmp_path):
    """Import the package, build the app, render pages in both languages, in a fresh
    interpreter: no file under workshop/ is created, removed or modified."""
    package = ROOT / "workshop"

    def snapshot() -> dict[str, tuple[int, int]]:
        return {
            str(p.relative_to(package)): (p.stat().st_mtime_ns, p.stat().st_size)
            for p in package.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        }

    before = snapshot()
    script = (
        "from starlette.testclient import TestClient\n"
        "from workshop.app import create_app\n"
        "with TestClient(create_app()) as c:\n"
        "    for lang in ('zh-CN', 'en'):\n"
        "        assert c.get('/login', params={'lang': lang}).status_code == 200\n"
        "        assert c.get('/join', params={'lang': lang}).status_code == 200\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",
        "WORKSHOP_DATA_DIR": str(tmp_path / "data"),
        "WORKSHOP_DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert snapshot() == before
