from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from workshop.deps import CodeWorkshop, CurrentParticipant, DbSession, RowId
from workshop.proposals.service import open_proposals, set_support, submit_proposal, supported_ids
from workshop.templating import partial_or_back, render

router = APIRouter()


@router.post("/w/{code}/proposals")
def add_proposal(
    request: Request,
    workshop: CodeWorkshop,
    participant: CurrentParticipant,
    db: DbSession,
    title: Annotated[str, Form(max_length=400)],
    description: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    proposal = submit_proposal(
        db=db, workshop=workshop, participant=participant, title=title, description=description
    )
    context = {"proposal": proposal}
    back = f"/w/{workshop.join_code}"
    return partial_or_back(request, "proposals/_saved.html", context, back=back, status_code=201)


@router.get("/w/{code}/proposals/_list")
def proposal_list(
    request: Request, workshop: CodeWorkshop, participant: CurrentParticipant, db: DbSession
) -> Response:
    context = {
        "workshop": workshop,
        "proposals": open_proposals(db=db, workshop=workshop),
        "supported": supported_ids(db=db, workshop=workshop, participant=participant),
    }
    return render(request, "proposals/_list.html", context)


@router.post("/w/{code}/proposals/{proposal_id}/support")
def support(
    request: Request,
    workshop: CodeWorkshop,
    participant: CurrentParticipant,
    db: DbSession,
    proposal_id: RowId,
    support: Annotated[bool, Form()],
) -> Response:
    vote = set_support(
        db=db,
        workshop=workshop,
        participant=participant,
        proposal_id=proposal_id,
        support=support,
    )
    context = {"workshop": workshop, "proposal_id": proposal_id, "supported": vote.value > 0}
    back = f"/w/{workshop.join_code}"
    return partial_or_back(request, "proposals/_support.html", context, back=back)
