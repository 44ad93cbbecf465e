from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field, create_model
from sqlalchemy.orm import Session

from workshop.accounts import registration
from workshop.accounts import service as accounts
from workshop.accounts.models import Planner
from workshop.accounts.service import DISCIPLINES
from workshop.communities import service as communities
from workshop.deps import CurrentPlanner, DbSession, RowId
from workshop.errors import NotFound
from workshop.i18n import label, t
from workshop.openapi import FORM, request_body
from workshop.service_log import exports, service, yearly
from workshop.service_log.points import TITLES, WORK_FUNCTIONS
from workshop.templating import go_to, render
from workshop.workshops.service import SATISFACTION_RATINGS

router = APIRouter(prefix="/console")

Text = Annotated[str, Form(max_length=1000)]


def _form_context(db: Session, planner: Planner, keep: int | None = None) -> dict:
    workshops = service.my_workshops(db=db, planner=planner)
    records = service.finalised_records_of(db=db, workshops=workshops)
    titles = {w.id: w.title for w in workshops}
    return {
        "communities": service.communities_to_log(
            db=db, planner=planner, workshops=workshops, keep=keep
        ),
        "functions": WORK_FUNCTIONS,
        "evidence": [(f"w:{w.id}", f"{w.date.isoformat()} {w.title}") for w in workshops]
        + [
            (f"a:{r.id}", f"{titles[r.workshop_id]} · {label('evidence', 'record')} v{r.version}")
            for r in records
        ],
        "today": date.today().isoformat(),
    }


@router.get("/service-log")
def service_log(
    request: Request, planner: CurrentPlanner, db: DbSession, year: int | None = None
) -> Response:
    entries = service.log_of(db=db, planner=planner, year=year)
    all_entries = entries if year is None else service.log_of(db=db, planner=planner)
    rules = yearly.rules_for(db=db, planner=planner)
    context = {
        "planner": planner,
        "entries": entries,
        "year": year,
        "years": sorted({e.date.year for e in all_entries} | {date.today().year}, reverse=True),
        "names": communities.community_names(db=db),
        "base_points": rules["base_points"],
        "rules_source": yearly.rules_source(db=db, planner=planner),
        "total_hours": sum(e.hours for e in entries),
        **_form_context(db, planner),
    }
    return render(request, "service_log/service_log.html", context)


def entry_form(
    community_id: Annotated[int, Form()],
    on: Annotated[str, Form(alias="date", max_length=10)],
    work_function: Annotated[str, Form(max_length=32)],
    hours: Annotated[str, Form(max_length=10)],
    summary: Text = "",
    evidence: Annotated[str, Form(max_length=20)] = "",
    special_points: Annotated[str, Form(max_length=10)] = "",
    media_coverage: Text = "",
) -> service.EntryForm:
    """The service-log entry form, as posted by the add and edit pages."""
    return service.EntryForm(
        on=on,
        community_id=community_id,
        work_function=work_function,
        hours=hours,
        summary=summary,
        evidence=evidence,
        special_points=special_points,
        media_coverage=media_coverage,
    )


EntryInput = Annotated[service.EntryForm, Depends(entry_form)]


@router.post("/service-log")
def add_entry(
    request: Request, planner: CurrentPlanner, db: DbSession, form: EntryInput
) -> Response:
    service.add_entry(db=db, planner=planner, form=form)
    return go_to(request, "/console/service-log")


@router.get("/service-log/{entry_id}/edit")
def edit_entry_page(
    request: Request, entry_id: int, planner: CurrentPlanner, db: DbSession
) -> Response:
    entry = service.entry_of(db=db, planner=planner, entry_id=entry_id)
    context = {"planner": planner, "entry": entry, **_form_context(db, planner, entry.community_id)}
    return render(request, "service_log/edit.html", context)


@router.post("/service-log/{entry_id}")
def update_entry(
    request: Request, entry_id: RowId, planner: CurrentPlanner, db: DbSession, form: EntryInput
) -> Response:
    service.update_entry(db=db, planner=planner, entry_id=entry_id, form=form)
    return go_to(request, "/console/service-log")


@router.post("/service-log/{entry_id}/delete")
def delete_entry(
    request: Request, entry_id: int, planner: CurrentPlanner, db: DbSession
) -> Response:
    service.delete_entry(db=db, planner=planner, entry_id=entry_id)
    return go_to(request, "/console/service-log")


