"""The finished demo meeting: a closed workshop of the demo community, replayed from
maps/demo/meeting.json through the same domain services a real meeting uses.

Residents join, map assets (points, a line, an area) and +1 them, submit proposals
linked to assets and places; the approval round gets tablet votes (one resident changes
their mind), paper and assisted ballots entered by the planner; residents rate the
meeting; the planner enters the population by group, closes the workshop, writes the
findings and finalises the assessment record. Votes and the record are hash-chained as
in a real meeting, so `workshop verify` checks them.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from workshop.accounts.models import Planner
from workshop.assessments import versions
from workshop.assets.service import AssetFields, add_asset, support_asset
from workshop.communities.models import Community
from workshop.config import MAPS_DIR
from workshop.db import utcnow
from workshop.proposals.service import cast_vote, record_ballot, submit_proposal
from workshop.workshops.models import Participant, Workshop
from workshop.workshops.representativeness import set_population
from workshop.workshops.service import create_workshop, join, rate_service
from workshop.workshops.stages import advance_stage

MEETING_FILE = MAPS_DIR / "demo" / "meeting.json"


def meeting_data() -> dict:
    return json.loads(MEETING_FILE.read_text(encoding="utf-8"))


def finished_meeting(db: Session, community: Community) -> Workshop | None:
    """The demo community's finished meeting, if it was loaded already."""
    title = meeting_data()["title"]
    return db.scalar(
        select(Workshop).where(Workshop.community_id == community.id, Workshop.title == title)
    )


def load_finished_meeting(
    db: Session, *, planner: Planner, community: Community, today: date | None = None
) -> Workshop:
    """Create the finished demo meeting once; a second call returns the existing one."""
    existing = finished_meeting(db, community)
    if existing is not None:
        return existing
    data = meeting_data()
    on = (today or date.today()) - timedelta(days=data["days_ago"])
    ws = create_workshop(
        db=db,
        planner=planner,
        community_id=community.id,
        title=data["title"],
        on=on,
        place=data["place"],
        groups=data["groups"],
    )
    people: dict[str, Participant] = {
        p["key"]: join(db=db, workshop=ws, nickname=p["nickname"], group=p["group"], consent=True)
        for p in data["participants"]
    }
    set_population(db=db, workshop=ws, counts=data["population"])

    advance_stage(db=db, workshop=ws)  # → mapping
    assets = {}
    for a in data["assets"]:
        fields = AssetFields(
            asset_class=a["class"],
            subtype=a["subtype"],
            name=a["name"],
            description=a["description"],
            geometry=a["geometry"],
        )
        by = people[a["by"]] if a["by"] else None
        assets[a["key"]] = add_asset(db=db, workshop=ws, participant=by, fields=fields).asset
    for key, supporters in data["asset_supports"].items():
        for who in supporters:
            support_asset(db=db, workshop=ws, participant=people[who], asset_id=assets[key].id)

    advance_stage(db=db, workshop=ws)  # → proposals
    proposals = {}
    for p in data["proposals"]:
        lon, lat = p["at"] if p["at"] else (None, None)
        proposals[p["key"]] = submit_proposal(
            db=db,
            workshop=ws,
            participant=people[p["by"]],
            title=p["title"],
            description=p["description"],
            lon=lon,
            lat=lat,
            asset_ids=[assets[k].id for k in p["assets"]],
        )

    advance_stage(db=db, workshop=ws)  # → voting: the approval round opens
    for who, keys in data["tablet_votes"].items():
        for key in keys:
            cast_vote(db=db, workshop=ws, participant=people[who], proposal_id=proposals[key].id,
                      value=1)  # fmt: skip
    for who, keys in data["changed_minds"].items():  # support given, then withdrawn
        for key in keys:
            pid = proposals[key].id
            cast_vote(db=db, workshop=ws, participant=people[who], proposal_id=pid, value=1)
            cast_vote(db=db, workshop=ws, participant=people[who], proposal_id=pid, value=0)
    for ballot in data["ballots"]:
        record_ballot(
            db=db,
            workshop=ws,
            planner=planner,
            source=ballot["source"],
            group=ballot["group"],
            values={proposals[k].id: 1 for k in ballot["votes"]},
        )

    advance_stage(db=db, workshop=ws)  # → satisfaction: the round closes
    for who, (rating, comment) in data["satisfaction"].items():
        rate_service(db=db, workshop=ws, participant=people[who], rating=rating, comment=comment)

    advance_stage(db=db, workshop=ws)  # → closed: the first draft of the record
    # The meeting took place `days_ago` days back: give it that afternoon's clock times,
    # then recompute the draft (as the planner's 重新计算 does) so its duration is right.
    start = datetime.combine(on, time.fromisoformat(data["start_utc"]), tzinfo=utcnow().tzinfo)
    ws.opened_at, ws.closed_at = start, start + timedelta(minutes=data["minutes"])
    # The agenda's times: the stages share the afternoon in these proportions.
    shares = {"mapping": 0.35, "proposals": 0.25, "voting": 0.25, "satisfaction": 0.15}
    log, at = [], start
    for stage, share in shares.items():
        log.append({"stage": stage, "at": at.isoformat(timespec="seconds")})
        at += timedelta(minutes=round(data["minutes"] * share))
    log.append({"stage": "closed", "at": ws.closed_at.isoformat(timespec="seconds")})
    ws.stage_log = log
    db.flush()
    versions.regenerate(db=db, workshop=ws, planner=planner)
    record = data["record"]
    versions.edit_record(
        db=db,
        workshop=ws,
        planner=planner,
        findings=record["findings"],
        recommendations=record["recommendations"],
        goals=record["goals"],
        place=data["place"],
    )
    versions.finalise(db=db, workshop=ws, planner=planner)
    return ws


