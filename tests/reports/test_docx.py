"""The .docx report: same text as the PDF (one document model), Chinese fonts set."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from html import unescape

import pytest
from docx import Document

from tests.reports.test_render import _pdf_text, _squash, make_content
from workshop.reports import model, report_docx, report_html, report_pdf


def _full(content: dict) -> dict:
    content["representativeness"] = {
        "margin": 0.1,
        "groups": [
            {
                "group": "青年",
                "population": 2000,
                "population_share": 0.5,
                "participants": 6,
                "participant_share": 0.26,
                "gap": -0.24,
                "under_represented": True,
            }
        ],
    }
    content["vote_sources"] = {"tablet": 12, "paper": 5, "assisted": 1}
    content["audit"] = {"vote_chain_head": "ab" * 32, "record_hash": "cd" * 32}
    content["goals"] = ["三年内完成黄葛树广场改造"]
    content["voting"]["decision_rule"] = {
        "basis": "present",
        "basis_label": "出席人数",
        "threshold": 0.5,
        "members": None,
        "quorum_share": 0.5,
    }
    for p in content["proposals"]:
        p.update(yes=10, no=5, abstain=3, passed=True, verdict="consensus")
        p["by_source"] = {"tablet": 7, "paper": 2, "assisted": 1}
    content["proposals"][1].update(
        verdict="contested", verdict_label="有争议", dissenting_groups=["商户"], passed=False
    )
    content["reviews"] = [
        {
            "title": content["proposals"][0]["title"],
            "support_share": 1.0,
            "verdict_label": "形成共识",
            "reviews": [
                {
                    "name": "李建筑",
                    "discipline_label": "建筑师",
                    "feasibility_label": "可行",
                    "cost_band_label": "5万元以下",
                    "priority_label": "近期",
                    "comment": "",
                }
            ],
            "statements": ["居民共识与建筑师李建筑的可行性判断一致。"],
        }
    ]
    return content


@pytest.fixture(scope="module")
def content() -> dict:
    return _full(make_content())


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_docx_and_pdf_carry_the_same_headings_and_numbers(content: dict) -> None:
    docx_text = _squash(_docx_text(report_docx(content)))
    pdf_text = _squash(_pdf_text(report_pdf(content)))
    for needle in (
        "社区议事协商结果报告",
        "一、主持与协助",
        "三、议程",
        "五、提案与表决结果",
        "六、分歧与争议事项",
        "七、专业评审（三师）与居民意见对照",
        "十、签字确认",
        "社区居委会",
        "街道办事处",
        "附一方法说明",
        "附二社区资产清单",
        "83.3%",
        "93.3%",
        "代表不足",
        "选票来源：平板12张，纸质5张，协助投票1张。",
        "10/5/3",
        "未通过",
        "商户的赞成未达到群体底线",
        "ab" * 32,
        "三年内完成黄葛树广场改造",
        "李建筑",
    ):
        assert needle in docx_text, needle
        assert needle in pdf_text, needle


def test_every_block_text_is_in_both(content: dict) -> None:
    doc = model.build(content, for_pdf=True)
    docx_text = _squash(_docx_text(report_docx(content)))
    html_text = _squash(unescape(re.sub(r"<[^>]+>", "", report_html(content, for_pdf=True))))
    blocks = [b for b in doc.blocks if b.kind in ("h2", "h3", "p")]
    assert len(blocks) > 10
    for block in blocks:
        assert _squash(block.text) in docx_text
        assert _squash(block.text) in html_text, block.text


def test_docx_is_chinese_with_fonts_word_and_wps_have(content: dict) -> None:
    with zipfile.ZipFile(io.BytesIO(report_docx(content))) as z:
        document = z.read("word/document.xml").decode()
        styles = z.read("word/styles.xml").decode()
        settings = z.read("word/settings.xml").decode()
        fonts = z.read("word/fontTable.xml").decode()
        core = z.read("docProps/core.xml").decode()
        footer = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/footer"))
    assert 'w:eastAsia="Microsoft YaHei"' in styles and 'w:eastAsia="SimHei"' in styles
    assert 'w:eastAsia="Microsoft YaHei"' in document
    assert "Noto Sans SC" not in styles + document  # not installed on a street-office PC
    assert "Theme" not in re.search(r"<w:docDefaults>.*?</w:docDefaults>", styles, re.S)[0]
    assert '<w:lang w:val="zh-CN" w:eastAsia="zh-CN"' in styles and "en-US" not in styles
    assert 'w:val="zh-CN" w:eastAsia="zh-CN"' in settings and "ja-JP" not in settings
    assert "<dc:language>zh-CN</dc:language>" in core
    for name, alt in (("Microsoft YaHei", "微软雅黑"), ("SimHei", "黑体"), ("SimSun", "宋体")):
        entry = re.search(rf'<w:font w:name="{name}">.*?</w:font>', fonts)
        assert entry and f'w:altName w:val="{alt}"' in entry[0], name
        assert '<w:charset w:val="86"/>' in entry[0]  # GB2312
    assert "明朝" not in fonts
    assert "<w:tblHeader/>" in document
    assert "<w:cantSplit/>" in document
    assert "PAGE" in footer and "NUMPAGES" in footer
    assert re.search(r"<pic:pic\b", document)  # the map figure is embedded as an image


def test_docx_tables_have_no_empty_header_row(content: dict) -> None:
    doc = Document(io.BytesIO(report_docx(content)))
    for table in doc.tables[:-1]:  # the last one is the signature block
        first = table.rows[0]
        assert any(c.text.strip() for c in first.cells), [c.text for c in first.cells]
        flagged = first._tr.trPr is not None and first._tr.trPr.find(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader"
        )
        if flagged is not None:
            assert all(c.text.strip() for c in first.cells)
    meta = doc.tables[0]
    assert meta.rows[0].cells[0].text == "社区"  # the cover's first line, not a blank row


def test_libreoffice_opens_the_docx_as_the_pdf_reads(content: dict, tmp_path) -> None:  # type: ignore[no-untyped-def]
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.skip("LibreOffice is not installed (Debian: libreoffice-writer-nogui)")
    source = tmp_path / "report.docx"
    source.write_bytes(report_docx(content))
    subprocess.run(
        [
            office,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    converted = (tmp_path / "report.pdf").read_bytes()
    text = _squash(_pdf_text(converted))
    pdf_text = _squash(_pdf_text(report_pdf(content)))
    for needle in ("社区议事协商结果报告", "五、提案与表决结果", "10/5/3", "83.3%", "代表不足"):
        assert needle in text and needle in pdf_text, needle
    assert "\ufffd" not in text  # every character had a glyph
    fonts = subprocess.run(
        ["pdffonts", str(tmp_path / "report.pdf")], capture_output=True, text=True, check=False
    ).stdout
    if fonts:
        assert all(" yes " in line for line in fonts.splitlines()[2:])  # all embedded


def test_docx_of_empty_content_renders() -> None:
    content = make_content(n_assets=0, n_proposals=0, facilitators=[], satisfaction=None)
    text = _docx_text(report_docx(content))
    assert "本次议事会未形成提案。" in text
    assert "未记录主持人员。" in text


def test_docx_route_and_console_links(planner_client, database) -> None:  # type: ignore[no-untyped-def]
    from tests.reports.seed import seed_workshop
    from workshop.accounts.models import Planner

    with database.unit_of_work() as db:
        planner = db.get(Planner, planner_client.planner.id)
        ws_id = seed_workshop(db, n_assets=10, planner=planner).id
    response = planner_client.get(f"/console/workshops/{ws_id}/report.docx")
    assert response.status_code == 200
    assert response.headers["content-disposition"].endswith('.docx"')
    text = _squash(_docx_text(response.content))
    assert "桃源里社区（虚构示例）" in text and "社区资产（处）" in text
    assert "提案1：改善楼道照明" in text
    console = planner_client.get(f"/console/workshops/{ws_id}").text
    assert f"/console/workshops/{ws_id}/report.docx" in console
    assert "下载 Word 报告" in console and "全部数据 XLSX" in console
