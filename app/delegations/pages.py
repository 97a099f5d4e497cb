"""Organiser pages for registration: settings, invitations, the delegations table, a
delegation's detail with bulk accreditation, requests to take part, and the outbox."""

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from app import i18n
from app.auth.access import Access, CurrentAccount, allow
from app.auth.service import actor_for
from app.db import DbSessionDep
from app.delegations import forms, invitations, review, uploads, windows
from app.delegations import service as delegations_service
from app.delegations.dependencies import EditionDelegation, OrganiserEdition
from app.delegations.models import DelegationStatus, ParticipantStatus
from app.editions.models import Edition
from app.entities.models import EntityType
from app.errors import DomainError
from app.mail import service as mail_service
from app.web.params import EmptyAsNone, RowId
from app.web.templating import render

router = APIRouter(prefix="/admin/editions/{slug}", include_in_schema=False)


def _errors(request: Request, error: DomainError) -> dict[str, str]:
    return forms.field_errors(i18n.get_translations(request.state.language).gettext, error)


def _to(request: Request, name: str, **params: object) -> RedirectResponse:
    url = request.app.url_path_for(name, **{k: str(v) for k, v in params.items()})
    return RedirectResponse(url, status_code=303)


def _settings_page(
    request: Request,
    db_session: DbSessionDep,
    edition: Edition,
    values: dict,
    errors: dict,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "delegations/settings.html",
        {
            "edition": edition,
            "values": values,
            "errors": errors,
            "entity_types": list(EntityType),
            "is_open": windows.registration_is_open(
                edition, windows.settings_of(db_session, edition)
            ),
        },
        status_code=status_code,
    )


@router.get("/registration", name="registration_settings", dependencies=[allow(Access.viewer)])
def registration_settings(
    request: Request, edition: OrganiserEdition, db_session: DbSessionDep
) -> HTMLResponse:
    """The registration window, quota and eligibility, in the venue's time zone."""
    settings = windows.settings_of(db_session, edition)
    return _settings_page(
        request, db_session, edition, forms.settings_values(settings, edition.time_zone), {}
    )


@router.post(
    "/registration", name="registration_settings_save", dependencies=[allow(Access.organiser)]
)
async def registration_settings_save(
    request: Request, edition: OrganiserEdition, db_session: DbSessionDep, account: CurrentAccount
) -> Response:
    """Save the registration settings."""
    form = await request.form()
    try:
        windows.update_registration_settings(
            db_session,
            edition=edition,
            settings_in=forms.settings_from_form(form),
            actor=actor_for(account),
        )
    except DomainError as error:
        values = {
            **forms.form_values(form),
            "allowed_entity_types": form.getlist("allowed_entity_types"),
        }
        return _settings_page(
            request, db_session, edition, values, _errors(request, error), error.status_code
        )
    return _to(request, "delegations_table", slug=edition.slug)


@router.get("/delegations", name="delegations_table", dependencies=[allow(Access.viewer)])
def delegations_table(
    request: Request,
    edition: OrganiserEdition,
    db_session: DbSessionDep,
    status: Annotated[DelegationStatus | None, EmptyAsNone, Query()] = None,
    entity_type: Annotated[EntityType | None, EmptyAsNone, Query()] = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
) -> HTMLResponse:
    """Every delegation with its counts, filterable (an empty filter means all), and the
    invitation form."""
    return render(
        request,
        "delegations/table.html",
        forms.table_context(db_session, edition, status=status, entity_type=entity_type, search=q),
    )


@router.post(
    "/delegations/invite", name="delegations_invite", dependencies=[allow(Access.organiser)]
)
async def delegations_invite(
    request: Request,
    edition: OrganiserEdition,
    db_session: DbSessionDep,
    account: CurrentAccount,
    background: BackgroundTasks,
) -> Response:
    """Invite one entity or many; the new private links are shown on this page only."""
    form = await request.form()
    try:
        issued = invitations.invite_entities(
            db_session,
            edition=edition,
            invitation_in=forms.invitation_from_form(form),
            actor=actor_for(account),
        )
    except DomainError as error:
        context = forms.table_context(db_session, edition)
        context.update(errors=_errors(request, error), values=forms.form_values(form))
        return render(request, "delegations/table.html", context, status_code=error.status_code)
    background.add_task(mail_service.deliver_after_response, db_session)
    return render(request, "delegations/links.html", {"edition": edition, "issued": issued})


@router.get(
    "/delegations/{delegation_id}", name="delegation_detail", dependencies=[allow(Access.viewer)]
)
def delegation_detail(
    request: Request,
    edition: OrganiserEdition,
    delegation: EditionDelegation,
    db_session: DbSessionDep,
) -> HTMLResponse:
    """A delegation, its members and the review actions."""
    view = delegations_service.registration_view(db_session, edition=edition, delegation=delegation)
    return render(request, "delegations/detail.html", forms.detail_context(request, view, {}))


@router.post(
    "/delegations/{delegation_id}/status",
    name="delegation_status",
    dependencies=[allow(Access.organiser)],
)
def delegation_status(
    request: Request,
    edition: OrganiserEdition,
    delegation: EditionDelegation,
    db_session: DbSessionDep,
    account: CurrentAccount,
    status: Annotated[DelegationStatus, Form()],
) -> Response:
    """Confirm, decline, withdraw or reopen a delegation."""
    try:
        review.change_delegation_status(
            db_session,
            edition=edition,
            delegation=delegation,
            status=status,
            actor=actor_for(account),
        )
    except DomainError as error:
        view = delegations_service.registration_view(
            db_session, edition=edition, delegation=delegation
        )
        context = forms.detail_context(request, view, _errors(request, error))
        return render(request, "delegations/detail.html", context, status_code=error.status_code)
    return _to(request, "delegation_detail", slug=edition.slug, delegation_id=delegation.id)


