"""One source for every number: the record page, the PDF, the DOCX, the CSV and the XLSX
give the same yes / no / abstain, support share, pass and verdict for every proposal.

Two meetings, with expectations worked out by hand below:
- agree / disagree / pass: a 2–2 tie (fails under "votes cast"), abstentions, a group
  that votes a proposal down, a proposal with too few voters, paper and assisted votes;
- approval: "no" is everyone else who voted in the round (the report's definition).
Both rooms under-represent 中青年居民, so every verdict carries the warning.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from tests.factories import make_participant, make_workshop
from tests.reports.test_render import _pdf_text, _squash
from workshop.accounts.models import Planner
from workshop.outcome import percent
from workshop.proposals.models import Proposal, Vote, VotingRound
from workshop.voting.rules import WorkshopRules, save_rules
from workshop.workshops.representativeness import set_population
from workshop.workshops.stages import advance_stage

OLD, YOUNG, SHOP = "老年居民", "中青年居民", "商户"
CAVEAT = "注意：本结论所依据的到场人员中，中青年居民代表性不足。"

# (title, {voter: value}, expected yes, no, abstain, share, passed, verdict)
AGREE = (
    # tie 2–2: more than half of yes+no is needed, so it fails; only 4 took a side, below
    # the verdict's quorum of 5 (docs/consensus.md: the quorum counts those taking a side)
    ("平票的提案", {"o1": 1, "o2": 1, "y1": -1, "y2": -1, "m1": 0}, 2, 2, 1, 2 / 6, False,
     "参与不足"),
    # 4–1–1 passes; agreement 0.8 and the old residents (3 voters) all agree
    ("多数赞成的提案", {"o1": 1, "o2": 1, "o3": 1, "y1": 1, "y2": 0, "m1": -1}, 4, 1, 1, 4 / 6,
     True, "形成共识"),
    # 2–3 fails; the old residents (3 voters, 0 %) vote it down
    ("老年居民反对的提案", {"o1": -1, "o2": -1, "o3": -1, "y1": 1, "y2": 1}, 2, 3, 0, 2 / 6,
     False, "存在分歧"),
    # 1–0–1 passes the vote, but 2 voters are below the verdict's quorum of 5
    ("人少的提案", {"o1": 1, "m1": 0}, 1, 0, 1, 1 / 6, True, "参与不足"),
)  # fmt: skip
APPROVAL = (
    # 5 voters in the round; no = the others who voted
    ("大家支持的提案", {"o1": 1, "o2": 1, "y1": 1, "m2": 1}, 4, 1, 0, 4 / 5, True, "形成共识"),
    ("少数支持的提案", {"m1": 1, "m2": 1}, 2, 3, 0, 2 / 5, False, "存在分歧"),
    ("一人支持的提案", {"o1": 1}, 1, 4, 0, 1 / 5, False, "存在分歧"),
)
PEOPLE = {"o1": OLD, "o2": OLD, "o3": OLD, "y1": YOUNG, "y2": YOUNG, "m1": SHOP, "m2": SHOP}
SOURCES = {"o1": "paper", "y2": "assisted", "m2": "assisted"}


def _meeting(db, planner: Planner, method: str, table: tuple) -> int:  # type: ignore[no-untyped-def]
    workshop = make_workshop(db, stage="satisfaction", planner=planner)
    save_rules(db=db, workshop=workshop, rules=WorkshopRules(method=method))
    voters = {name for _, votes, *_ in table for name in votes}
    people = {
        name: make_participant(db, workshop, group=PEOPLE[name], nickname=name)
        for name in sorted(voters)
    }
    set_population(db=db, workshop=workshop, counts={OLD: 1000, YOUNG: 3000, SHOP: 500})
    voting_round = db.scalar(select(VotingRound).where(VotingRound.workshop_id == workshop.id))
    if voting_round is None:
        voting_round = VotingRound(workshop_id=workshop.id, method=method, status="closed")
        db.add(voting_round)
    voting_round.method, voting_round.status = method, "closed"
    db.flush()
    for title, votes, *_ in table:
        proposal = Proposal(
            workshop_id=workshop.id, participant_id=people["o1"].id, title=title, description=""
        )
        db.add(proposal)
        db.flush()
        db.add_all(
            Vote(
                round_id=voting_round.id,
                proposal_id=proposal.id,
                participant_id=people[name].id,
                value=value,
                source=SOURCES.get(name, "tablet"),
            )
            for name, value in votes.items()
        )
    db.flush()
    advance_stage(db=db, workshop=workshop)  # closed: writes the record
    db.flush()
    return workshop.id


@pytest.fixture(params=[("agree", AGREE), ("approval", APPROVAL)], ids=["agree", "approval"])
def meeting(request, planner_client, database):  # type: ignore[no-untyped-def]
    method, table = request.param
    with database.unit_of_work() as db:
        planner = db.get(Planner, planner_client.planner.id)
        ws_id = _meeting(db, planner, method, table)
    return ws_id, table


def _expected(row: tuple) -> dict:
    title, _, yes, no, abstain, share, passed, verdict = row
    return {
        "title": title,
        "yna": (yes, no, abstain),
        "share": percent(share),
        "passed": "通过" if passed else "未通过",
        "verdict": verdict,
    }


def _record_rows(html: str) -> dict[str, str]:
    rows = re.findall(r"<tr>(.*?)</tr>", html, flags=re.S)
    text = {re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r)).strip() for r in rows}
    return {e: t for t in text for e in (t.split(" ")[1],) if len(t.split(" ")) > 2}


def test_every_format_gives_the_same_numbers(planner_client, meeting) -> None:  # type: ignore[no-untyped-def]
    ws_id, table = meeting
    base = f"/console/workshops/{ws_id}"
    expected = [_expected(row) for row in table]

    # the record page (screen language zh-CN)
    page = planner_client.get(f"{base}/assessment").text
    rows = _record_rows(page)
    for e in expected:
        row = rows[e["title"]]
        assert "{} / {} / {}".format(*e["yna"]) in row, (e, row)
        assert e["share"] in row and e["verdict"] in row
        assert (" 未通过 " in f" {row} ") == (e["passed"] == "未通过")
        assert CAVEAT in row
    assert "赞成票与反对票相等（平票）为未通过" in page
    assert "以按" not in page

    # the PDF and the DOCX: one row per proposal in rank order
    pdf = _squash(_pdf_text(planner_client.get(f"{base}/report.pdf").content))
    results = pdf[pdf.index("五、提案与表决结果") : pdf.index("六、分歧与争议事项")]
    doc = Document(io.BytesIO(planner_client.get(f"{base}/report.docx").content))
    docx_rows = {
        r.cells[1].text.split("\n")[0]: [c.text for c in r.cells]
        for t in doc.tables
        for r in t.rows
        if len(r.cells) == 7
    }
    for e in expected:
        start = results.index(e["title"])
        nxt = [results.index(o["title"]) for o in expected if results.index(o["title"]) > start]
        segment = results[start : min(nxt, default=len(results))]
        assert "{}/{}/{}".format(*e["yna"]) in segment, (e, segment)
        assert e["share"] in segment and e["verdict"] in segment
        assert ("未通过" in segment) == (e["passed"] == "未通过")
        assert _squash(CAVEAT) in segment
        cells = docx_rows[e["title"]]
        assert cells[3] == e["share"]
        assert cells[4] == "{}/{}/{}".format(*e["yna"])
        assert cells[5] == e["passed"]
        assert cells[6].startswith(e["verdict"]) and CAVEAT in cells[6]
    assert "有争议" not in pdf and "以按" not in pdf
    assert "赞成票与反对票相等（平票）为未通过" in pdf

    # CSV: the proposals table and the votes table's row for everyone
    proposals = _csv(planner_client.get(f"{base}/export/proposals.csv").content)
    votes = _csv(planner_client.get(f"{base}/export/votes.csv").content)
    for e in expected:
        p = next(r for r in proposals if r["提案"] == e["title"])
        v = next(r for r in votes if r["提案"] == e["title"] and r["居民类别"] == "全部")
        for row in (p, v):
            assert (int(row["赞成"]), int(row["反对"]), int(row["弃权"])) == e["yna"]
            assert row["支持率"] == e["share"]
            assert row["表决结果"] == e["passed"] and row["共识判断"] == e["verdict"]
        groups = [r for r in votes if r["提案"] == e["title"] and r["居民类别"] != "全部"]
        assert sum(int(r["赞成"]) for r in groups) == e["yna"][0]
        assert sum(int(r["反对"]) for r in groups) == e["yna"][1]

    # XLSX: typed numbers, the same percentages once formatted
    book = load_workbook(io.BytesIO(planner_client.get(f"{base}/export/workshop.xlsx").content))
    sheet = book["提案"]
    head = [c.value for c in sheet[1]]
    for e in expected:
        row = next(
            r for r in sheet.iter_rows(min_row=2) if r[head.index("提案")].value == e["title"]
        )
        values = {h: c for h, c in zip(head, row, strict=True)}
        assert (values["赞成"].value, values["反对"].value, values["弃权"].value) == e["yna"]
        assert values["支持率"].number_format == "0.0%"
        assert percent(values["支持率"].value) == e["share"]
        assert values["表决结果"].value == e["passed"]
        assert values["共识判断"].value == e["verdict"]


def _csv(raw: bytes) -> list[dict]:
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_percent_rounds_half_up_everywhere() -> None:
    # 0.0005 steps are where binary floats and half-even rounding used to disagree
    assert percent(0.3335) == "33.4%"
    assert percent(0.6665) == "66.7%"
    assert percent(2 / 3) == "66.7%"
    assert percent(0.125, 0) == "13%"
    assert percent(-0.0001) == "0.0%"
    assert percent(None) == "—" and percent("x") == "—" and percent(True) == "—"


def test_rule_sentences_follow_the_rule_that_decides() -> None:
    from workshop.i18n import use_locale
    from workshop.outcome import decision_rule_sentence
    from workshop.voting.consensus import DecisionRules, decide

    with use_locale("zh-CN"):
        cast = decision_rule_sentence(DecisionRules())
        present = decision_rule_sentence(
            DecisionRules(basis="present", threshold=0.5, members=40, quorum_share=0.5)
        )
        two_thirds = decision_rule_sentence(DecisionRules(basis="cast", threshold=2 / 3))
    assert cast.startswith("表决规则：赞成票超过赞成票与反对票之和（弃权不计）的 50.0% 为通过")
    assert "赞成票与反对票相等（平票）为未通过" in cast and "以按" not in cast
    assert not decide(2, 2, 0, 4, DecisionRules()).passed  # the tie the sentence names
    assert "赞成票超过到会人数的 50.0% 为通过；恰好 50.0% 为未通过" in present
    assert "应到 40 人，到会人数须超过应到人数的 50.0%" in present
    assert "赞成票达到赞成票与反对票之和（弃权不计）的 66.7%（含本数）为通过" in two_thirds
    assert decide(2, 1, 0, 3, DecisionRules(threshold=2 / 3)).passed  # "at least" holds
    with use_locale("en"):
        english = decision_rule_sentence(DecisionRules())
    assert "a tie (as many yes as no votes) does not pass" in english


def test_every_verdict_has_a_name_and_a_meaning_in_both_languages() -> None:
    from workshop.i18n import MESSAGES
    from workshop.outcome import VERDICTS, verdict_glossary
    from workshop.voting.consensus import Verdict

    assert set(VERDICTS) == {v.value for v in Verdict}
    for locale in ("zh-CN", "en"):
        for verdict, meaning in VERDICTS.items():
            assert f"label.verdict.{verdict}" in MESSAGES[locale], (locale, verdict)
            assert meaning in MESSAGES[locale], (locale, meaning)
    glossary = verdict_glossary()
    assert glossary[1].startswith("“存在分歧”：")  # the table's word, not 有争议
