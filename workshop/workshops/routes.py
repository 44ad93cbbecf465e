"""Console (planner) and tablet (resident) pages of a workshop."""

from __future__ import annotations

import io
from datetime import date
from typing import Annotated

import segno
from fastapi import APIRouter, BackgroundTasks, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from workshop.assets.classes import ASSET_CLASSES, subtypes_for
from workshop.assets.features import counts_by_class
from workshop.ballots.cards import looks_like_card
from workshop.city.service import leadable_communities, require_lead_in
from workshop.deps import (
    PARTICIPANT_COOKIE,
    CodeWorkshop,
    CurrentParticipant,
    CurrentPlanner,
    DbSession,
    ParticipantCookie,
    PlannerWorkshop,
    code_workshop,
    is_shared_tablet,
    mark_shared_tablet,
    optional_participant,
    photos_dir,
    run_tablet_write,
    set_participant_cookie,
    tablet_lookup,
)
from workshop.errors import Invalid, NotFound
from workshop.i18n import t
from workshop.inventory import service as inventory
from workshop.mapping.maps import allow_online_tiles, community_map, embed
from workshop.proposals import views as voting_views
from workshop.proposals.service import tally
from workshop.ratelimit import TooManyAttempts
from workshop.templating import go_to, partial_or_back, public_base, render
from workshop.text import CleanLine, check_date
from workshop.workshops import editing, privacy, service
from workshop.workshops.models import Participant, Workshop
from workshop.workshops.poster import Poster, poster_pdf
from workshop.workshops.service import normalise_code
from workshop.workshops.stages import advance_stage
from workshop.workshops.timeline import stage_since

console = APIRouter(prefix="/console")
tablet = APIRouter()


def join_url(request: Request, workshop: Workshop) -> str:
    return f"{public_base(request)}/j/{workshop.join_code}"


def _stats(db: DbSession, workshop: Workshop) -> dict:
    groups = service.participants_by_group(db=db, workshop=workshop)
    rows, voters = tally(db=db, workshop=workshop)
    return {
        "participants": sum(n for _, n in groups),
        "groups": groups,
        "asset_counts": counts_by_class(db=db, workshop=workshop),
        "proposal_count": len(rows),
        "voters": voters,
    }


# --- planner console -------------------------------------------------------------


@console.get("")
def console_home(request: Request, planner: CurrentPlanner, db: DbSession) -> Response:
    if planner.role == "street_office":
        return go_to(request, "/console/office")
    if planner.role == "city_admin":
        return go_to(request, "/console/admin")
    communities = leadable_communities(db, planner)
    context = {
        "planner": planner,
        "communities": communities,
        "workshops": service.workshops_of(db=db, planner=planner),
        "default_groups": "\n".join(service.DEFAULT_GROUPS),
        "today": date.today().isoformat(),
    }
    return render(request, "workshops/console.html", context)


def workshop_form(
    title: Annotated[CleanLine, Form(max_length=200)],
    on: Annotated[str, Form(alias="date", max_length=10)],
    place: Annotated[CleanLine, Form(max_length=200)] = "",
    groups: Annotated[str, Form(max_length=2000)] = "",
) -> editing.WorkshopForm:
    """The workshop form's fields (new and edit), the date parsed."""
    try:
        day = date.fromisoformat(on)
    except ValueError:
        raise Invalid("workshop.date_invalid") from None
    check_date(day)
    return editing.WorkshopForm(title=title, on=day, place=place, groups=groups.splitlines())


WorkshopFormInput = Annotated[editing.WorkshopForm, Depends(workshop_form)]


@console.post("/workshops")
def create_workshop(
    request: Request,
    planner: CurrentPlanner,
    db: DbSession,
    community_id: Annotated[int, Form()],
    form: WorkshopFormInput,
) -> Response:
    require_lead_in(db, planner, community_id)
    workshop = service.create_workshop(
        db=db,
        planner=planner,
        community_id=community_id,
        title=form.title,
        on=form.on,
        place=form.place,
        groups=form.groups if any(g.strip() for g in form.groups) else None,
    )
    return go_to(request, f"/console/workshops/{workshop.id}")


