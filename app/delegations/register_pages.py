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
from app.delegations import form_saving, forms, uploads
from app.delegations import service as delegations_service
from app.delegations.dependencies import FocalDelegation, FocalEdition, ParticipantId
from app.delegations.forms import form_options
from app.delegations.models import Delegation
from app.editions.models import Edition
from app.errors import DomainError
from app.mail import service as mail_service
from app.web.params import MAX_ROW_ID, whole_number
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


async def _save(
    request: Request,
    token: str,
    edition: Edition,
    delegation: Delegation,
    db_session: Any,
    action: form_saving.Action,
    participant_id: int | None = None,
) -> Response:
    """Save all the page holds, then do what the pressed button asks."""
    form = await request.form()
    upload = form.get("letter")
    letter = None
    if hasattr(upload, "read"):
        content = await upload.read(uploads.MAX_LETTER_BYTES + 1)
        letter = (content, getattr(upload, "filename", None))
    editing = str(form.get("editing") or "")
    outcome = form_saving.save_registration_form(
        db_session,
        edition=edition,
        delegation=delegation,
        form=form,
        letter=letter,
        action=action,
        participant_id=participant_id,
        editing=whole_number(editing),
    )
    if outcome.error is not None:
        values = forms.form_values(form)
        if "member" in outcome.saved:  # saved: its form starts empty again
            values = {k: v for k, v in values.items() if k not in forms.PARTICIPANT_FIELDS}
            editing = ""
        return _page(
            request,
            db_session,
            edition,
            delegation,
            token=token,
            error=outcome.error,
            values=values,
            editing=whole_number(editing),
        )
    if action == "edit" and participant_id is not None:
        url = request.app.url_path_for("register_form", token=token)
        return RedirectResponse(
            f"{url}?edit={participant_id}#member-form", status_code=303, headers=PRIVATE_HEADERS
        )
    return _back(request, token, outcome.saved[-1] if outcome.saved else "nothing")


@router.post("/details", name="register_details", dependencies=[allow(Access.focal_point)])
async def register_details(
    request: Request,
    token: str,
    edition: FocalEdition,
    delegation: FocalDelegation,
    db_session: DbSessionDep,
) -> Response:
    """Save everything typed on the page: details, the member being typed, the letter."""
    return await _save(request, token, edition, delegation, db_session, "save")


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
    """Add a member (and save the rest of the page); it comes back with an empty form."""
    return await _save(request, token, edition, delegation, db_session, "member")


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
    """Correct a member (and save the rest of the page)."""
    return await _save(request, token, edition, delegation, db_session, "member", participant_id)


@router.post(
    "/participants/{participant_id}/edit",
    name="register_edit_participant",
    dependencies=[allow(Access.focal_point)],
)
async def register_edit_participant(
    request: Request,
    token: str,
    participant_id: ParticipantId,
    edition: FocalEdition,
    delegation: FocalDelegation,
    db_session: DbSessionDep,
) -> Response:
    """Save the page, then open a member for correction."""
    return await _save(request, token, edition, delegation, db_session, "edit", participant_id)


@router.post(
    "/participants/{participant_id}/delete",
    name="register_remove_participant",
    dependencies=[allow(Access.focal_point)],
)
async def register_remove_participant(
    request: Request,
    token: str,
    participant_id: ParticipantId,
    edition: FocalEdition,
    delegation: FocalDelegation,
    db_session: DbSessionDep,
) -> Response:
    """Take a member off the delegation (after saving the rest of the page)."""
    return await _save(request, token, edition, delegation, db_session, "remove", participant_id)


@router.post("/letter", name="register_upload_letter", dependencies=[allow(Access.focal_point)])
async def register_upload_letter(
    request: Request,
    token: str,
    edition: FocalEdition,
    delegation: FocalDelegation,
    db_session: DbSessionDep,
) -> Response:
    """Upload the nomination letter or note verbale (PDF, at most 5 MB), saving the rest."""
    return await _save(request, token, edition, delegation, db_session, "letter")


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
async def register_submit(
    request: Request,
    token: str,
    edition: FocalEdition,
    delegation: FocalDelegation,
    db_session: DbSessionDep,
    background: BackgroundTasks,
) -> Response:
    """Save the page, then send the registration to the organisers (a receipt is emailed)."""
    response = await _save(request, token, edition, delegation, db_session, "submit")
    if response.status_code == 303:
        background.add_task(mail_service.deliver_after_response, db_session)
    return response
