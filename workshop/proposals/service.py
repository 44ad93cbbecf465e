"""Proposals and voting: the one import point for routes and other areas.

The work is split by concern: moderation.py here (proposals and their history); in
workshop.voting, rounds.py (opening and closing rounds), casting.py (votes, budgets,
audit), tally.py (results, decisions, verdicts), rules.py (a workshop's rules).
`tally`, `consensus_by_proposal` and `DEFAULT_RULES` keep the names the assessment
record reads.
"""

from __future__ import annotations

from workshop.proposals.moderation import (
    all_proposals,
    edit_proposal,
    history,
    linked_assets,
    merge_proposals,
    open_proposals,
    proposal_of,
    set_hidden,
    submit_proposal,
    withdraw_proposal,
)
from workshop.voting.casting import (
    CHOICES,
    cast_choice,
    cast_vote,
    change_dots,
    correct_ballot,
    dots_left,
    merge_targets,
    my_votes,
    record_ballot,
    set_support,
    supported_ids,
    vote_changes,
)
from workshop.voting.consensus import Rules
from workshop.voting.rounds import (
    close_round,
    current_round,
    open_round,
    rounds_of,
    set_results_hidden,
    start_round,
)
from workshop.voting.rules import WorkshopRules, rules_of, save_rules
from workshop.voting.tally import TallyRow, consensus_by_proposal, tally

# The defaults; a workshop's own rules come from rules_of(db=, workshop=).
DEFAULT_RULES = Rules()

__all__ = [
    "correct_ballot",
    "CHOICES",
    "DEFAULT_RULES",
    "TallyRow",
    "WorkshopRules",
    "all_proposals",
    "cast_choice",
    "cast_vote",
    "change_dots",
    "close_round",
    "consensus_by_proposal",
    "current_round",
    "dots_left",
    "edit_proposal",
    "history",
    "linked_assets",
    "merge_proposals",
    "merge_targets",
    "my_votes",
    "open_proposals",
    "open_round",
    "proposal_of",
    "record_ballot",
    "rounds_of",
    "rules_of",
    "save_rules",
    "set_hidden",
    "set_results_hidden",
    "set_support",
    "start_round",
    "submit_proposal",
    "supported_ids",
    "tally",
    "vote_changes",
    "withdraw_proposal",
]