@console.get("/workshops/{workshop_id}")
def workshop_console(
    request: Request, workshop: PlannerWorkshop, planner: CurrentPlanner, db: DbSession
) -> Response:
    context = {
        "planner": planner,
        "workshop": workshop,
        "next_stage": service.next_stage(workshop.stage),
        "stages": service.STAGES,
        "join_url": join_url(request, workshop),
        "shared_url": f"{public_base(request)}/j/{workshop.join_code}/shared",
        "stage_since": stage_since(workshop),
        **_stats(db, workshop),
    }
    return render(request, "workshops/workshop.html", context)


@console.get("/workshops/{workshop_id}/edit")
def edit_workshop_page(
    request: Request, workshop: PlannerWorkshop, planner: CurrentPlanner, db: DbSession
) -> Response:
    context = {
        "planner": planner,
        "workshop": workshop,
        "groups": "\n".join(workshop.resident_groups),
        "deletable": editing.deletable(db=db, workshop=workshop),
    }
    return render(request, "workshops/edit.html", context)


@console.post("/workshops/{workshop_id}/edit")
def edit_workshop(
    request: Request, workshop: PlannerWorkshop, db: DbSession, form: WorkshopFormInput
) -> Response:
    editing.update_workshop(db=db, workshop=workshop, form=form)
    return go_to(request, f"/console/workshops/{workshop.id}/edit?saved=1")


@console.post("/workshops/{workshop_id}/delete")
def delete_workshop(
    request: Request,
    workshop: PlannerWorkshop,
    db: DbSession,
    background: BackgroundTasks,
    confirm_title: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    photos = editing.delete_workshop(
        db=db, workshop=workshop, confirm_title=confirm_title, photos_dir=photos_dir(request)
    )
    background.add_task(editing.remove_files, photos)  # after the commit, never before
    return go_to(request, "/console?deleted=1")


@console.post("/workshops/{workshop_id}/erase-personal-data")
def erase_personal_data(
    request: Request, workshop: PlannerWorkshop, db: DbSession, background: BackgroundTasks
) -> Response:
    erased = privacy.erase_personal_data(db=db, workshop=workshop, photos_dir=photos_dir(request))
    background.add_task(editing.remove_files, erased.photos)  # after the commit
    return go_to(request, f"/console/workshops/{workshop.id}/edit?erased=1")


@console.get("/workshops/{workshop_id}/_stats")
def workshop_stats(request: Request, workshop: PlannerWorkshop, db: DbSession) -> Response:
    return render(request, "workshops/_stats.html", {"workshop": workshop, **_stats(db, workshop)})


@console.post("/workshops/{workshop_id}/stage")
def advance(
    request: Request,
    workshop: PlannerWorkshop,
    db: DbSession,
    expected: Annotated[str, Form(max_length=16)],
) -> Response:
    advance_stage(db=db, workshop=workshop, expected=expected)
    return go_to(request, f"/console/workshops/{workshop.id}")


def stage_check(workshop: Workshop, seen: str) -> Response:
    """Tell a page when the stage it shows is no longer current: the `workshop-stage`
    event (static/stage.js) swaps the new stage's content in place, without a reload."""
    if seen == workshop.stage:
        return Response(status_code=204)
    return Response(status_code=204, headers={"HX-Trigger": "workshop-stage"})


@console.get("/workshops/{workshop_id}/_stage")
def console_stage(workshop: PlannerWorkshop, seen: str = "") -> Response:
    return stage_check(workshop, seen)


@console.get("/workshops/{workshop_id}/qr.svg")
def qr_code(request: Request, workshop: PlannerWorkshop) -> Response:
    """The join URL as a QR code, drawn on the server (no network, no JS)."""
    buffer = io.BytesIO()
    segno.make(join_url(request, workshop), error="m").save(
        buffer, kind="svg", scale=8, border=2, xmldecl=False
    )
    return Response(
        buffer.getvalue(), media_type="image/svg+xml", headers={"Cache-Control": "no-store"}
    )


@console.get("/workshops/{workshop_id}/poster.pdf")
def poster(request: Request, workshop: PlannerWorkshop, language: str = "zh-CN") -> Response:
    """An A4 poster to print and pin at the door: QR code, join code, URL, three steps.

    `language` (zh-CN, en or both) is the poster's, chosen on the link.
    """
    pdf = poster_pdf(
        Poster(
            title=workshop.title,
            community=workshop.community.name,
            join_code=workshop.join_code,
            join_url=join_url(request, workshop),
        ),
        language,
    )
    name = f"poster-{workshop.join_code}-{language}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "no-store"},
    )


