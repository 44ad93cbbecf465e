"""Proposals and voting through HTTP: tablets, console moderation and rounds, projector."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from workshop.proposals.models import ModerationEvent, Proposal, Vote, VotingRound, VotingRules
from workshop.voting.rules import rules_of
from workshop.workshops.models import Workshop

from ..factories import make_workshop
from ..web.helpers import ancestor_ids, join, text_of

HX = {"HX-Request": "true"}


def _voting(database, planner, titles=("增设休息座椅", "步道照明", "儿童游乐角")):
    from workshop.proposals import service
    from workshop.workshops.stages import advance_stage

    with database.unit_of_work() as s:
        ws = make_workshop(s, stage="proposals", planner=s.merge(planner))
        ids = [
            service.submit_proposal(db=s, workshop=ws, participant=None, title=t).id for t in titles
        ]
        advance_stage(db=s, workshop=ws)
        return ws.id, ws.join_code, ids


def _start(planner_client, ws_id, **form):
    base = f"/console/workshops/{ws_id}"
    planner_client.post(f"{base}/rounds/close")
    r = planner_client.post(f"{base}/rounds", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text


def test_dot_voting_on_a_tablet_confirms_in_place_and_refuses_clearly(
    client, planner_client, database
):
    ws_id, code, (a, b, c) = _voting(database, planner_client.planner)
    _start(planner_client, ws_id, method="dots", dots_total="4", dots_per_proposal="2")
    tablet = TestClient(client.app)
    join(tablet, code)
    page = text_of(tablet.get(f"/w/{code}").text)
    assert "贴点投票" in page and "您还有 4 个点" in page and "每条建议最多 2 个点" in page

    r = tablet.post(f"/w/{code}/proposals/{a}/vote", data={"delta": "1"}, headers=HX)
    assert r.status_code == 200 and f'id="vote-{a}"' in r.text
    assert "已投 1 点" in r.text and "已保存" in r.text
    assert (
        'id="dots-left"' in r.text and 'hx-swap-oob="true"' in r.text and "您还有 3 个点" in r.text
    )
    tablet.post(f"/w/{code}/proposals/{a}/vote", data={"delta": "1"}, headers=HX)
    r = tablet.post(f"/w/{code}/proposals/{a}/vote", data={"delta": "1"}, headers=HX)
    assert r.status_code == 409 and "一条建议最多只能投 2 个点" in r.text
    assert "已投 2 点" in r.text  # the control is still there, nothing lost
    for _ in range(2):
        tablet.post(f"/w/{code}/proposals/{b}/vote", data={"delta": "1"}, headers=HX)
    r = tablet.post(f"/w/{code}/proposals/{c}/vote", data={"delta": "1"}, headers=HX)
    assert r.status_code == 409 and "4 个点已经用完了" in r.text
    # JSON clients get the same refusal as {"detail", "code"}.
    r = tablet.post(
        f"/w/{code}/proposals/{c}/vote",
        data={"delta": "1"},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 409 and r.json()["code"] == "vote.budget_used"

    board = planner_client.get(f"/console/workshops/{ws_id}/projector/_board").text
    assert 'data-testid="pj-results"' in board and f'data-testid="dots-{a}">2<' in board
    assert "2 点" in text_of(board)

    planner_client.post(f"/console/workshops/{ws_id}/rounds/close")
    r = tablet.post(f"/w/{code}/proposals/{c}/vote", data={"delta": "-1"}, headers=HX)
    assert r.status_code == 403 and "本轮投票已经结束" in r.text
    with database.unit_of_work(write=False) as s:
        assert sorted(
            s.execute(select(Vote.proposal_id, Vote.value).where(Vote.round_id == 2))
        ) == [
            (a, 2),
            (b, 2),
        ]


def test_agree_disagree_pass_buttons(client, planner_client, database):
    ws_id, code, (a, *_rest) = _voting(database, planner_client.planner)
    _start(planner_client, ws_id, method="agree")
    tablet = TestClient(client.app)
    join(tablet, code)
    page = tablet.get(f"/w/{code}").text
    assert page.count('value="agree"') == 3 and "不同意" in page and "跳过" in page
    r = tablet.post(f"/w/{code}/proposals/{a}/vote", data={"choice": "disagree"}, headers=HX)
    assert r.status_code == 200 and 'aria-pressed="true"' in r.text
    assert r.text.index('aria-pressed="true"') > r.text.index('value="disagree"')
    r = tablet.post(f"/w/{code}/proposals/{a}/vote", data={"choice": "maybe"}, headers=HX)
    assert r.status_code == 422
    with database.unit_of_work(write=False) as s:
        assert s.scalars(select(Vote.value)).all() == [-1]


def test_choices_in_an_approval_round_support_or_withdraw(client, planner_client, database):
    # The vote route reads the round once, inside the vote's transaction: agree supports,
    # disagree and pass withdraw (never -1 in an approval round).
    ws_id, code, (a, b, _c) = _voting(database, planner_client.planner)
    tablet = TestClient(client.app)
    join(tablet, code)
    for pid, choice in ((a, "agree"), (b, "agree"), (b, "disagree")):
        r = tablet.post(f"/w/{code}/proposals/{pid}/vote", data={"choice": choice}, headers=HX)
        assert r.status_code == 200, r.text
    with database.unit_of_work(write=False) as s:
        assert dict(s.execute(select(Vote.proposal_id, Vote.value)).all()) == {a: 1, b: 0}
    # A tablet whose cookie names this workshop but a wrong code: not found, nothing stored.
    r = tablet.post("/w/ZZZZZZ/proposals/1/vote", data={"choice": "agree"}, headers=HX)
    assert r.status_code == 404
    # A proposal id that does not exist: not found; the control's error is not a crash.
    r = tablet.post(f"/w/{code}/proposals/999999/support", data={"support": "true"})
    assert r.status_code == 404


def test_hidden_results_show_only_the_count_until_the_round_closes(
    client, planner_client, database
):
    ws_id, code, (a, *_rest) = _voting(database, planner_client.planner)
    _start(planner_client, ws_id, method="approval", results_hidden="true")
    tablet = TestClient(client.app)
    join(tablet, code)
    tablet.post(f"/w/{code}/proposals/{a}/support", data={"support": "true"}, headers=HX)
    board = planner_client.get(f"/console/workshops/{ws_id}/projector/_board").text
    assert "结果暂不公布" in board and "已有 1 人投票" in board
    assert "<svg" not in board and f"supporters-{a}" not in board
    planner_client.post(f"/console/workshops/{ws_id}/rounds/close")
    board = planner_client.get(f"/console/workshops/{ws_id}/projector/_board").text
    assert "结果暂不公布" not in board and f'data-testid="supporters-{a}">1<' in board


def test_console_moderates_and_the_history_shows_it(client, planner_client, database):
    ws_id, code, (a, b, c) = _voting(database, planner_client.planner)
    base = f"/console/workshops/{ws_id}"
    planner_client.post(f"{base}/proposals/{a}/edit", data={"title": "增设休息座椅（老茶馆）"})
    planner_client.post(f"{base}/proposals/{b}/hide", data={"hidden": "true"})
    planner_client.post(f"{base}/proposals/{c}/merge", data={"into": str(a)})
    r = planner_client.post(f"{base}/proposals/{a}/merge", data={"into": str(a)}, headers=HX)
    assert r.status_code == 422 and "不能把建议合并到它自己" in r.text
    panel = text_of(planner_client.get(f"{base}/voting/_panel").text)
    assert "已隐藏" in panel and "已合并到 #1" in panel.replace(f"#{a}", "#1")
    assert "修改记录 （3）" in panel or "修改记录（3）" in panel
    with database.unit_of_work(write=False) as s:
        assert [e.action for e in s.scalars(select(ModerationEvent))] == ["edit", "hide", "merge"]
        statuses = dict(s.execute(select(Proposal.id, Proposal.status)).all())
        assert statuses == {a: "open", b: "hidden", c: "merged"}
    tablet = TestClient(client.app)
    join(tablet, code)
    page = tablet.get(f"/w/{code}").text
    assert "增设休息座椅（老茶馆）" in page and "步道照明" not in page


def test_console_panel_and_rules_form(planner_client, database):
    ws_id, _code, _ids = _voting(database, planner_client.planner)
    base = f"/console/workshops/{ws_id}"
    console = planner_client.get(base).text
    assert f'hx-get="{base}/voting/_panel"' in console
    form = {
        "method": "dots",
        "dots_total": "6",
        "dots_per_proposal": "2",
        "basis": "present",
        "threshold": "2/3",
        "members": "50",
        "quorum_share": "50%",
        "agreement": "0.7",
        "group_floor": "1/2",
        "group_min_voters": "3",
        "quorum": "8",
    }
    assert planner_client.post(f"{base}/rules", data=form).status_code == 200
    bad = planner_client.post(f"{base}/rules", data=form | {"basis": "all"}, headers=HX)
    assert bad.status_code == 422 and "表决基数" in bad.text
    with database.unit_of_work(write=False) as s:
        stored = s.get(VotingRules, ws_id).rules
        assert stored["decision"]["basis"] == "present" and stored["dots_total"] == 6
        assert stored["consensus"]["quorum"] == 8
    panel = planner_client.get(f"{base}/voting/_panel").text
    assert 'name="members" min="0" value="50"' in panel
    assert 'name="threshold" maxlength="32" required value="2/3"' in panel
    assert 'name="agreement" maxlength="32" required value="7/10"' in panel


def test_saving_the_rules_form_as_shown_leaves_the_rules_unchanged(planner_client, database):
    """The issue: the form showed 66.67 and stored 0.6667, so 2/3 drifted on every save."""
    ws_id, _code, _ids = _voting(database, planner_client.planner)
    base = f"/console/workshops/{ws_id}"
    with database.unit_of_work(write=False) as s:
        ws = s.get(Workshop, ws_id)
        before = rules_of(db=s, workshop=ws)
    assert before.consensus.agreement_threshold == Fraction(2, 3)
    for _ in range(3):
        panel = planner_client.get(f"{base}/voting/_panel").text
        rules_form = panel[panel.index(f'action="{base}/rules"') :]
        rules_form = rules_form[: rules_form.index("</form>")]
        shown = dict(re.findall(r'name="(\w+)"[^>]*? value="([^"]*)"', rules_form))
        shown.update(re.findall(r'<select name="(\w+)">.*?value="(\w+)" selected', rules_form))
        assert shown["agreement"] == "2/3"
        shown.pop("csrf_token", None)
        assert planner_client.post(f"{base}/rules", data=shown).status_code == 200
    with database.unit_of_work(write=False) as s:
        ws = s.get(Workshop, ws_id)
        assert rules_of(db=s, workshop=ws) == before
        stored = s.get(VotingRules, ws_id).rules
    assert stored["consensus"]["agreement_threshold"] == "2/3"
    assert stored["decision"]["threshold"] == "1/2"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("agreement", "abc", "比例请填写分数"),
        ("threshold", "3/2", "比例请填写分数"),
        ("group_floor", "0", "比例请填写分数"),
        ("agreement", "2/5", "共识所需的赞成比例不能低于 1/2"),
    ],
)
def test_bad_shares_in_the_rules_form_are_refused(planner_client, database, field, value, message):
    ws_id, _code, _ids = _voting(database, planner_client.planner)
    form = {
        "method": "approval",
        "dots_total": "5",
        "dots_per_proposal": "3",
        "basis": "cast",
        "threshold": "1/2",
        "members": "0",
        "quorum_share": "1/2",
        "agreement": "2/3",
        "group_floor": "1/2",
        "group_min_voters": "3",
        "quorum": "5",
    }
    r = planner_client.post(
        f"/console/workshops/{ws_id}/rules", data=form | {field: value}, headers=HX
    )
    assert r.status_code == 422 and message in r.text
    with database.unit_of_work(write=False) as s:
        assert s.get(VotingRules, ws_id) is None


def test_author_withdraws_from_the_tablet(client, planner_client, database):
    with database.unit_of_work() as s:
        ws = make_workshop(s, stage="proposals", planner=s.merge(planner_client.planner))
        code = ws.join_code
    tablet = TestClient(client.app)
    join(tablet, code)
    tablet.post(f"/w/{code}/proposals", data={"title": "路灯"}, headers=HX)
    with database.unit_of_work(write=False) as s:
        pid = s.scalars(select(Proposal.id)).one()
    assert "撤回我的建议" in tablet.get(f"/w/{code}").text
    r = tablet.post(f"/w/{code}/proposals/{pid}/withdraw", headers=HX)
    assert r.status_code == 200 and "路灯" not in r.text
    other = TestClient(client.app)
    join(other, code)
    refused = other.post(f"/w/{code}/proposals/{pid}/withdraw", headers=HX)
    assert refused.status_code == 403 and "只有提出人可以撤回" in refused.text


def test_next_person_is_one_screen_of_group_buttons(client, planner_client, database):
    _ws_id, code, _ids = _voting(database, planner_client.planner)
    tablet = TestClient(client.app)
    join(tablet, code, nickname="王阿姨")
    r = tablet.post(f"/w/{code}/next-person", follow_redirects=False)
    assert r.headers["location"] == f"/j/{code}/next"
    page = tablet.get(f"/j/{code}/next").text
    assert "以“老年居民”身份加入" in page and "<input name" not in page
    r = tablet.post(f"/j/{code}", data={"group": "商户", "consent": "true"}, follow_redirects=False)
    assert r.status_code == 303
    with database.unit_of_work(write=False) as s:
        from workshop.workshops.models import Participant

        people = s.execute(select(Participant.nickname, Participant.group)).all()
        assert people == [("王阿姨", ""), ("", "商户")]


def test_a_new_round_needs_the_voting_stage_and_no_open_round(planner_client, database):
    ws_id, _code, _ids = _voting(database, planner_client.planner)
    r = planner_client.post(
        f"/console/workshops/{ws_id}/rounds", data={"method": "dots"}, headers=HX
    )
    assert r.status_code == 409 and "已有一轮投票正在进行" in r.text
    with database.unit_of_work(write=False) as s:
        assert s.scalars(select(VotingRound.method)).all() == ["approval"]


def test_paper_ballot_is_checked_like_a_tablet_and_audited(planner_client, database):
    from workshop.proposals.models import VoteChange
    from workshop.workshops.models import Participant

    ws_id, _code, (a, b, c) = _voting(database, planner_client.planner)
    _start(planner_client, ws_id, method="dots", dots_total="3", dots_per_proposal="2")
    base = f"/console/workshops/{ws_id}"
    panel = planner_client.get(f"{base}/voting/_panel").text
    assert "录入纸质选票" in panel and 'name="proposal"' in panel
    over = {"source": "paper", "group": "老年居民", "proposal": [a, b, c], "value": ["2", "2", ""]}
    r = planner_client.post(f"{base}/ballots", data=over, headers=HX)
    assert r.status_code == 409 and "3 个点已经用完了" in r.text
    ok = over | {"value": ["2", "1", "0"]}
    assert planner_client.post(f"{base}/ballots", data=ok, headers=HX).status_code == 204
    empty = over | {"value": ["0", "", "0"]}
    assert planner_client.post(f"{base}/ballots", data=empty, headers=HX).status_code == 422
    with database.unit_of_work(write=False) as s:
        # The refused ballots left nothing behind: one participant, two votes.
        people = s.scalars(select(Participant)).all()
        assert [(p.group, p.nickname) for p in people] == [("老年居民", "")]
        rows = s.execute(select(Vote.proposal_id, Vote.value, Vote.source)).all()
        assert sorted(rows) == [(a, 2, "paper"), (b, 1, "paper")]
        changes = s.scalars(select(VoteChange)).all()
        assert {(ch.source, ch.planner_id) for ch in changes} == {
            ("paper", planner_client.planner.id)
        }
    results = planner_client.get(f"{base}/voting/_results").text
    assert "纸质选票" in results and "投票修改记录 2 条" in results


def test_a_proposal_with_a_place_and_an_asset_from_the_tablet(client, planner_client, database):
    from workshop.assets.service import pin_asset

    from ..factories import demo_centre

    lon, lat = demo_centre()
    with database.unit_of_work() as s:
        ws = make_workshop(s, stage="mapping", planner=s.merge(planner_client.planner))
        tree = pin_asset(
            db=s,
            workshop=ws,
            participant=None,
            asset_class="ecological",
            name="黄葛古树",
            lon=lon,
            lat=lat,
        )
        from workshop.workshops.stages import advance_stage

        advance_stage(db=s, workshop=ws)
        code, tree_id = ws.join_code, tree.id
    tablet = TestClient(client.app)
    join(tablet, code)
    page = tablet.get(f"/w/{code}").text
    assert 'data-pick="true"' in page and 'name="asset"' in page and "黄葛古树" in page
    form = {"title": "古树下设座椅", "lon": str(lon), "lat": str(lat), "asset": str(tree_id)}
    assert tablet.post(f"/w/{code}/proposals", data=form, headers=HX).status_code == 201
    far = tablet.post(f"/w/{code}/proposals", data=form | {"lon": str(lon + 0.05)}, headers=HX)
    assert far.status_code == 422 and "社区范围外" in far.text
    listing = text_of(tablet.get(f"/w/{code}/proposals/_list").text)
    assert "古树下设座椅" in listing and "已标位置" in listing and "黄葛古树" in listing
    with database.unit_of_work(write=False) as s:
        stored = s.scalars(select(Proposal)).one()
        assert stored.location == {"type": "Point", "coordinates": [lon, lat]}


def test_the_edit_form_opens_outside_the_live_panel(planner_client, database):
    ws_id, _code, (a, *_rest) = _voting(database, planner_client.planner)
    base = f"/console/workshops/{ws_id}"
    console = planner_client.get(base).text
    # The form's box is on the page but not inside the panel that live events re-render.
    enclosing = ancestor_ids(console, "proposal-edit")
    assert enclosing is not None and "voting-panel" not in enclosing
    assert ancestor_ids(console, "voting-panel") is not None
    panel = planner_client.get(f"{base}/voting/_panel").text
    button = f'hx-get="{base}/proposals/{a}/_edit" hx-target="#proposal-edit"'
    assert button in panel and 'name="title"' not in panel
    form = planner_client.get(f"{base}/proposals/{a}/_edit").text
    assert 'value="增设休息座椅"' in form and f'hx-post="{base}/proposals/{a}/edit"' in form