# One account of each city role, so every screen can be seen (issue 15). Fictional.
DEMO_OFFICE = "示例街道办事处（虚构）"
DEMO_OFFICE_USER, DEMO_OFFICE_PASSWORD = "street", "demo-street"
DEMO_ADMIN, DEMO_ADMIN_PASSWORD = "admin", "demo-admin"
# An application awaiting the city administrator's review, so /console/admin shows one.
DEMO_APPLICANT, DEMO_APPLICANT_PASSWORD = "applicant", "demo-applicant"


def load_city_roles(db: Session, *, planner: Planner, community: Community) -> None:
    """A street office holding the community, its user, a city administrator, and the
    planner's three-year agreement (the planner also administers their organisation,
    made when the demo planner was created). Loading again changes nothing."""
    from workshop.accounts.service import create_planner
    from workshop.city import service as city
    from workshop.city.models import Agreement, StreetOffice

    office = db.scalar(select(StreetOffice).where(StreetOffice.name == DEMO_OFFICE))
    if office is None:
        office = city.create_street_office(
            db, by=None, name=DEMO_OFFICE, district=community.district
        )
    if community.street_office_id is None:
        city.assign_community(db, by=None, community=community, office=office)
    if db.scalar(select(Planner.id).where(Planner.username == DEMO_OFFICE_USER)) is None:
        user = create_planner(
            db=db, username=DEMO_OFFICE_USER, password=DEMO_OFFICE_PASSWORD, name="示例街道办"
        )
        user.role, user.street_office_id = "street_office", office.id
    if db.scalar(select(Planner.id).where(Planner.username == DEMO_ADMIN)) is None:
        admin = create_planner(
            db=db, username=DEMO_ADMIN, password=DEMO_ADMIN_PASSWORD, name="示例市级管理员"
        )
        admin.role = "city_admin"
    signed = select(Agreement.id).where(
        Agreement.planner_id == planner.id, Agreement.community_id == community.id
    )
    if db.scalar(signed) is None:
        start = date.today() - timedelta(days=365)
        city.sign_agreement(db, by=None, planner=planner, community=community, starts_on=start)
    if db.scalar(select(Planner.id).where(Planner.username == DEMO_APPLICANT)) is None:
        load_pending_application(db, organisation_id=planner.organisation_id)
    db.flush()


def load_pending_application(db: Session, *, organisation_id: int | None) -> None:
    """A fictional architect's registration, waiting for review (审核入库)."""
    from workshop.accounts.registration import ApplicationForm, apply

    form = ApplicationForm(
        username=DEMO_APPLICANT,
        name="李建安（虚构申请人）",
        password=DEMO_APPLICANT_PASSWORD,
        password_again=DEMO_APPLICANT_PASSWORD,
        discipline="architect",
        title="associate_senior",
        organisation_id=organisation_id or 0,
        statement="从事旧居住区改造设计八年，参与过两个社区的微更新议事。（示例数据）",
    )
    apply(db=db, form=form)