@router.post(
    "/delegations/{delegation_id}/quota",
    name="delegation_quota",
    dependencies=[allow(Access.organiser)],
)
def delegation_quota(
    request: Request,
    edition: OrganiserEdition,
    delegation: EditionDelegation,
    db_session: DbSessionDep,
    account: CurrentAccount,
    quota_override: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Give the delegation its own quota (empty: the edition's default)."""
    try:
        review.set_quota_override(
            db_session,
            edition=edition,
            delegation=delegation,
            quota_override=forms.quota_from_form(quota_override),
            actor=actor_for(account),
        )
    except DomainError as error:
        view = delegations_service.registration_view(
            db_session, edition=edition, delegation=delegation
        )
        context = forms.detail_context(request, view, _errors(request, error))
        return render(request, "delegations/detail.html", context, status_code=error.status_code)
    return _to(request, "delegation_detail", slug=edition.slug, delegation_id=delegation.id)


@router.post(
    "/delegations/{delegation_id}/link",
    name="delegation_reissue_link",
    dependencies=[allow(Access.organiser)],
)
def delegation_reissue_link(
    request: Request,
    edition: OrganiserEdition,
    delegation: EditionDelegation,
    db_session: DbSessionDep,
    account: CurrentAccount,
    background: BackgroundTasks,
) -> HTMLResponse:
    """Issue a new private link, shown once; the old link stops working."""
    entity = delegations_service.entity_of(db_session, delegation)
    link = invitations.reissue_link(
        db_session, edition=edition, delegation=delegation, entity=entity, actor=actor_for(account)
    )
    background.add_task(mail_service.deliver_after_response, db_session)
    issued = [invitations.IssuedLink(delegation, entity, link)]
    return render(request, "delegations/links.html", {"edition": edition, "issued": issued})


@router.post(
    "/delegations/{delegation_id}/review",
    name="delegation_review",
    dependencies=[allow(Access.organiser)],
)
async def delegation_review(
    request: Request,
    edition: OrganiserEdition,
    delegation: EditionDelegation,
    db_session: DbSessionDep,
    account: CurrentAccount,
    background: BackgroundTasks,
) -> Response:
    """Accredit or reject the ticked members at once."""
    form = await request.form()
    try:
        ids, status, reason = forms.review_from_form(form)
        review.review_participants(
            db_session,
            edition=edition,
            participant_ids=ids,
            status=status,
            reason=reason,
            actor=actor_for(account),
        )
    except DomainError as error:
        view = delegations_service.registration_view(
            db_session, edition=edition, delegation=delegation
        )
        context = forms.detail_context(request, view, _errors(request, error))
        return render(request, "delegations/detail.html", context, status_code=error.status_code)
    if status == ParticipantStatus.accredited:
        background.add_task(mail_service.deliver_after_response, db_session)
    return _to(request, "delegation_detail", slug=edition.slug, delegation_id=delegation.id)


@router.get(
    "/delegations/{delegation_id}/letter",
    name="delegation_letter",
    dependencies=[allow(Access.viewer)],
)
def delegation_letter(delegation: EditionDelegation) -> FileResponse:
    """The delegation's nomination letter."""
    return FileResponse(
        uploads.letter_path(delegation),
        media_type="application/pdf",
        filename=uploads.letter_name(delegation),
        headers={"Cache-Control": "no-store"},
    )


@router.get("/requests", name="join_requests", dependencies=[allow(Access.viewer)])
def join_requests(
    request: Request, edition: OrganiserEdition, db_session: DbSessionDep
) -> HTMLResponse:
    """Requests to take part from uninvited entities."""
    rows = invitations.list_join_requests(db_session, edition=edition)
    return render(request, "delegations/requests.html", {"edition": edition, "rows": rows})


@router.post(
    "/requests/{request_id}", name="join_request_decide", dependencies=[allow(Access.organiser)]
)
def join_request_decide(
    request: Request,
    request_id: RowId,
    edition: OrganiserEdition,
    db_session: DbSessionDep,
    account: CurrentAccount,
    background: BackgroundTasks,
    decision: Annotated[str, Form(pattern="^(approve|refuse)$")],
) -> Response:
    """Approve a request (the entity is invited and its contact gets the link) or refuse it."""
    invitations.decide_join_request(
        db_session,
        edition=edition,
        request_id=request_id,
        approve=decision == "approve",
        actor=actor_for(account),
    )
    background.add_task(mail_service.deliver_after_response, db_session)
    return _to(request, "join_requests", slug=edition.slug)


@router.get("/outbox", name="outbox", dependencies=[allow(Access.viewer)])
def outbox(request: Request, edition: OrganiserEdition, db_session: DbSessionDep) -> HTMLResponse:
    """The messages of this edition: queued, sent, written as .eml, failed."""
    messages = mail_service.list_outbox(db_session, edition_id=edition.id)
    return render(request, "delegations/outbox.html", {"edition": edition, "messages": messages})


@router.post("/outbox/send", name="outbox_send", dependencies=[allow(Access.organiser)])
def outbox_send(request: Request, edition: OrganiserEdition, db_session: DbSessionDep) -> Response:
    """Try every due message now."""
    mail_service.deliver_queued(db_session)
    return _to(request, "outbox", slug=edition.slug)
