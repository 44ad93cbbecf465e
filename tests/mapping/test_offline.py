"""Maps work in a meeting room without internet: every asset folium loads is vendored."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import folium
import pytest
from folium.plugins import Draw, HeatMap, MarkerCluster

from workshop.mapping.offline import (
    DROPPED,
    LOCAL_ASSETS,
    PAGE_ASSETS,
    PATCHED_CLASSES,
    ROOT,
    VENDOR_DIR,
    use_local_assets,
)

STATIC_DIR = ROOT / "static"
ANY_URL = re.compile(r"https?://[^\s\"'<>)]*", re.I)
VENDOR_URL = re.compile(r"/static/vendor/[^\s\"'<>)?#]+")
CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^"')\s]*))\s*\)""")


def _static_file(url: str) -> Path:
    return STATIC_DIR / url.removeprefix("/static/")


def _links() -> dict[type, tuple[list[tuple[str, str]], list[tuple[str, str]]]]:
    return {cls: (list(cls.default_js), list(cls.default_css)) for cls in PATCHED_CLASSES}


def _demo_map() -> folium.Map:
    m = folium.Map(location=[31.23, 121.47], zoom_start=16, tiles=None)
    folium.GeoJson(
        {
            "type": "Feature",
            "properties": {"name": "广场"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [[121.47, 31.23], [121.48, 31.23], [121.48, 31.24], [121.47, 31.23]]
                ],
            },
        },
        name="boundary",
    ).add_to(m)
    folium.Marker(
        [31.231, 121.471], icon=folium.Icon(prefix="fa", icon="tree", color="green")
    ).add_to(m)
    cluster = MarkerCluster().add_to(m)
    for i in range(3):
        folium.Marker([31.232 + i / 1000, 121.472]).add_to(cluster)
    HeatMap([[31.233, 121.473, 1.0], [31.234, 121.474, 0.5]]).add_to(m)
    Draw(export=False).add_to(m)
    return m


@pytest.fixture
def local_assets():  # type: ignore[no-untyped-def]
    use_local_assets()
    yield
    use_local_assets()  # back to the default prefix whatever the test did


def test_rendered_map_references_no_other_host(local_assets):  # type: ignore[no-untyped-def]
    html = _demo_map().get_root().render()

    assert ANY_URL.findall(html) == []
    urls = set(VENDOR_URL.findall(html))
    assert {f"/static/vendor/{path}" for path in LOCAL_ASSETS.values()} <= urls
    missing = sorted(u for u in urls if not _static_file(u).is_file())
    assert missing == []


def test_every_mapped_asset_is_vendored():
    for path in (*LOCAL_ASSETS.values(), *PAGE_ASSETS.values()):
        assert (VENDOR_DIR / path).is_file(), path
        assert any(VENDOR_DIR.joinpath(path.split("/")[0]).glob("LICENSE*")), path


def test_vendored_css_references_resolve_to_vendored_files():
    css_files = sorted(VENDOR_DIR.rglob("*.css"))
    assert len(css_files) >= 6
    checked = 0
    for css in css_files:
        for groups in CSS_URL.findall(css.read_text(encoding="utf-8")):
            ref = "".join(groups).strip()
            if ref.startswith(("data:", "#")):  # inline data, or a fragment of this document
                continue
            assert "://" not in ref and not ref.startswith("/"), f"{css.name}: {ref}"
            target = (css.parent / ref.split("#")[0].split("?")[0]).resolve()
            assert target.is_relative_to(VENDOR_DIR), f"{css.name}: {ref}"
            assert target.is_file(), f"{css.name}: {ref}"
            checked += 1
    assert checked >= 10  # Leaflet images, draw sprites, marker images, Font Awesome fonts


def test_use_local_assets_twice_is_harmless(local_assets):  # type: ignore[no-untyped-def]
    first = _links()
    use_local_assets()
    assert _links() == first
    for js, css in first.values():
        names = [name for name, _ in js + css]
        assert len(names) == len(set(names))
        assert not DROPPED & set(names)
        assert all(url.startswith("/static/vendor/") for _, url in js + css)


def test_prefix_is_applied_to_every_asset(local_assets):  # type: ignore[no-untyped-def]
    use_local_assets("/assets/v/")
    for js, css in _links().values():
        assert all(url.startswith("/assets/v/") and "//" not in url for _, url in js + css)


def test_an_asset_folium_adds_fails_loudly(local_assets, monkeypatch):  # type: ignore[no-untyped-def]
    remote = [("leaflet", "https://example.org/leaflet.js")]
    monkeypatch.setattr(folium.Map, "default_js", remote)
    monkeypatch.setattr(
        Draw, "default_js", [*Draw.default_js, ("leaflet_draw_v2", "https://example.org/d.js")]
    )
    with pytest.raises(RuntimeError, match="leaflet_draw_v2"):
        use_local_assets()
    assert folium.Map.default_js == remote  # nothing half-patched


def test_vendored_files_match_their_checksums():
    sums = (VENDOR_DIR / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    listed = {}
    for line in sums:
        digest, name = line.split(maxsplit=1)
        listed[name] = digest
    on_disk = {
        p.relative_to(VENDOR_DIR).as_posix()
        for p in VENDOR_DIR.rglob("*")
        if p.is_file() and p.name not in ("SHA256SUMS", "VERSIONS.md")
    }
    assert set(listed) == on_disk, "rerun scripts/vendor_static.sh"
    for name, digest in listed.items():
        assert hashlib.sha256((VENDOR_DIR / name).read_bytes()).hexdigest() == digest, name


def test_templates_load_only_vendored_files():
    refs = {
        (page.relative_to(ROOT).as_posix(), url)
        for page in (ROOT / "templates").rglob("*.html")
        for url in VENDOR_URL.findall(page.read_text(encoding="utf-8"))
        if "{" not in url
    }
    assert [ref for ref in sorted(refs) if not _static_file(ref[1]).is_file()] == []
