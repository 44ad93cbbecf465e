"""The consensus report: HTML escaping and self-containment, the PDF, the map figure."""

from __future__ import annotations

import copy
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
from typing import Any

import pytest
from pypdf import PdfReader
from pyproj import Geod
from shapely.geometry import Point, shape

from workshop.geo import LocalProjection
from workshop.reports import report_html, report_pdf
from workshop.reports.figure import Frame, asset_map_svg, nice_length, project_lonlats
from workshop.reports.render import FONT_FILES, ROOT, _check_font_url

COMMUNITY = "桃源里社区（虚构示例）"
BOUNDARY = {
    "type": "Polygon",
    "coordinates": [
        [
            [106.537254, 29.550293],
            [106.540762, 29.549572],
            [106.545095, 29.549933],
            [106.54685, 29.551917],
            [106.546437, 29.554985],
            [106.543651, 29.556248],
            [106.53973, 29.555977],
            [106.537047, 29.554083],
            [106.537254, 29.550293],
        ]
    ],
}
CLASSES = [
    ("ecological", "生态资产", "#2e7d32"),
    ("cultural", "文化资产", "#c62828"),
    ("social", "社会资产", "#1565c0"),
    ("human", "人力资产", "#ef6c00"),
]
PROPOSAL_TITLES = [
    "黄葛树下增设休憩座椅",
    "老旧楼道加装扶手",
    "社区小菜园共建共管",
    "周末儿童托管互助",
]


def _points_inside(n: int, seed: int = 7) -> list[tuple[float, float]]:
    rng = random.Random(seed)
    poly = shape(BOUNDARY)
    minx, miny, maxx, maxy = poly.bounds
    out: list[tuple[float, float]] = []
    while len(out) < n:
        lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if poly.contains(Point(lon, lat)):
            out.append((round(lon, 6), round(lat, 6)))
    return out


def make_content(*, n_assets: int = 12, n_proposals: int = 4, **overrides: Any) -> dict[str, Any]:
    """A realistic content dict as `build_content` produces; keyword overrides replace keys."""
    items = []
    for i, (lon, lat) in enumerate(_points_inside(n_assets)):
        key, label, _ = CLASSES[i % 4]
        items.append(
            {
                "name": f"{label[:2]}资产{i + 1}号",
                "class": key,
                "label": label,
                "lon": lon,
                "lat": lat,
                "description": "居民标注：常有老人在此聊天，需要遮阳。",
            }
        )
    voters = 18
    proposals = []
    for i in range(n_proposals):
        supporters = max(voters - 3 * i, 0)
        title = PROPOSAL_TITLES[i] if i < len(PROPOSAL_TITLES) else f"第{i + 1}号提案"
        proposals.append(
            {
                "rank": i + 1,
                "title": title,
                "description": "由老年居民小组提出，建议在明年春季前完成。",
                "supporters": supporters,
                "support_share": round(supporters / voters, 4),
            }
        )
    content: dict[str, Any] = {
        "generated_at": "2026-11-24T07:30:00+00:00",
        "community": {"name": COMMUNITY, "district": "示例区", "street": "示例街道"},
        "workshop": {
            "id": 1,
            "title": "桃源里社区资产地图与微更新议事会",
            "date": "2026-11-24",
            "place": "社区党群服务中心二楼活动室",
            "opened_at": "2026-11-24T06:00:00+00:00",
            "closed_at": "2026-11-24T08:15:00+00:00",
        },
        "facilitators": [
            {
                "name": "张规划",
                "discipline": "planner",
                "discipline_label": "规划师",
                "title_label": "中级",
                "organisation": "示例规划设计院（虚构）",
            }
        ],
        "participation": {
            "total": 23,
            "by_group": [
                {"group": "老年居民", "count": 9},
                {"group": "青年", "count": 6},
                {"group": "商户", "count": 4},
                {"group": "社区两委", "count": 2},
                {"group": "未填写", "count": 2},
            ],
        },
        "assets": {
            "total": len(items),
            "by_class": [
                {
                    "key": key,
                    "label": label,
                    "colour": colour,
                    "count": sum(1 for a in items if a["class"] == key),
                }
                for key, label, colour in CLASSES
            ],
            "items": items,
        },
        "boundary": copy.deepcopy(BOUNDARY),
        "voting": {"method": "approval", "method_label": "赞成投票（可多选）", "voters": voters},
        "proposals": proposals,
        "satisfaction": {
            "responses": 15,
            "counts": {"satisfied": 10, "basic": 4, "unsatisfied": 1},
            "rate": 14 / 15,
        },
    }
    content.update(overrides)
    return content


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "".join(page.extract_text() or "" for page in reader.pages)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- HTML ---------------------------------------------------------------------------


def test_html_shows_community_and_proposals_in_rank_order() -> None:
    content = make_content()
    content["proposals"].reverse()  # the renderer orders by rank, not by list order
    html = report_html(content)
    assert "社区议事协商结果报告" in html
    assert "桃源里社区（虚构示例）" in html
    positions = [html.index(title) for title in PROPOSAL_TITLES]
    assert positions == sorted(positions)
    assert "83.3%" in html  # 15 of 18 voters, one decimal
    assert "赞成投票（可多选）" in html
    assert "93.3%" in html  # satisfaction (10 + 4) / 15


