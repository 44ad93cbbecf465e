"""Tallies, decisions and consensus verdicts, computed from the vote rows of one round.

Merged duplicates fold into their target per participant, so nobody counts twice:
approval — a supporter of either is one supporter; dots — the sum, capped at k;
agree/disagree/pass — the participant's vote on the target itself, else their latest
vote on a merged duplicate. Hidden and withdrawn proposals are not shown or counted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workshop.proposals.models import Vote, VotingRound
from workshop.proposals.moderation import open_proposals
from workshop.voting.casting import merge_targets
from workshop.voting.consensus import (
    NO_GROUP,
    Assessment,
    Decision,
    GroupCounts,
    Rules,
    assess,
    competition_ranks,
    decide,
    method_score,
)
from workshop.voting.rounds import current_round
from workshop.voting.rules import WorkshopRules, rules_of
from workshop.workshops.models import Participant, Workshop


@dataclass(frozen=True)
class TallyRow:
    """One proposal's result in a round. `supporters`: approval supporters, dot givers,
    or those who agree; `support_share` = supporters ÷ voters in the round."""

    proposal_id: int
    title: str
    description: str
    supporters: int
    support_share: float
    rank: int
    method: str = "approval"
    dots: int = 0
    agree: int = 0
    disagree: int = 0
    passes: int = 0
    agreement: float | None = None
    decision: Decision | None = None
    assessment: Assessment | None = field(default=None, compare=False)
    # Voters counted for this proposal by how their vote came in (tablet/paper/assisted).
    by_source: dict[str, int] = field(default_factory=dict, compare=False)
    # Per resident group: the counts the verdict was computed from (exports print them).
    groups: tuple[GroupCounts, ...] = field(default=(), compare=False)

    @property
    def yes(self) -> int:
        return self.decision.yes if self.decision else self.supporters

    @property
    def no(self) -> int:
        return self.decision.no if self.decision else 0

    @property
    def abstain(self) -> int:
        return self.decision.abstain if self.decision else 0

    @property
    def passed(self) -> bool:
        return bool(self.decision and self.decision.passed)


@dataclass
class _Folded:
    value: int
    own: bool
    updated: datetime


SOURCES = ("tablet", "paper", "assisted")


def _folded_votes(
    db: Session,
    workshop: Workshop,
    voting_round: VotingRound,
    open_ids: set[int],
    sources: dict[tuple[int, int], str] | None = None,
) -> tuple[dict[tuple[int, int], int], dict[int, str]]:
    """Return {(target, participant): value} after folding merges, and each voter's group.

    `sources`, when given, is filled with {(target, participant): source of the vote}
    (a folded pair that mixes sources takes assisted over paper over tablet)."""
    targets = merge_targets(db=db, workshop=workshop)
    rows = db.execute(
        select(
            Vote.proposal_id,
            Vote.participant_id,
            Vote.value,
            Vote.updated_at,
            Participant.group,
            Vote.source,
        )
        .join(Participant, Participant.id == Vote.participant_id)
        .where(Vote.round_id == voting_round.id)
    ).all()
    method, k = voting_round.method, voting_round.dots_per_proposal
    folded: dict[tuple[int, int], _Folded] = {}
    groups: dict[int, str] = {}
    for pid, person, value, updated, group, source in rows:
        target = targets.get(pid, pid)
        if target not in open_ids:
            continue
        groups[person] = group
        key, own = (target, person), pid == target
        if sources is not None:
            sources[key] = max(sources.get(key, source), source, key=_source_rank)
        seen = folded.get(key)
        if method == "approval":
            value = max(int(value > 0), seen.value if seen else 0)
        elif method == "dots":
            value = min(k, value + (seen.value if seen else 0))
        elif seen is not None and (seen.own or (not own and seen.updated >= updated)):
            continue
        folded[key] = _Folded(value, own or bool(seen and seen.own), updated)
    return {key: f.value for key, f in folded.items()}, groups


def _source_rank(source: str) -> int:
    return SOURCES.index(source) if source in SOURCES else 0


def _count_sources(keys: list[tuple[int, int]], sources: dict[tuple[int, int], str]) -> dict:
    """Count voters by source; a voter whose votes mix sources counts under the strongest
    (assisted over paper over tablet), so each voter counts once."""
    per_person: dict[int, str] = {}
    for key in keys:
        person, source = key[1], sources.get(key, "tablet")
        per_person[person] = max(per_person.get(person, source), source, key=_source_rank)
    counts = dict.fromkeys(SOURCES, 0)
    for source in per_person.values():
        counts[source] = counts.get(source, 0) + 1
    return counts


def voters_by_source(
    *, db: Session, workshop: Workshop, voting_round: VotingRound | None = None
) -> dict[str, int]:
    """Return the round's voters by how they voted: {"tablet", "paper", "assisted"}."""
    voting_round = voting_round or current_round(db=db, workshop=workshop)
    if voting_round is None:
        return dict.fromkeys(SOURCES, 0)
    proposals = open_proposals(db=db, workshop=workshop)
    sources: dict[tuple[int, int], str] = {}
    votes, _ = _folded_votes(db, workshop, voting_round, {p.id for p in proposals}, sources)
    agree = voting_round.method == "agree"
    return _count_sources([k for k, v in votes.items() if agree or v > 0], sources)


