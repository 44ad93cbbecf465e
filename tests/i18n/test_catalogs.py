"""The gettext catalogs: complete in both languages, same placeholders, used keys present."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workshop import i18n
from workshop.i18n import MESSAGES, label, placeholders, t, use_locale

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


def test_sync_check_passes_and_folding_nothing_changes_nothing():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "i18n_sync.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 problems" in result.stdout


def test_fold_moves_staged_area_strings_into_the_catalogs(tmp_path, monkeypatch):
    """A later branch's `ZH_CN`/`EN`/`LABELS` dicts end up in the .po files, and the area
    file is emptied; until then they are served from the staging dicts."""
    locale_dir = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, locale_dir)
    area_file = tmp_path / "newarea.py"
    area_file.write_text(
        'ZH_CN = {"report.extra": "附加 {n} 项"}\n'
        'EN = {"report.extra": "{n} extra"}\n'
        'LABELS = {"colour": {"red": "红色"}}\n'
        'EN_LABELS = {"colour": {"red": "Red"}}\n',
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    import newarea  # type: ignore[import-not-found]

    monkeypatch.setattr(i18n, "LOCALE_DIR", locale_dir)
    monkeypatch.setattr("workshop.messages.AREAS", (newarea,))
    monkeypatch.setattr(i18n_sync, "area_modules", lambda: [newarea])
    try:
        i18n.reload()
        assert t("report.extra", n=2) == "附加 2 项"
        with use_locale("en"):
            assert t("report.extra", n=2) == "2 extra" and label("colour", "red") == "Red"
        assert i18n_sync.fold() == 4
        po = (locale_dir / "en" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
        assert 'msgid "report.extra"' in po and 'msgstr "{n} extra"' in po
        assert 'msgid "label.colour.red"' in po
        assert "ZH_CN: dict[str, str] = {}" in area_file.read_text(encoding="utf-8")
        assert i18n.load_catalog("zh-CN")["label.colour.red"] == "红色"
    finally:
        monkeypatch.undo()
        i18n.reload()


def test_a_missing_mo_is_compiled_from_the_po(tmp_path, monkeypatch):
    """A clean checkout without .mo files still works: they are compiled on import."""
    locale_dir = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, locale_dir)
    for mo in locale_dir.rglob("*.mo"):
        mo.unlink()
    monkeypatch.setattr(i18n, "LOCALE_DIR", locale_dir)
    catalog = i18n.load_catalog("en")
    assert catalog["login.title"] == "Planner login"
    assert (locale_dir / "en" / "LC_MESSAGES" / "messages.mo").exists()
    assert i18n.load_catalog("en") == catalog  # now read from the compiled .mo


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("zh-CN", "zh-CN"), ("zh_TW", "zh-CN"), ("en-GB", "en"), ("EN", "en"), ("fr", None)],
)
def test_language_tags_are_normalised(tag, expected):
    assert i18n.normalise(tag) == expected


def test_t_and_label_follow_the_current_locale():
    assert t("login.title") == "规划师登录"
    assert label("asset_class", "ecological") == "生态资产"
    with use_locale("en"):
        assert t("login.title") == "Planner login"
        assert label("asset_class", "ecological") == "Ecological"
        assert label("asset_class", "unknown") == "unknown"
        assert t("no.such.key") == "no.such.key"
    assert t("login.title", "en") == "Planner login"
