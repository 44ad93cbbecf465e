"""A closed workshop with participants, assets (points, lines, areas), proposals, votes
and satisfaction, written straight into the database (fast enough for 2,000 assets)."""

from __future__ import annotations

import random

from shapely.geometry import shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import make_participant, make_workshop
from workshop.accounts.models import Planner
from workshop.assets.models import Asset, AssetSupport
from workshop.audit.chain import append_change
from workshop.proposals.models import Proposal, Vote, VotingRound
from workshop.workshops.models import SatisfactionResponse, Workshop
from workshop.workshops.stages import advance_stage

CLASSES = ("ecological", "cultural", "social", "human")
GROUPS = ("老年居民", "中青年居民", "商户", "")


def seed_workshop(
    db: Session,
    *,
    n_assets: int = 12,
    n_proposals: int = 4,
    n_participants: int = 8,
    seed: int = 3,
    planner: Planner | None = None,
) -> Workshop:
    rng = random.Random(seed)
    workshop = make_workshop(db, stage="satisfaction", planner=planner)
    boundary = shape(workshop.community.boundary)
    minx, miny, maxx, maxy = boundary.bounds
    centre = boundary.representative_point()
    dx, dy = (maxx - minx) / 8, (maxy - miny) / 8
    people = [
        make_participant(db, workshop, group=GROUPS[i % len(GROUPS)], nickname=f"居民{i}")
        for i in range(n_participants)
    ]

    def inside() -> tuple[float, float]:
        while True:
            x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if boundary.contains(shape({"type": "Point", "coordinates": [x, y]})):
                return round(x, 6), round(y, 6)

    assets = []
    for i in range(n_assets):
        kind = i % 10
        if kind < 8:
            geometry = {"type": "Point", "coordinates": list(inside())}
        elif kind == 8:
            x, y = centre.x, centre.y
            geometry = {"type": "LineString", "coordinates": [[x, y], [x + dx / 4, y + dy / 4]]}
        else:  # a clockwise square: exports must turn it counter-clockwise
            x, y = centre.x - dx / 4, centre.y - dy / 4
            s = dx / 8
            ring = [[x, y], [x, y + s], [x + s, y + s], [x + s, y], [x, y]]
            geometry = {"type": "Polygon", "coordinates": [ring]}
        assets.append(
            Asset(
                workshop_id=workshop.id,
                participant_id=people[i % len(people)].id,
                asset_class=CLASSES[i % 4],
                name=f"资产{i + 1}号" if i else '=HYPERLINK("http://x")',
                description="居民标注",
                geometry=geometry,
            )
        )
    db.add_all(assets)
    db.flush()
    if assets:
        db.add(AssetSupport(asset_id=assets[0].id, participant_id=people[-1].id))
    proposals = [
        Proposal(
            workshop_id=workshop.id,
            participant_id=people[i % len(people)].id,
            title=f"提案{i + 1}：改善楼道照明",
            description="居民提出",
            location={"type": "Point", "coordinates": list(inside())} if i % 2 == 0 else None,
        )
        for i in range(n_proposals)
    ]
    db.add_all(proposals)
    db.flush()
    voting_round = db.scalar(
        select(VotingRound).where(VotingRound.workshop_id == workshop.id).limit(1)
    )
    if voting_round is None:
        voting_round = VotingRound(workshop_id=workshop.id, method="approval", status="closed")
        db.add(voting_round)
        db.flush()
    for j, p in enumerate(proposals):
        for k, person in enumerate(people):
            value, source = 1 if (j + k) % 3 else 0, "paper" if k % 4 == 0 else "tablet"
            db.add(
                Vote(
                    round_id=voting_round.id,
                    proposal_id=p.id,
                    participant_id=person.id,
                    value=value,
                    source=source,
                )
            )
            # Each vote with its audit entry, as the vote path writes them (bundles verify).
            append_change(
                db,
                workshop.id,
                round_id=voting_round.id,
                proposal_id=p.id,
                participant_id=person.id,
                old_value=None,
                new_value=value,
                source=source,
            )
    db.add_all(
        SatisfactionResponse(
            workshop_id=workshop.id,
            participant_id=person.id,
            rating=("satisfied", "basic", "unsatisfied")[k % 3],
            comment="",
        )
        for k, person in enumerate(people)
    )
    db.flush()
    advance_stage(db=db, workshop=workshop)  # closed: writes the assessment record
    db.flush()
    return workshop