def tally(
    *,
    db: Session,
    workshop: Workshop,
    voting_round: VotingRound | None = None,
    rules: WorkshopRules | None = None,
) -> tuple[list[TallyRow], int]:
    """Rank the open proposals in a round (default: the latest); return rows and voters.

    Voters: participants who supported or dotted anything (approval, dots) or cast any
    agree/disagree/pass vote. Ties share a rank (1, 2, 2, 4).
    """
    rules = rules or rules_of(db=db, workshop=workshop)
    voting_round = voting_round or current_round(db=db, workshop=workshop)
    proposals = open_proposals(db=db, workshop=workshop)
    method = voting_round.method if voting_round else "approval"
    votes: dict[tuple[int, int], int] = {}
    groups: dict[int, str] = {}
    sources: dict[tuple[int, int], str] = {}
    if voting_round is not None:
        open_ids = {p.id for p in proposals}
        votes, groups = _folded_votes(db, workshop, voting_round, open_ids, sources)
    if method == "agree":
        voter_ids = {person for _t, person in votes}
    else:
        voter_ids = {person for (_t, person), v in votes.items() if v > 0}
    voters = len(voter_ids)
    present = db.scalar(
        select(func.count()).select_from(Participant).where(Participant.workshop_id == workshop.id)
    )
    offered = offered_groups(workshop, groups.values())
    group_voters: dict[str, int] = dict.fromkeys(offered, 0)
    for person in voter_ids:
        group = groups[person] or NO_GROUP
        group_voters[group] = group_voters.get(group, 0) + 1
    by_target: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for (target, person), value in votes.items():
        by_target[target].append((person, value))

    unranked = []
    for p in proposals:
        mine = by_target.get(p.id, [])
        agree = sum(1 for _, v in mine if v > 0)
        disagree = sum(1 for _, v in mine if v < 0)
        passes = sum(1 for _, v in mine if v == 0) if method == "agree" else 0
        dots = sum(v for _, v in mine) if method == "dots" else 0
        counts = _group_counts(method, mine, groups, group_voters, offered)
        assessment = assess(counts, rules.consensus)
        if method == "agree":
            yes, no, abstain = agree, disagree, passes
        else:
            yes, no, abstain = agree, voters - agree, 0
        # The consensus agreement: agree ÷ everyone who voted on it, passes included.
        agreement = assessment.agreement
        unranked.append(
            TallyRow(
                p.id,
                p.title,
                p.description,
                supporters=agree,
                support_share=agree / voters if voters else 0.0,
                rank=0,
                method=method,
                dots=dots,
                agree=agree,
                disagree=disagree if method == "agree" else voters - agree,
                passes=passes,
                agreement=agreement,
                decision=decide(yes, no, abstain, present or 0, rules.decision),
                assessment=assessment,
                by_source=_count_sources(
                    [(p.id, person) for person, v in mine if method == "agree" or v > 0],
                    sources,
                ),
                groups=tuple(counts),
            )
        )

    def key(r: TallyRow) -> tuple:
        return method_score(method, dots=r.dots, supporters=r.supporters, agreement=r.agreement)

    ordered = sorted(unranked, key=lambda r: tuple(-x for x in key(r)) + (r.proposal_id,))
    ranks = competition_ranks([key(r) for r in ordered])
    rows = [_with_rank(r, rank) for r, rank in zip(ordered, ranks, strict=True)]
    return rows, voters


def _with_rank(row: TallyRow, rank: int) -> TallyRow:
    return replace(row, rank=rank)


def offered_groups(workshop: Workshop, chosen: Iterable[str | None] = ()) -> list[str]:
    """Every group the consensus numbers run over: the groups the workshop offers, then
    any other group a voter chose (a group removed from the offer after residents chose
    it stays). Never NO_GROUP: residents with no group are their own line."""
    names = [g for g in (workshop.resident_groups or []) if isinstance(g, str) and g]
    extra = sorted({g for g in chosen if isinstance(g, str) and g} - set(names))
    return list(dict.fromkeys(names)) + extra


def _group_counts(
    method: str,
    mine: list[tuple[int, int]],
    groups: dict[int, str],
    group_voters: dict[str, int],
    offered: list[str],
) -> list[GroupCounts]:
    """Per-group counts for one proposal: every offered group (zeros when silent), then
    residents with no group when any voted (docs/consensus.md: for approval and dots,
    agree is a supporter and n_g the group's voters in the round)."""
    agg: dict[str, list[int]] = {g: [0, 0, 0] for g in offered}
    if method == "agree":
        for person, v in mine:
            counts = agg.setdefault(groups[person] or NO_GROUP, [0, 0, 0])
            counts[0 if v > 0 else 1 if v < 0 else 2] += 1
    else:
        for g, n in group_voters.items():
            agg.setdefault(g, [0, 0, 0])[1] = n
        for person, v in mine:
            if v > 0:
                counts = agg[groups[person] or NO_GROUP]
                counts[0] += 1
                counts[1] -= 1
    lines = [GroupCounts(g, a, d, s) for g, (a, d, s) in agg.items() if g != NO_GROUP]
    if NO_GROUP in agg and any(agg[NO_GROUP]):
        lines.append(GroupCounts(NO_GROUP, *agg[NO_GROUP]))
    return lines


def consensus_by_proposal(
    *, db: Session, workshop: Workshop, rules: Rules | None = None
) -> dict[int, Assessment]:
    """Return the consensus assessment of each open proposal in the latest round."""
    stored = rules_of(db=db, workshop=workshop)
    if rules is not None:
        stored = WorkshopRules(
            consensus=rules,
            decision=stored.decision,
            method=stored.method,
            dots_total=stored.dots_total,
            dots_per_proposal=stored.dots_per_proposal,
        )
    rows, _ = tally(db=db, workshop=workshop, rules=stored)
    return {r.proposal_id: r.assessment for r in rows if r.assessment is not None}
