"""Tamper evidence: hash chains over the vote audit trail and finalised records.

Each vote change stores the hash of the workshop's previous change; each finalised
assessment version stores the hash of the workshop's previous finalised version. A hash
is sha256 over canonical JSON (sorted keys, no spaces, UTF-8).

The hashed payload names rows by what survives a bundle export and import: the `ref` of
the round, proposal and participant, the planner's username, and never an integer id
(an import renumbers ids). So the same checks run on this database, on a bundle file
(`verify_bundle_tables`) and on a workshop imported from a bundle.

The checks work on plain rows (dicts), loaded either from the database
(`ChainRows.from_db`) or from a bundle's tables (`ChainRows.from_bundle`):
- every change links to the one before and hashes to its stored hash;
- every vote row matches the last change the trail holds for it (an edit made straight
  in the database shows here);
- every finalised record version links and hashes the same way.

Writing the chains: workshop.audit.chain. The payloads (what is hashed):
workshop.audit.payloads. The checks: workshop.audit.checks.

Entries written before revision 0009 hashed the local ids ("version 1"); they still
verify in the database they were written in, not in a bundle.
"""
