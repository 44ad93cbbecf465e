from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from workshop.db import Base, UTCDateTime, utcnow

# An account's role on a city instance (a laptop has planners only):
# - "planner": a member of a 三师 team; leads workshops in a community under an agreement
#   (or co-facilitates one by the lead's invitation);
# - "street_office": a user of a street office (街道办), which holds one or more communities;
# - "city_admin": the city department (市级管理部门): accounts, street offices, agreements.
# An organisation's administrator is a planner named by Organisation.admin_id, not a role.
ROLES = ("planner", "street_office", "city_admin")


class Planner(Base):
    """An account: a member of a "三师" team (planner, architect or engineer), a street
    office user or a city administrator (`role`), with a login."""

    __tablename__ = "planner"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(64))
    discipline: Mapped[str] = mapped_column(String(16), default="planner")
    title: Mapped[str] = mapped_column(String(16), default="intermediate")
    # The organisation's name as shown; membership is organisation_id (set by invitation).
    organisation: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    role: Mapped[str] = mapped_column(String(16), default="planner", server_default="planner")
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    street_office_id: Mapped[int | None] = mapped_column(ForeignKey("street_office.id"))
    # Set by a city administrator (or for an imported planner not yet claimed): no login.
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Organisation(Base):
    """A planning institute or firm; its administrator alone sets organisation-wide rules."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    admin_id: Mapped[int | None] = mapped_column(
        ForeignKey("planner.id", use_alter=True, name="fk_organisation_admin_id_planner")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Invitation(Base):
    """An invitation to join an organisation, or to claim an account a bundle brought in.

    kind "organisation": the organisation's administrator invited planner_id; the planner
    accepts on the profile page. kind "account": a bundle named a planner unknown here; the
    disabled placeholder account planner_id is claimed with the token (stored hashed).
    kind "alias": a bundle's planner was given to planner_id (the importer). For "account"
    and "alias", workshop_id and named_as keep the username the bundle's hash chains name,
    so `workshop verify` checks the imported workshop as it was written.
    """

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    planner_id: Mapped[int] = mapped_column(ForeignKey("planner.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    # The username the bundle gave (kind "account"): shown to whoever hands it over.
    named_as: Mapped[str] = mapped_column(String(64), default="")
    workshop_id: Mapped[int | None] = mapped_column(ForeignKey("workshop.id"))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("planner.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A claim link (kind "account") stops working then; a new link replaces the old hash.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# An application's decision: pending until a city administrator admits (入库) or rejects it.
DECISIONS = ("pending", "approved", "rejected")


class Application(Base):
    """A planner's registration (注册申请): the account waits, disabled, until a city
    administrator reviews it into the expert pool (审核入库) or rejects it with a reason.
    Accounts without an application (made by the CLI, an administrator, migrated) were
    never reviewed this way and count as admitted."""

    __tablename__ = "planner_application"

    id: Mapped[int] = mapped_column(primary_key=True)
    planner_id: Mapped[int] = mapped_column(ForeignKey("planner.id"), unique=True)
    # The organisation record the applicant chose (a request: joined on approval).
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    phone: Mapped[str] = mapped_column(String(32), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    statement: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decision: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("planner.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(String(500), default="")


class LoginSession(Base):
    """A server-side login session: the cookie carries a random token, the table its hash.
    Ended by logout, a password change or an administrator's disable; expires when idle."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    planner_id: Mapped[int] = mapped_column(ForeignKey("planner.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(64), default="")


class LoginFailure(Base):
    """A failed login (or a wrong join code), kept for the limiter's window so every worker
    (and a restarted server) counts the same failures. The key is a hash of what is limited
    (an account, a client address, a join-code client)."""

    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