@console.get("/workshops/{workshop_id}/projector")
def projector(request: Request, workshop: PlannerWorkshop, db: DbSession) -> Response:
    reference = _inventory(db, workshop)
    context = {
        "workshop": workshop,
        "map": embed(community_map(workshop.community, reference)),
        "asset_classes": ASSET_CLASSES,
        "inventory_shown": reference is not None,
        "join_url": join_url(request, workshop),
        # What a resident types into a phone's address bar: host:port/join, no scheme.
        "join_address": public_base(request).split("://", 1)[-1] + "/join",
        **_projector_context(db, workshop),
    }
    allow_online_tiles(request, workshop.community)
    return render(request, "projector/projector.html", context)


def _inventory(db: DbSession, workshop: Workshop) -> dict | None:
    """The community's standing inventory, drawn read-only under the meeting's pins: a
    reference, never copied in (the meeting's counts, record and report stay its own)."""
    return inventory.reference_for(db=db, community=workshop.community)


def _projector_context(db: DbSession, workshop: Workshop) -> dict:
    return voting_views.projector(db=db, workshop=workshop)


@console.get("/workshops/{workshop_id}/projector/_board")
def projector_board(request: Request, workshop: PlannerWorkshop, db: DbSession) -> Response:
    context = {"workshop": workshop, **_projector_context(db, workshop)}
    return render(request, "projector/_board.html", context)


# --- resident tablets --------------------------------------------------------------


@tablet.get("/")
def home() -> Response:
    return RedirectResponse("/join", status_code=303)


@tablet.get("/join")
def join_page(request: Request) -> Response:
    return render(request, "tablet/join.html", {})


@tablet.post("/join")
def join_by_code(
    request: Request, db: DbSession, code: Annotated[str, Form(max_length=32)]
) -> Response:
    if looks_like_card(code):  # a ballot card's code typed in: its own start screen
        return RedirectResponse(f"/c/{normalise_code(code)}", status_code=303)
    try:
        workshop = code_workshop(code, request, db)
    except (NotFound, TooManyAttempts) as exc:  # show the form again, with the code kept
        context = {"error": t(exc.key, **exc.params), "code": code}
        return render(request, "tablet/join.html", context, status_code=exc.status_code)
    return RedirectResponse(f"/j/{workshop.join_code}", status_code=303)


@tablet.get("/j/{code}")
def welcome(request: Request, workshop: CodeWorkshop, db: DbSession) -> Response:
    if optional_participant(request, workshop, db) is not None:
        return RedirectResponse(f"/w/{workshop.join_code}", status_code=303)
    return render(request, "tablet/welcome.html", {"workshop": workshop})


