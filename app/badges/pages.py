"""Organiser pages of badges: the list with re-issue, the PDF, and the check-in desk."""

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.auth.access import Access, CurrentAccount, allow
from app.auth.service import actor_for
from app.badges import pdf
from app.badges import service as badges_service
from app.db import DbSessionDep
from app.delegations.dependencies import OrganiserEdition, ParticipantId
from app.errors import DomainError
from app.i18n import N_, gettext
from app.web.confirm import confirmation_page, is_confirmed
from app.web.flash import set_flash
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
    confirm: Annotated[str, Form(max_length=3)] = "",
) -> Response:
    """Revoke a participant's badge and issue a new one, once confirmed; its old code no
    longer works."""
    if not is_confirmed(confirm):
        participant = badges_service.get_badge_participant(
            db_session, edition=edition, participant_id=participant_id
        )
        language = request.state.language
        return confirmation_page(
            request,
            title=gettext(language, N_("Revoke this badge?")),
            message=gettext(
                language,
                N_(
                    "The badge of {name} will no longer open the door; a new badge must be printed."
                ),
                name=f"{participant.given_name} {participant.family_name}",
            ),
            button=gettext(language, N_("Revoke and issue a new badge")),
            cancel_url=str(request.app.url_path_for("badges_admin", slug=edition.slug)),
        )
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
    search: str = "",
    errors: dict | None = None,
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
            "search": search,
            "found": badges_service.search_accredited(db_session, edition=edition, text=search),
            "latest": badges_service.latest_arrivals(db_session, edition=edition),
            "errors": errors or {},
            "counts": badges_service.arrival_counts(db_session, edition=edition),
        },
        status_code=status_code,
    )


def _arrival_or_refusal(
    request: Request,
    edition: OrganiserEdition,
    db_session: DbSessionDep,
    check_in: Callable[[], badges_service.CheckIn],
    *,
    refusal_status: int | None = None,
) -> Response:
    """Run a check-in: back to the desk showing who arrived, or the desk again with the
    refusal (with ``refusal_status``, or the rule's own status)."""
    try:
        result = check_in()
    except DomainError as error:
        return _check_in_page(
            request,
            edition,
            db_session,
            refusal=error_message(request, error),
            status_code=refusal_status or error.status_code,
        )
    url = request.app.url_path_for("check_in_desk", slug=edition.slug)
    return RedirectResponse(f"{url}?arrived={result.participant.id}", status_code=303)


@router.get("/check-in", name="check_in_desk", dependencies=[allow(Access.organiser)])
def check_in_desk(
    request: Request,
    edition: OrganiserEdition,
    db_session: DbSessionDep,
    arrived: RowFilter = None,
    q: Annotated[str, Query(max_length=100)] = "",
) -> HTMLResponse:
    """The check-in desk: one field for the scanned code, a search by name for a lost
    badge, the latest arrivals (to undo a wrong scan) and the arrivals per delegation."""
    shown = (
        badges_service.arrival(db_session, edition=edition, participant_id=arrived)
        if arrived
        else None
    )
    return _check_in_page(request, edition, db_session, arrived=shown, search=q)


@router.post("/check-in", name="check_in", dependencies=[allow(Access.organiser)])
async def check_in(
    request: Request, edition: OrganiserEdition, db_session: DbSessionDep, account: CurrentAccount
) -> Response:
    """Check a scanned code: a redirect showing who arrived, or the refusal (422)."""
    code = str((await request.form()).get("code") or "")[:200]
    return _arrival_or_refusal(
        request,
        edition,
        db_session,
        lambda: badges_service.check_in(
            db_session, edition=edition, code=code, actor=actor_for(account)
        ),
        refusal_status=422,
    )


@router.post(
    "/check-in/{participant_id}",
    name="check_in_by_name",
    dependencies=[allow(Access.organiser)],
)
def check_in_by_name(
    request: Request,
    edition: OrganiserEdition,
    participant_id: ParticipantId,
    db_session: DbSessionDep,
    account: CurrentAccount,
) -> Response:
    """Check in a participant found by name (a lost or forgotten badge)."""
    return _arrival_or_refusal(
        request,
        edition,
        db_session,
        lambda: badges_service.check_in_by_name(
            db_session, edition=edition, participant_id=participant_id, actor=actor_for(account)
        ),
    )


@router.post(
    "/check-in/{participant_id}/undo",
    name="check_in_undo",
    dependencies=[allow(Access.organiser)],
)
def check_in_undo(
    request: Request,
    edition: OrganiserEdition,
    participant_id: ParticipantId,
    db_session: DbSessionDep,
    account: CurrentAccount,
    reason: Annotated[str, Form(max_length=600)] = "",
) -> Response:
    """Undo a wrong check-in, with its reason (audited)."""
    try:
        badges_service.undo_check_in(
            db_session,
            edition=edition,
            participant_id=participant_id,
            reason=reason,
            actor=actor_for(account),
        )
    except DomainError as error:
        return _check_in_page(
            request,
            edition,
            db_session,
            errors={f"reason-{participant_id}": error_message(request, error)},
            status_code=error.status_code,
        )
    url = request.app.url_path_for("check_in_desk", slug=edition.slug)
    response = RedirectResponse(url, status_code=303)
    return set_flash(response, N_("Check-in undone: the badge can be scanned again."))
