"""The public form where an uninvited entity asks to take part (when requests are open).

Throttled per address in the service; a honeypot field, hidden from people, catches
form-filling robots: such posts get the same thank-you page and store nothing."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from app import i18n
from app.auth.access import Access, allow
from app.db import DbSessionDep
from app.delegations import forms, invitations, windows
from app.editions.dependencies import VisibleEdition
from app.entities import service as entities_service
from app.errors import DomainError, NotFound
from app.i18n import N_
from app.web.client_address import client_address
from app.web.templating import render

router = APIRouter(prefix="/editions/{slug}/participate", include_in_schema=False)
HONEYPOT = "website"


def _form(
    request: Request,
    edition,
    db_session,
    *,
    errors=None,
    values=None,
    status_code=200,  # noqa: ANN001
) -> HTMLResponse:
    if not windows.settings_of(db_session, edition).requests_open:
        raise NotFound(N_("This edition does not take requests to participate."))
    return render(
        request,
        "delegations/participate.html",
        {
            "edition": edition,
            "entities": entities_service.list_entities(db_session),
            "errors": errors or {},
            "values": values or {},
            "honeypot": HONEYPOT,
            "sent": False,
        },
        status_code=status_code,
    )


@router.get("", name="participate_form", dependencies=[allow(Access.public)])
def participate_form(
    request: Request, edition: VisibleEdition, db_session: DbSessionDep
) -> HTMLResponse:
    """Ask to take part in an edition."""
    return _form(request, edition, db_session)


@router.post("", name="participate_submit", dependencies=[allow(Access.public)])
def participate_submit(
    request: Request,
    edition: VisibleEdition,
    db_session: DbSessionDep,
    entity_code: Annotated[str, Form(max_length=20)] = "",
    contact_name: Annotated[str, Form(max_length=300)] = "",
    contact_email: Annotated[str, Form(max_length=300)] = "",
    message: Annotated[str, Form(max_length=3000)] = "",
    website: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    """Record the request; an organiser approves or refuses it."""
    thanks = {
        "edition": edition,
        "sent": True,
        "errors": {},
        "values": {},
        "entities": [],
        "honeypot": HONEYPOT,
    }
    if website:
        return render(request, "delegations/participate.html", thanks)
    try:
        invitations.request_to_join(
            db_session,
            edition=edition,
            entity_code=entity_code,
            contact_name=contact_name,
            contact_email=contact_email,
            language=request.state.language,
            message=message,
            client_address=client_address(request),
        )
    except DomainError as error:
        errors = forms.field_errors(i18n.get_translations(request.state.language).gettext, error)
        values = {
            "entity_code": entity_code,
            "contact_name": contact_name,
            "contact_email": contact_email,
            "message": message,
        }
        return _form(
            request,
            edition,
            db_session,
            errors=errors,
            values=values,
            status_code=error.status_code,
        )
    return render(request, "delegations/participate.html", thanks)