def _download(body: bytes, media_type: str, name: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/service-log.{ext}")
def export_log(
    ext: str, planner: CurrentPlanner, db: DbSession, year: int | None = None
) -> Response:
    entries = service.log_of(db=db, planner=planner, year=year)
    header, rows = exports.log_table(db=db, planner=planner, entries=entries)
    name = f"service-log-{year or 'all'}.{ext}"
    if ext == "csv":
        return _download(exports.to_csv(header, rows), CSV, name)
    if ext == "xlsx":
        return _download(exports.to_xlsx([(t("export.log_sheet"), header, rows)]), XLSX, name)
    raise NotFound("log.not_found")


@router.get("/points.{ext}")
def export_points(
    ext: str, planner: CurrentPlanner, db: DbSession, year: int | None = None
) -> Response:
    year = year or date.today().year
    summary = yearly.year_summary(db=db, planner=planner, year=year)
    header, rows = exports.breakdown_table(summary.breakdown)
    name = f"service-points-{year}.{ext}"
    if ext == "csv":
        return _download(exports.to_csv(header, rows), CSV, name)
    if ext == "xlsx":
        log_header, log_rows = exports.log_table(db=db, planner=planner, entries=summary.entries)
        sheets = [
            (t("export.points_sheet"), header, rows),
            (t("export.log_sheet"), log_header, log_rows),
        ]
        return _download(exports.to_xlsx(sheets), XLSX, name)
    raise NotFound("log.not_found")


@router.get("/points")
def points(
    request: Request, planner: CurrentPlanner, db: DbSession, year: int | None = None
) -> Response:
    year = year or date.today().year
    summary = yearly.year_summary(db=db, planner=planner, year=year)
    org = accounts.is_org_admin(db, planner)
    context = {
        "planner": planner,
        "year": year,
        "s": summary,
        "b": summary.breakdown,
        "rules": summary.breakdown.rules,
        "rules_source": yearly.rules_source(db=db, planner=planner),
        "functions": WORK_FUNCTIONS,
        "titles": TITLES,
        "disciplines": DISCIPLINES,
        "floor": min(
            (band[0] for band in summary.breakdown.rules["satisfaction_bands"]), default=0
        ),
        "org_admin": org,
        "join_requests": registration.join_requests(db, org) if org is not None else [],
        "invitations": accounts.open_invitations(db=db, planner=planner),
    }
    return render(request, "service_log/points.html", context)


def _rules_form() -> type[BaseModel]:
    """The rules form's flat fields (yearly.parse_rules reads them), for the schema."""
    names = [
        *(f"base_points.{wf}" for wf in WORK_FUNCTIONS),
        *(f"capability.{title}" for title in TITLES),
        *(f"satisfied.{rating}" for rating in SATISFACTION_RATINGS),
        *(f"band{i}.{part}" for i in range(3) for part in ("lowest", "coefficient")),
        "no_ratings_coefficient",
        "cumulative_percent",
        "special_cap",
        "education_hours_per_star",
        *(f"star{level}" for level in range(1, 6)),
        "year",
    ]
    fields: dict[str, Any] = {
        name.replace(".", "__"): (str, Field("", max_length=50, alias=name)) for name in names
    }
    fields["scope"] = (Literal["planner", "organisation"], "planner")
    return create_model("PointsRulesForm", **fields)


RULES_BODY = request_body({FORM: _rules_form()})


async def form_values(request: Request) -> dict[str, str]:
    """The posted form as plain strings (the rules form has many flat fields)."""
    form = await request.form()
    return {k: v[:50] for k, v in form.items() if isinstance(v, str)}


@router.post("/points/rules", openapi_extra=RULES_BODY)
def save_rules(
    request: Request,
    planner: CurrentPlanner,
    db: DbSession,
    values: Annotated[dict[str, str], Depends(form_values)],
) -> Response:
    yearly.save_rules(db=db, planner=planner, scope=values.get("scope", "planner"), form=values)
    year = values.get("year", "")
    return go_to(request, "/console/points" + (f"?year={year}" if year.isdigit() else ""))


@router.post("/profile")
def update_profile(
    request: Request,
    planner: CurrentPlanner,
    db: DbSession,
    discipline: Annotated[str, Form(max_length=16)],
    title: Annotated[str, Form(max_length=16)],
    organisation: Annotated[str | None, Form(max_length=200)] = None,
) -> Response:
    accounts.update_profile(
        db=db, planner=planner, discipline=discipline, title=title, organisation=organisation
    )
    return go_to(request, "/console/points")


@router.post("/organisation/invite")
def invite_to_organisation(
    request: Request,
    planner: CurrentPlanner,
    db: DbSession,
    username: Annotated[str, Form(max_length=64)],
) -> Response:
    accounts.invite_to_organisation(db=db, admin=planner, username=username)
    return go_to(request, "/console/points#org-invite")


@router.post("/organisation/invitations/{invitation_id}/accept")
def accept_invitation(
    request: Request, invitation_id: RowId, planner: CurrentPlanner, db: DbSession
) -> Response:
    accounts.accept_invitation(db=db, planner=planner, invitation_id=invitation_id)
    return go_to(request, "/console/points")


@router.post("/points/rules/reset")
def reset_rules(request: Request, planner: CurrentPlanner, db: DbSession) -> Response:
    yearly.reset_rules(db=db, planner=planner)
    return go_to(request, "/console/points")
