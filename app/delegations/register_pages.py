"""The focal point's registration form, reached by the delegation's private link.

Works without JavaScript: each action is a form post that comes back to the page (303)
or re-renders it with the messages next to the fields (422). The link is the credential:
a dependency resolves it to the delegation or answers 404."""

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from app import i18n
from app.auth.access import Access, allow
from app.db import DbSessionDep
from app.delegations import forms, participants, uploads
from app.delegations import service as delegations_service
from app.delegations.dependencies import FocalDelegation, FocalEdition, ParticipantId
from app.delegations.forms import form_options
from app.delegations.models import Delegation
from app.delegations.participants import focal_point_actor
from app.editions.models import Edition
from app.errors import DomainError
from app.mail import service as mail_service
from app.web.params import MAX_ROW_ID
from app.web.templating import render

router = APIRouter(prefix="/register/{token}", include_in_schema=False)
PRIVATE_HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}


def _page(
    request: Request,
    db_session: DbSessionDep,
    edition: Edition,
    delegation: Delegation,
    *,
    token: str,
    error: DomainError | None = None,
    values: dict[str, str] | None = None,
    editing: int | None = None,
) -> HTMLResponse:
    view = delegations_service.registration_view(db_session, edition=edition, delegation=delegation)
    translate = i18n.get_translations(request.state.language).gettext
    if values is None and editing is not None:
        current = [p for p in view.participants if p.id == editing]
        values = forms.participant_values(current[0]) if current else None
        editing = editing if current else None
    response = render(
        request,
        "delegations/register.html",
        {
            "view": view,
            "token": token,
            "errors": forms.field_errors(translate, error) if error else {},
            "values": values or {},
            "editing": editing,
            **form_options(translate),
            "saved": request.query_params.get("saved"),
        },
        status_code=error.status_code if error else 200,
    )
    response.headers.update(PRIVATE_HEADERS)
    return response


def _back(request: Request, token: str, saved: str) -> RedirectResponse:
    url = request.app.url_path_for("register_form", token=token)
    return RedirectResponse(f"{url}?saved={saved}#top", status_code=303, headers=PRIVATE_HEADERS)


@router.get("", name="register_form", dependencies=[allow(Access.focal_point)])
def register_form(
    request: Request,
    token: str,
    edition: FocalEdition,
    delegation: FocalDelegation,
    db_session: DbSessionDep,
    edit: Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)] = None,
) -> HTMLResponse:
    """The delegation's registration: details, members, letter; read-only after the deadline."""
    return _page(request, db_session, edition, delegation, token=token, editing=edit)


@router.post("/details", name="register_details", dependencies=[allow(Access.focal_point)])
async def register_details(
    request: Request,
    token: str,
    edition: FocalEdition,
    delegation: FocalDelegation,
    db_session: DbSessionDep,
) -> Response:
    """Save the focal point's contact details."""
    form = await request.form()
    try:
        participants.update_details(
            db_session,
            edition=edition,
            delegation=delegation,
            details_in=forms.details_from_form(form),
            actor=focal_point_actor(delegation),
        )
    except DomainError as error:
        return _page(request, db_session, edition, delegation, token=token, error=error)
    return _back(request, token, "details")


async def _save_member(
    request: Request,
    token: str,
    edition: Edition,
    delegation: Delegation,
    db_session: Any,
    participant_id: int | None,
) -> Response:
    form = await request.form()
    try:
        participants.save_participant(
            db_session,
            edition=edition,
            delegation=delegation,
            participant_in=forms.participant_from_form(form, edition),
            actor=focal_point_actor(delegation),
            participant_id=participant_id,
        )
    except DomainError as error:
        values = forms.form_values(form)
        return _page(
            request,
            db_session,
            edition,
            delegation,
            token=token,
            error=error,
            values=values,
            editing=participant_id,
        )
    return _back(request, token, "member")


@router.post(
    "/participants", name="register_add_participant", dependencies=[allow(Access.focal_point)]
)
async def register_add_participant(
    request: Request,
    token: str,
    edition: FocalEdition,
    delegation: FocalDelegation,
    db_session: DbSessionDep,
) -> Response:
    """Add a member; the page comes back with the member listed and an empty form."""
    return await _save_member(request, token, edition, delegation, db_session, None)


@router.post(
    "/participants/{participant_id}",
    name="register_update_participant",
    dependencies=[allow(Access.focal_point)],
)
async def register_update_participant(
    request: Request,
    token: str,
    participant_id: ParticipantId,
    edition: FocalEdition,
    delegation: FocalDelegation,
    db_session: DbSessionDep,
) -> Response:
    """Correct a member."""
    return await _save_member(request, token, edition, delegation, db_session, participant_id)


@router.post(
    "/participants/{participant_id}/delete",
    name="register_remove_participant",
    dependencies=[allow(Access.focal_point)],
)
def register_remove_participant(
    request: Request,
    token: str,
    participant_id: ParticipantId,
    edition: FocalEdition,
    delegation: FocalDelegation,
    db_session: DbSessionDep,
) -> Response:
    """Take a member off the delegation."""
    try:
        participants.remove_participant(
            db_session,
            edition=edition,
            delegation=delegation,
            participant_id=participant_id,
            actor=focal_point_actor(delegation),
        )
    except DomainError as error:
        return _page(request, db_session, edition, delegation, token=token, error=error)
    return _back(request, token, "removed")


@router.post("/letter", name="register_upload_letter", dependencies=[allow(Access.focal_point)])
async def register_upload_letter(
    request: Request,
    token: str,
    edition: FocalEdition,
    delegation: FocalDelegation,
    db_session: DbSessionDep,
) -> Response:
    """Upload the nomination letter or note verbale (PDF, at most 5 MB)."""
    form = await request.form()
    upload = form.get("letter")
    content = await upload.read(uploads.MAX_LETTER_BYTES + 1) if hasattr(upload, "read") else b""
    try:
        uploads.store_letter(
            db_session,
            edition=edition,
            delegation=delegation,
            content=content,
            filename=getattr(upload, "filename", None),
            actor=focal_point_actor(delegation),
        )
    except DomainError as error:
        return _page(request, db_session, edition, delegation, token=token, error=error)
    return _back(request, token, "letter")


@router.get("/letter", name="register_letter", dependencies=[allow(Access.focal_point)])
def register_letter(delegation: FocalDelegation) -> FileResponse:
    """The delegation's own letter, for its focal point."""
    return FileResponse(
        uploads.letter_path(delegation),
        media_type="application/pdf",
        filename=uploads.letter_name(delegation),
        headers=PRIVATE_HEADERS,
    )


@router.post("/submit", name="register_submit", dependencies=[allow(Access.focal_point)])
def register_submit(
    request: Request,
    token: str,
    edition: FocalEdition,
    delegation: FocalDelegation,
    db_session: DbSessionDep,
    background: BackgroundTasks,
) -> Response:
    """Send the registration to the organisers; a receipt is emailed to the focal point."""
    try:
        participants.submit_delegation(
            db_session, edition=edition, delegation=delegation, actor=focal_point_actor(delegation)
        )
    except DomainError as error:
        return _page(request, db_session, edition, delegation, token=token, error=error)
    background.add_task(mail_service.deliver_after_response, db_session)
    return _back(request, token, "submitted")
