"""Correcting a workshop's details, and deleting a workshop that was only a rehearsal.

A finalised record is evidence in the planner's service log and carries its own frozen
copy of the details, so editing stays allowed (the next draft picks the change up) but a
workshop with a finalised record is never deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from workshop.assessments.models import AssessmentRecord
from workshop.assets.models import Asset
from workshop.bundle.service import BUNDLE_TABLES
from workshop.db import Base
from workshop.errors import Conflict, Invalid
from workshop.text import clean_line
from workshop.workshops.models import Participant, Workshop
from workshop.workshops.service import clean_title

MAX_GROUPS = 12


@dataclass
class WorkshopForm:
    title: str
    on: date
    place: str
    groups: list[str]


def update_workshop(*, db: Session, workshop: Workshop, form: WorkshopForm) -> Workshop:
    """Change title, date, place and resident groups; a group someone chose stays."""
    title = clean_title(form.title)
    groups = list(dict.fromkeys(clean_line(g)[:32] for g in form.groups if clean_line(g)))
    if not groups:
        raise Invalid("workshop.groups_required")
    if len(groups) > MAX_GROUPS:
        raise Invalid("workshop.too_many_groups", limit=MAX_GROUPS)
    in_use = set(
        db.scalars(
            select(Participant.group)
            .where(Participant.workshop_id == workshop.id, Participant.group != "")
            .distinct()
        )
    )
    dropped = sorted(in_use - set(groups))
    if dropped:
        raise Invalid("workshop.group_in_use", group="、".join(dropped))
    workshop.title, workshop.date = title, form.on
    workshop.place = clean_line(form.place)[:200]
    workshop.resident_groups = groups
    db.flush()
    return workshop


def deletable(*, db: Session, workshop: Workshop) -> bool:
    """True while no record version of the workshop is finalised."""
    stmt = (
        select(func.count())
        .select_from(AssessmentRecord)
        .where(
            AssessmentRecord.workshop_id == workshop.id,
            AssessmentRecord.finalised_at.is_not(None),
        )
    )
    return not db.scalar(stmt)


def remove_files(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def delete_workshop(
    *, db: Session, workshop: Workshop, confirm_title: str, photos_dir: Path | None = None
) -> list[Path]:
    """Delete a workshop and everything in it; return the photo files to remove after commit.

    Refused once a record version is finalised. The planner types the title to confirm.
    """
    if confirm_title.strip() != workshop.title.strip():
        raise Invalid("workshop.delete_confirm_mismatch")
    if not deletable(db=db, workshop=workshop):
        raise Conflict("workshop.delete_finalised")
    photos = [
        photos_dir / name
        for name in db.scalars(
            select(Asset.photo).where(Asset.workshop_id == workshop.id, Asset.photo.is_not(None))
        )
        if photos_dir is not None and name
    ]
    # The workshop's own tables, parents first: the bundle's list, without the shared rows.
    owned = [(n, sel) for n, sel in BUNDLE_TABLES if n not in ("community", "planner", "workshop")]
    selectors = dict(BUNDLE_TABLES)
    tables = Base.metadata.tables
    ids: dict[str, set] = {"workshop": {workshop.id}}
    # Collect ids parents-first (children select by their parents' ids)...
    for name, selector in owned:
        table = tables[name]
        if "id" in table.c:
            ids[name] = set(db.scalars(select(table.c.id).where(selector(table, workshop.id, ids))))
    # ...let go of rows outside the workshop that point into it (a hand-made service-log
    # entry citing it as evidence): cleared when optional, else deleted...
    for table in tables.values():
        if table.name in selectors:
            continue
        for column in table.c:
            for fk in column.foreign_keys:
                gone = ids.get(fk.column.table.name)
                if not gone:
                    continue
                where = column.in_(gone)
                if column.nullable:
                    db.execute(update(table).where(where).values({column.name: None}))
                else:
                    db.execute(delete(table).where(where))
    # ...then delete children before parents.
    for name, selector in reversed(owned):
        table = tables[name]
        db.execute(delete(table).where(selector(table, workshop.id, ids)))
    db.delete(workshop)
    db.flush()
    return photos
