"""Organiser pages of badges: the list with re-issue, the PDF, and the check-in desk."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.auth.access import Access, CurrentAccount, allow
from app.auth.service import actor_for
from app.badges import pdf
from app.badges import service as badges_service
from app.db import DbSessionDep
from app.delegations.dependencies import OrganiserEdition, ParticipantId
from app.errors import DomainError
from app.web.templating import error_message, render

router = APIRouter(prefix="/admin/editions/{slug}", include_in_schema=False)
RowFilter = Annotated[int | None, Query(ge=1, le=2_147_483_647)]


@router.get("/badges", name="badges_admin", dependencies=[allow(Access.organiser)])
def badges_admin(
    request: Request,
    edition: OrganiserEdition,
    db_session: DbSessionDep,
    account: CurrentAccount,
    reissued: RowFilter = None,
) -> HTMLResponse:
    """The badges to print, per delegation, with re-issue for a lost badge."""
    rows = badges_service.list_badges(db_session, edition=edition)
    return render(
        request,
        "badges/admin.html",
        {"edition": edition, "rows": rows, "reissued": reissued},
    )


def _print_page(
    request: Request,
    edition: OrganiserEdition,
    db_session: DbSessionDep,
    delegation: int | None,
    participant: int | None,
) -> HTMLResponse:
    rows = badges_service.list_badges(
        db_session, edition=edition, delegation_id=delegation, participant_id=participant
    )
    return render(
        request, "badges/print.html", {"edition": edition, "sheets": pdf.badge_sheets(rows)}
    )


@router.get("/badges/print", name="badges_print", dependencies=[allow(Access.organiser)])
def badges_print(
    request: Request,
    edition: OrganiserEdition,
    db_session: DbSessionDep,
    delegation: RowFilter = None,
    participant: RowFilter = None,
) -> HTMLResponse:
    """The badges as the PDF prints them, to check before printing."""
    return _print_page(request, edition, db_session, delegation, participant)


@router.get("/badges.pdf", name="badges_pdf", dependencies=[allow(Access.organiser)])
def badges_pdf(
    request: Request,
    edition: OrganiserEdition,
    db_session: DbSessionDep,
    delegation: RowFilter = None,
    participant: RowFilter = None,
) -> Response:
    """The badges of the accredited participants as an A4 PDF, eight to a page."""
    rows = badges_service.list_badges(
        db_session, edition=edition, delegation_id=delegation, participant_id=participant
    )
    return Response(
        pdf.badges_pdf(edition, rows, request.state.language),
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{edition.slug}-badges.pdf"',
            "Cache-Control": "no-store",
        },
    )


@router.post(
    "/badges/{participant_id}/reissue",
    name="badge_reissue",
    dependencies=[allow(Access.organiser)],
)
def reissue_badge(
    request: Request,
    edition: OrganiserEdition,
    participant_id: ParticipantId,
    db_session: DbSessionDep,
    account: CurrentAccount,
) -> Response:
    """Revoke a participant's badge and issue a new one; its old code no longer works."""
    badges_service.reissue_badge(
        db_session, edition=edition, participant_id=participant_id, actor=actor_for(account)
    )
    url = request.app.url_path_for("badges_admin", slug=edition.slug)
    return RedirectResponse(f"{url}?reissued={participant_id}", status_code=303)


def _check_in_page(
    request: Request,
    edition: OrganiserEdition,
    db_session: DbSessionDep,
    *,
    arrived: object = None,
    refusal: str | None = None,
    code: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "badges/check_in.html",
        {
            "edition": edition,
            "arrived": arrived,
            "refusal": refusal,
            "code": code,
            "counts": badges_service.arrival_counts(db_session, edition=edition),
        },
        status_code=status_code,
    )


@router.get("/check-in", name="check_in_desk", dependencies=[allow(Access.organiser)])
def check_in_desk(
    request: Request,
    edition: OrganiserEdition,
    db_session: DbSessionDep,
    arrived: RowFilter = None,
) -> HTMLResponse:
    """The check-in desk: one field for the scanned code, and the arrivals per delegation."""
    shown = (
        badges_service.arrival(db_session, edition=edition, participant_id=arrived)
        if arrived
        else None
    )
    return _check_in_page(request, edition, db_session, arrived=shown)


@router.post("/check-in", name="check_in", dependencies=[allow(Access.organiser)])
async def check_in(
    request: Request, edition: OrganiserEdition, db_session: DbSessionDep, account: CurrentAccount
) -> Response:
    """Check a scanned code: a redirect showing who arrived, or the refusal (422)."""
    code = str((await request.form()).get("code") or "")[:200]
    try:
        result = badges_service.check_in(
            db_session, edition=edition, code=code, actor=actor_for(account)
        )
    except DomainError as error:
        return _check_in_page(
            request,
            edition,
            db_session,
            refusal=error_message(request, error),
            status_code=422,
        )
    url = request.app.url_path_for("check_in_desk", slug=edition.slug)
    return RedirectResponse(f"{url}?arrived={result.participant.id}", status_code=303)