@tablet.post("/j/{code}")
def join(
    request: Request,
    workshop: CodeWorkshop,
    db: DbSession,
    nickname: Annotated[str, Form(max_length=64)] = "",
    group: Annotated[str, Form(max_length=64)] = "",
    consent: Annotated[bool, Form()] = False,
    shared: Annotated[bool, Form()] = False,
) -> Response:
    participant = service.join(
        db=db, workshop=workshop, nickname=nickname, group=group, consent=consent
    )
    response = go_to(request, f"/w/{workshop.join_code}")
    set_participant_cookie(request, response, participant)
    if shared:  # joined through the shared-tablet screen: keep 下一位 on this device
        mark_shared_tablet(request, response, workshop)
    return response


def tablet_context(db: DbSession, workshop: Workshop, participant: Participant) -> dict:
    context: dict = {"workshop": workshop, "participant": participant}
    reference = _inventory(db, workshop) if workshop.stage in ("mapping", "proposals") else None
    context["inventory_shown"] = reference is not None
    if workshop.stage == "mapping":
        context["map"] = embed(community_map(workshop.community, reference))
        context["asset_classes"] = ASSET_CLASSES
        context["asset_subtypes"] = subtypes_for(workshop.community)
    elif workshop.stage in ("proposals", "voting"):
        voting = voting_views.tablet_voting(db=db, workshop=workshop, participant=participant)
        context.update(voting)
        if workshop.stage == "proposals":  # a proposal may be pinned to a place
            context["map"] = embed(community_map(workshop.community, reference))
    return context


@tablet.get("/w/{code}")
def tablet_page(
    request: Request, workshop: CodeWorkshop, participant: CurrentParticipant, db: DbSession
) -> Response:
    allow_online_tiles(request, workshop.community)  # the map may come with a later stage
    context = tablet_context(db, workshop, participant)
    context["shared"] = is_shared_tablet(request, workshop)
    return render(request, "tablet/tablet.html", context)


@tablet.post("/w/{code}/next-person")
def next_person(workshop: CodeWorkshop) -> Response:
    """Hand a shared tablet on: end this participant on the device, start a fresh join.

    Everything the previous person submitted stays saved under their own token.
    """
    response = RedirectResponse(f"/j/{workshop.join_code}/next", status_code=303)
    response.delete_cookie(PARTICIPANT_COOKIE)
    return response


@tablet.get("/j/{code}/next")
def next_person_page(request: Request, workshop: CodeWorkshop) -> Response:
    """One screen for the next resident on a shared tablet: tap a group to join."""
    return render(request, "workshops/next_person.html", {"workshop": workshop})


@tablet.get("/j/{code}/shared")
def shared_tablet(request: Request, workshop: CodeWorkshop) -> Response:
    """The planner's link for a tablet that will be passed around: mark the device
    shared (it shows 下一位) and open the one-tap join screen."""
    response = render(request, "workshops/next_person.html", {"workshop": workshop})
    mark_shared_tablet(request, response, workshop)
    return response


@tablet.get("/w/{code}/_stage")
def tablet_stage(workshop: CodeWorkshop, _who: CurrentParticipant, seen: str = "") -> Response:
    return stage_check(workshop, seen)


@tablet.post("/w/{code}/typing")
async def typing(
    request: Request,
    code: str,
    cookie: ParticipantCookie,
    active: Annotated[bool, Form()] = True,
) -> Response:
    """A tablet has unsent text (sent every few seconds while it does): read-only, cheap."""

    def work(db: Session) -> None:
        workshop, participant = tablet_lookup(request, db, code, cookie)
        service.signal_typing(db=db, workshop=workshop, participant=participant, active=active)

    await run_tablet_write(request, work, write=False)
    return Response(status_code=204)


@tablet.post("/w/{code}/satisfaction")
def rate(
    request: Request,
    workshop: CodeWorkshop,
    participant: CurrentParticipant,
    db: DbSession,
    rating: Annotated[str, Form(max_length=16)],
    comment: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    service.rate_service(
        db=db, workshop=workshop, participant=participant, rating=rating, comment=comment
    )
    back = f"/w/{workshop.join_code}"
    return partial_or_back(request, "tablet/_rated.html", {"rating": rating}, back=back)
