"""Voting (居民议事的表决): casting votes and dot budgets with their audit entries
(`casting`), opening and closing rounds (`rounds`), results and decisions (`tally`), the
group-aware consensus verdict (`consensus`) and a workshop's decision rules (`rules`).

Proposals themselves (submitting, moderating, merging) are in workshop.proposals, as are
the Vote, VotingRound and VoteChange tables (workshop.proposals.models); the hash chain
a vote change is written into is workshop.audit.chain.
"""
