"""Ballot cards, paper and assisted votes, the poster tally and representativeness over
HTTP: what the facilitator and the resident see, and what is stored."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from workshop.ballots.models import BallotCard
from workshop.proposals.models import Vote, VoteChange
from workshop.workshops.models import Participant

from ..factories import make_workshop
from ..web.helpers import join, text_of

HX = {"HX-Request": "true"}


def _workshop(database, planner, stage="mapping"):  # type: ignore[no-untyped-def]
    with database.unit_of_work() as s:
        ws = make_workshop(s, stage=stage, planner=s.merge(planner))
        return ws.id, ws.join_code


def _voting(database, planner, titles=("增设休息座椅", "步道照明")):  # type: ignore[no-untyped-def]
    from workshop.proposals import service
    from workshop.workshops.stages import advance_stage

    with database.unit_of_work() as s:
        ws = make_workshop(s, stage="proposals", planner=s.merge(planner))
        ids = [
            service.submit_proposal(db=s, workshop=ws, participant=None, title=t).id for t in titles
        ]
        advance_stage(db=s, workshop=ws)  # voting: an approval round opens
        return ws.id, ws.join_code, ids


def test_cards_printed_used_once_resumed_on_the_same_tablet_and_cancelled(
    client, planner_client, database
):
    ws_id, code = _workshop(database, planner_client.planner)
    base = f"/console/workshops/{ws_id}"
    r = planner_client.post(f"{base}/cards", data={"count": "3"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"{base}/cards"
    page = planner_client.get(f"{base}/cards").text
    assert "未使用 3 张" in text_of(page)
    pdf = planner_client.get(f"{base}/cards.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    with database.unit_of_work(write=False) as s:
        cards = s.scalars(select(BallotCard).order_by(BallotCard.number)).all()
        first, second, third = (c.code for c in cards)
        assert [c.status for c in cards] == ["new"] * 3
    # A tablet scans the first card: a start screen (a GET never uses the card up).
    tablet = TestClient(client.app)
    start = tablet.get(f"/c/{first}")
    assert start.status_code == 200 and "资产地图与微更新议事会" in start.text
    assert "请选择您的居民类别" in start.text and ">开始<" in start.text
    r = tablet.post(
        f"/c/{first}", data={"group": "商户", "consent": "true"}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"] == f"/w/{code}"
    page = tablet.get(f"/w/{code}")
    assert page.status_code == 200
    assert "下一位" in page.text  # a card is passed on: the tablet is a shared one
    # The same tablet scanning again goes straight back in; another tablet is refused.
    again = tablet.get(f"/c/{first}", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == f"/w/{code}"
    other = TestClient(client.app)
    refused = other.get(f"/c/{first}")
    assert refused.status_code == 409 and "这张选票卡已经用过了" in refused.text
    refused = other.post(f"/c/{first}", data={"consent": "true"})
    assert refused.status_code == 409
    # Typing the short code on /join goes to the card's start screen.
    typed = other.post("/join", data={"code": f"{second[:5]}-{second[5:]}"}, follow_redirects=False)
    assert typed.status_code == 303 and typed.headers["location"] == f"/c/{second}"
    # A lost card is cancelled on the console and refused on any tablet.
    with database.unit_of_work(write=False) as s:
        third_id = s.scalar(select(BallotCard.id).where(BallotCard.code == third))
    planner_client.post(f"{base}/cards/{third_id}/cancel", headers=HX)
    assert "已作废" in planner_client.get(f"{base}/cards").text
    r = other.get(f"/c/{third}")
    assert r.status_code == 403 and "这张选票卡已作废" in r.text
    r = other.post(f"/c/{third}", data={"consent": "true"})
    assert r.status_code == 403
    with database.unit_of_work(write=False) as s:
        people = s.scalars(select(Participant)).all()
        assert [p.group for p in people] == ["商户"]


def test_card_needs_consent_and_wrong_codes_are_rate_limited(client, database, planner_client):
    ws_id, _code = _workshop(database, planner_client.planner)
    planner_client.post(f"/console/workshops/{ws_id}/cards", data={"count": "1", "group": "商户"})
    with database.unit_of_work(write=False) as s:
        card = s.scalar(select(BallotCard.code))
    tablet = TestClient(client.app)
    r = tablet.post(f"/c/{card}", data={}, follow_redirects=False)
    assert r.status_code == 422 and "商户" in r.text  # the start screen again
    statuses = [tablet.get("/c/ZZZZZZZZZZ").status_code for _ in range(21)]
    assert statuses[0] == 404 and statuses[-1] == 429
    # Locked out: even the right card waits now.
    assert tablet.get(f"/c/{card}").status_code == 429


def test_paper_assisted_and_poster_votes_count_once_and_are_shown_apart(
    client, planner_client, database
):
    ws_id, code, (a, b) = _voting(database, planner_client.planner)
    base = f"/console/workshops/{ws_id}"
    tablet = TestClient(client.app)
    join(tablet, code, group="老年居民")
    assert (
        tablet.post(
            f"/w/{code}/proposals/{a}/support", data={"support": "true"}, headers=HX
        ).status_code
        == 200
    )
    paper = {"source": "paper", "group": "商户", "proposal": [a, b], "value": ["1", "1"]}
    assert planner_client.post(f"{base}/ballots", data=paper, headers=HX).status_code == 204
    helped = {"source": "assisted", "group": "老年居民", "proposal": [a, b], "value": ["", "1"]}
    assert planner_client.post(f"{base}/ballots", data=helped, headers=HX).status_code == 204
    poster = {"group": "青少年", "proposal": [a, b], "dots": ["2", "0"]}
    assert planner_client.post(f"{base}/poster", data=poster, headers=HX).status_code == 204
    # a: tablet 1 + paper 1 + poster 2 = 4; b: paper 1 + assisted 1 = 2; 5 voters in all.
    results = text_of(planner_client.get(f"{base}/voting/_results").text)
    assert "平板 1 · 纸质选票 3 · 协助投票 1" in results
    with database.unit_of_work(write=False) as s:
        from workshop.proposals.service import tally
        from workshop.workshops.models import Workshop

        rows, voters = tally(db=s, workshop=s.get(Workshop, ws_id))
        by_id = {r.proposal_id: r for r in rows}
        assert voters == 5
        assert (by_id[a].supporters, by_id[a].by_source) == (
            4,
            {"tablet": 1, "paper": 3, "assisted": 0},
        )
        assert (by_id[b].supporters, by_id[b].by_source) == (
            2,
            {"tablet": 0, "paper": 1, "assisted": 1},
        )
        sources = s.execute(select(VoteChange.source, VoteChange.planner_id)).all()
        assert sorted(src for src, _ in sources) == [
            "assisted",
            "paper",
            "paper",
            "paper",
            "paper",
            "tablet",
        ]
        assert {p for src, p in sources if src != "tablet"} == {planner_client.planner.id}
        assert s.scalar(select(Vote.source).where(Vote.proposal_id == b, Vote.source == "assisted"))
    # Agree/disagree rounds have no poster.
    planner_client.post(f"{base}/rounds/close")
    planner_client.post(f"{base}/rounds", data={"method": "agree"})
    r = planner_client.post(f"{base}/poster", data=poster, headers=HX)
    assert r.status_code == 422 and "海报贴点" in r.text


def test_population_and_the_live_representativeness_panel(client, planner_client, database):
    ws_id, code, (a, _b) = _voting(database, planner_client.planner)
    base = f"/console/workshops/{ws_id}"
    assert "尚未填写人口数" in planner_client.get(f"{base}/ballots/_panel").text
    with database.unit_of_work(write=False) as s:
        from workshop.workshops.models import Workshop

        groups = s.get(Workshop, ws_id).resident_groups
    counts = {"老年居民": "400", "中青年居民": "600"}
    form = {"group": groups, "count": [counts.get(g, "0") for g in groups], "margin_pct": "10"}
    r = planner_client.post(f"{base}/population", data=form, follow_redirects=False)
    assert r.status_code == 303
    for group in ("中青年居民", "中青年居民", "中青年居民", "老年居民"):
        join(TestClient(client.app), code, group=group)
    # 老年 25 % of the room vs 40 % of the population: 15 points below → flagged.
    panel = planner_client.get(f"{base}/ballots/_panel").text
    row = panel.split('data-group="老年居民"')[1].split("</tr>")[0]
    assert "40.0%" in row and "25.0%" in row and "-15" in row and "代表性不足" in row
    row = panel.split('data-group="中青年居民"')[1].split("</tr>")[0]
    assert "75.0%" in row and "+15" in row and "代表性不足" not in row
    # The verdicts in the console results carry the caveat.
    tablet = TestClient(client.app)
    join(tablet, code, group="中青年居民")
    tablet.post(f"/w/{code}/proposals/{a}/support", data={"support": "true"}, headers=HX)
    results = planner_client.get(f"{base}/voting/_results").text
    assert "本结论所依据的到场人员中，老年居民代表性不足" in results
    r = planner_client.post(f"{base}/population", data=form | {"margin_pct": "150"}, headers=HX)
    assert r.status_code == 422


def test_assisted_vote_for_a_card_holder_goes_to_the_cards_participant(
    client, planner_client, database
):
    ws_id, code, (a, b) = _voting(database, planner_client.planner)
    base = f"/console/workshops/{ws_id}"
    planner_client.post(f"{base}/cards", data={"count": "2", "group": "老年居民"})
    with database.unit_of_work(write=False) as s:
        used, fresh = s.scalars(select(BallotCard.code).order_by(BallotCard.number)).all()
    tablet = TestClient(client.app)
    tablet.post(f"/c/{used}", data={"consent": "true"})
    tablet.post(f"/w/{code}/proposals/{a}/support", data={"support": "true"}, headers=HX)
    # The resident with the used card asks for help with b; a fresh card holder too.
    for card in (used, fresh.lower()):
        form = {"source": "assisted", "card": card, "proposal": [a, b], "value": ["", "1"]}
        assert planner_client.post(f"{base}/ballots", data=form, headers=HX).status_code == 204
    with database.unit_of_work(write=False) as s:
        cards = {c.code: c for c in s.scalars(select(BallotCard))}
        assert cards[fresh].status == "used"
        rows = s.execute(select(Vote.participant_id, Vote.proposal_id, Vote.source)).all()
        assert sorted(rows) == sorted(
            [
                (cards[used].participant_id, a, "tablet"),
                (cards[used].participant_id, b, "assisted"),
                (cards[fresh].participant_id, b, "assisted"),
            ]
        )
        assert s.scalar(select(func.count()).select_from(Participant)) == 2
    results = text_of(planner_client.get(f"{base}/voting/_results").text)
    # Two voters: the card holder (tablet + assisted → counted once, as assisted) and the new one.
    assert "2 人已投票" in results and "平板 0 · 纸质选票 0 · 协助投票 2" in results


def test_a_paper_ballot_is_corrected_with_an_audit_entry_not_silently(
    client, planner_client, database
):
    ws_id, code, (a, b) = _voting(database, planner_client.planner)
    base = f"/console/workshops/{ws_id}"
    form = {"source": "paper", "group": "商户", "proposal": [a, b], "value": ["1", ""]}
    planner_client.post(f"{base}/ballots", data=form, headers=HX)
    tablet = TestClient(client.app)
    join(tablet, code)
    with database.unit_of_work(write=False) as s:
        paper_id = s.scalar(select(Vote.participant_id).where(Vote.source == "paper"))
        tablet_id = s.scalar(select(func.max(Participant.id)))
    assert "更正已录入的选票" in planner_client.get(f"{base}/voting/_panel").text
    fix = {"participant": str(paper_id), "proposal": [a, b], "value": ["0", "1"]}
    assert planner_client.post(f"{base}/ballots/correct", data=fix, headers=HX).status_code == 204
    # A tablet participant's votes are theirs: no correction from the console.
    other = fix | {"participant": str(tablet_id)}
    r = planner_client.post(f"{base}/ballots/correct", data=other, headers=HX)
    assert r.status_code == 403 and "只能更正" in r.text
    with database.unit_of_work(write=False) as s:
        votes = s.execute(select(Vote.proposal_id, Vote.value, Vote.source)).all()
        assert sorted(votes) == [(a, 0, "paper"), (b, 1, "paper")]
        trail = s.execute(
            select(VoteChange.proposal_id, VoteChange.old_value, VoteChange.new_value)
            .where(VoteChange.participant_id == paper_id)
            .order_by(VoteChange.id)
        ).all()
        assert trail == [(a, None, 1), (a, 1, 0), (b, None, 1)]


def test_record_page_checks_the_chains_and_names_an_edited_vote(planner_client, database):
    from sqlalchemy import update

    from workshop.proposals import service
    from workshop.workshops.stages import advance_stage

    ws_id, _, (a, _b) = _voting(database, planner_client.planner)
    with database.unit_of_work() as s:
        from workshop.workshops.models import Workshop

        ws = s.get(Workshop, ws_id)
        for group in ("老年居民", "中青年居民"):
            service.record_ballot(
                db=s,
                workshop=ws,
                planner=s.merge(planner_client.planner),
                source="paper",
                group=group,
                values={a: 1},
            )
        while ws.stage != "closed":
            advance_stage(db=s, workshop=ws)
    page = planner_client.get(f"/console/workshops/{ws_id}/assessment")
    assert "立即校验：记录是否被改动" in text_of(page.text)
    ok = planner_client.get(f"/console/workshops/{ws_id}/verify", headers=HX)
    assert ok.status_code == 200
    assert "未发现改动：已核对 2 条投票变更记录和 0 个定稿版本。" in text_of(ok.text)
    with database.unit_of_work() as s:
        vote_id = s.scalars(select(Vote.id).order_by(Vote.id)).first()
        s.execute(update(Vote).where(Vote.id == vote_id).values(value=0))
    bad = text_of(planner_client.get(f"/console/workshops/{ws_id}/verify", headers=HX).text)
    assert "发现 1 处与哈希链不符" in bad
    assert f"投票 #{vote_id}：这张票与最后一条投票变更记录不一致" in bad
    english = planner_client.get(f"/console/workshops/{ws_id}/verify?lang=en", headers=HX)
    assert "this vote differs from its last audit entry" in text_of(english.text)


def test_another_planner_cannot_run_the_check(client, planner_client, database):
    from ..factories import make_planner

    ws_id, _, _ = _voting(database, planner_client.planner)
    with database.unit_of_work() as s:
        other = make_planner(s)
    client.cookies.clear()
    client.post("/login", data={"username": other.username, "password": "correct horse battery"})
    assert client.get(f"/console/workshops/{ws_id}/verify").status_code == 404