def test_html_escapes_user_text() -> None:
    content = make_content()
    content["community"]["name"] = "A&B <社区>"
    content["proposals"][0]["title"] = "<script>alert(1)</script>"
    content["assets"]["items"][0]["name"] = '<img src=x onerror="alert(2)">'
    content["assets"]["by_class"][0]["label"] = "<b>生态</b>"
    html = report_html(content)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html
    assert "<b>生态" not in html  # also inside the SVG legend
    assert "A&amp;B &lt;社区&gt;" in html


def test_html_is_self_contained() -> None:
    html = report_html(make_content())
    assert "http://" not in html
    assert "https://" not in html
    assert "url(" not in html  # the download names system fonts; it does not load any
    assert "<svg" in html and 'class="dots"' in html
    assert '<html lang="zh-CN">' in html


def test_hostile_colour_is_not_written_into_styles() -> None:
    content = make_content()
    content["assets"]["by_class"][0]["colour"] = 'red"><script>x</script>'
    html = report_html(content)
    assert "<script>" not in html
    assert "#757575" in html


def test_empty_content_still_renders() -> None:
    content = make_content(
        n_assets=0,
        n_proposals=0,
        facilitators=[],
        participation={"total": 0, "by_group": []},
        voting={"method": "approval", "method_label": "赞成投票（可多选）", "voters": 0},
        satisfaction=None,
    )
    content["workshop"]["opened_at"] = None
    content["workshop"]["closed_at"] = None
    html = report_html(content)
    assert "无数据" in html
    assert "本次议事会未形成提案" in html
    pdf = report_pdf(content)
    assert pdf.startswith(b"%PDF")
    assert "无数据" in _squash(_pdf_text(pdf))


def test_missing_boundary_and_rate_none() -> None:
    content = make_content(boundary=None)
    content["satisfaction"] = {
        "responses": 0,
        "counts": {"satisfied": 0, "basic": 0, "unsatisfied": 0},
        "rate": None,
    }
    html = report_html(content)
    assert 'class="dots"' in html  # the map is framed on the assets instead
    assert "无数据" in html


# --- PDF ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return report_pdf(make_content())


def test_pdf_has_chinese_text(pdf: bytes) -> None:
    assert pdf.startswith(b"%PDF")
    text = _squash(_pdf_text(pdf))
    assert "桃源里社区（虚构示例）" in text
    assert "黄葛树下增设休憩座椅" in text
    assert "社区议事协商结果报告" in text
    assert "第1页/共" in text  # the footer's page numbers


def _font_names(pdf: bytes) -> set[str]:
    """Base names of the fonts the pages use ("/ONIMYD+Noto-Sans-SC" → "NotoSansSC").

    Also checks that each one is embedded (has a font file).
    """
    names: set[str] = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.get_object().values():
            font = ref.get_object()
            names.add(str(font["/BaseFont"]).lstrip("/").split("+")[-1].replace("-", ""))
            for desc in font.get("/DescendantFonts", []):
                descriptor = desc.get_object()["/FontDescriptor"].get_object()
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    return names


def test_pdf_embeds_the_vendored_font(pdf: bytes) -> None:
    assert all(p.is_file() for p in FONT_FILES.values()), "static/fonts is missing"
    # Regular and bold Noto Sans SC, nothing else: no system font (WenQuanYi, DejaVu) crept in
    assert _font_names(pdf) == {"NotoSansSC", "NotoSansSCBold"}


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_pdffonts_reports_embedded_subset(pdf: bytes, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = out.stdout.splitlines()[2:]
    assert rows
    for row in rows:
        assert "NotoSansSC" in row.replace("-", "")
        assert " yes " in row  # emb


# --- the map figure -----------------------------------------------------------------


def test_projection_keeps_metres() -> None:
    geod = Geod(ellps="WGS84")
    lon0, lat0 = 106.5420, 29.5530
    lon_e, lat_e, _ = geod.fwd(lon0, lat0, 90, 1000)
    lon_n, lat_n, _ = geod.fwd(lon0, lat0, 0, 1000)
    lon_d, lat_d, _ = geod.fwd(lon0 + 0.003, lat0 - 0.002, 37, 1000)
    proj = LocalProjection(lon0 + 0.001, lat0 + 0.001)
    (x0, y0), (xe, ye), (xn, yn), (xa, ya), (xd, yd) = project_lonlats(
        [
            (lon0, lat0),
            (lon_e, lat_e),
            (lon_n, lat_n),
            (lon0 + 0.003, lat0 - 0.002),
            (lon_d, lat_d),
        ],
        proj,
    )
    for (ax, ay), (bx, by) in (((x0, y0), (xe, ye)), ((x0, y0), (xn, yn)), ((xa, ya), (xd, yd))):
        assert ((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5 == pytest.approx(1000, rel=0.01)
    assert yn > y0 and abs(xn - x0) < 10  # north is +y
    assert xe > x0 and abs(ye - y0) < 10  # east is +x


def test_frame_flips_y_and_keeps_one_scale() -> None:
    frame = Frame.fit((-500.0, -300.0, 500.0, 300.0), width=680, height=440, pad=20)
    west_south = frame.svg_xy(-500, -300)
    east_north = frame.svg_xy(500, 300)
    assert east_north[1] < west_south[1]  # north is up on the page
    assert east_north[0] > west_south[0]
    assert (east_north[0] - west_south[0]) / 1000 == pytest.approx(frame.scale)
    assert (west_south[1] - east_north[1]) / 600 == pytest.approx(frame.scale)
    metres, length = frame.scale_bar()
    assert metres == 200  # a quarter of 1000 m, rounded down to 1/2/5 × 10ⁿ
    assert length == pytest.approx(metres * frame.scale)


@pytest.mark.parametrize(
    ("limit", "expected"),
    [
        (0.4, 1),
        (1, 1),
        (3, 2),
        (9.9, 5),
        (10, 10),
        (180, 100),
        (250, 200),
        (740, 500),
        (1234, 1000),
    ],
)
def test_nice_length(limit: float, expected: float) -> None:
    assert nice_length(limit) == expected


def test_scale_bar_matches_the_drawn_boundary() -> None:
    """The scale bar's label and its drawn length agree with the boundary's true width."""
    svg = asset_map_svg(BOUNDARY, [], [], font_family="Noto Sans SC")
    label = re.search(r">([\d,]+) 米<", svg)
    assert label is not None
    metres = float(label.group(1).replace(",", ""))
    bar = re.search(r'<rect x="0" y="0" width="([\d.]+)" height="4" fill="none"', svg)
    assert bar is not None
    xs = [float(x) for x in re.findall(r"[ML]([\d.]+),", svg.split('fill="#efe9da"')[0])]
    boundary_px = max(xs) - min(xs)
    geod = Geod(ellps="WGS84")
    # The boundary's east-west extent (west-most to east-most vertex, along the centroid's
    # parallel), measured on the ellipsoid.
    lons = [c[0] for c in BOUNDARY["coordinates"][0]]
    lat = shape(BOUNDARY).centroid.y
    _, _, width_m = geod.inv(min(lons), lat, max(lons), lat)
    px_per_m = float(bar.group(1)) / metres
    assert boundary_px / px_per_m == pytest.approx(width_m, rel=0.01)


def test_figure_draws_every_located_asset_once() -> None:
    content = make_content(n_assets=40)
    content["assets"]["items"].append(
        {"name": "无坐标", "class": "human", "lon": None, "lat": None}
    )
    svg = asset_map_svg(
        content["boundary"],
        content["assets"]["items"],
        content["assets"]["by_class"],
        font_family="Noto Sans SC",
    )
    drawn = sum(int(n) for n in re.findall(r'class="dots" data-count="(\d+)"', svg))
    assert drawn == 40
    dots = re.findall(r'class="dots" data-count="\d+" d="([^"]+)"', svg)
    assert sum(d.count("M") for d in dots) == 40
    assert svg.count("<circle") == 4  # the legend swatches
    assert "xmlns" not in svg and "http" not in svg


def test_pdf_needs_no_system_font(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A fresh machine: fontconfig knows no font at all, and Chinese still comes out."""
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>\n"
    )
    script = (
        "import json, sys\n"
        "from workshop.reports import report_pdf\n"
        "sys.stdout.buffer.write(report_pdf(json.load(sys.stdin)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-W", "error::UserWarning", "-c", script],
        input=json.dumps(make_content()).encode(),
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "FONTCONFIG_FILE": str(conf)},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    pdf = done.stdout
    assert pdf.startswith(b"%PDF")
    assert "桃源里社区（虚构示例）" in _squash(_pdf_text(pdf))
    assert _font_names(pdf) == {"NotoSansSC", "NotoSansSCBold"}


def test_rendering_leaves_the_content_alone() -> None:
    content = make_content()
    before = copy.deepcopy(content)
    report_html(content)
    report_html(content, for_pdf=True)
    assert content == before


def test_times_are_china_time_and_inventory_is_grouped() -> None:
    html = report_html(make_content())
    assert "2026年11月24日" in html
    assert "14:00 至 16:15" in html  # 06:00 and 08:15 UTC
    assert "生态资产（3 处）" in html
    assert "1. 生态资产1号：居民标注" in html


def test_pdf_may_load_only_the_vendored_fonts() -> None:
    for path in FONT_FILES.values():
        _check_font_url(path.as_uri())
    for url in (
        "https://example.org/font.ttf",
        "http://127.0.0.1:8000/static/app.css",
        (ROOT / "pyproject.toml").as_uri(),
        "file:///etc/passwd",
        "data:text/css,body{}",
    ):
        with pytest.raises(ValueError):
            _check_font_url(url)
