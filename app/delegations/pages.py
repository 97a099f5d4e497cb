"""Organiser pages for registration: settings, invitations, the delegations table, a
delegation's detail with bulk accreditation, requests to take part, and the outbox."""

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from app import i18n
from app.audit.presenters import stale_form
from app.auth.access import Access, CurrentAccount, allow
from app.auth.service import actor_for
from app.db import DbSessionDep
from app.delegations import forms, invitations, review, uploads, windows
from app.delegations import service as delegations_service
from app.delegations.dependencies import EditionDelegation, OrganiserEdition
from app.delegations.models import Delegation, DelegationStatus, ParticipantStatus
from app.editions.models import Edition
from app.entities.models import EntityType
from app.errors import DomainError, InvalidInput
from app.i18n import N_, gettext
from app.mail import service as mail_service
from app.web.conditional import row_etag
from app.web.confirm import confirmation_page, is_confirmed
from app.web.flash import set_flash
from app.web.params import EmptyAsNone, RowId
from app.web.templating import render

router = APIRouter(prefix="/admin/editions/{slug}", include_in_schema=False)


def _errors(request: Request, error: DomainError) -> dict[str, str]:
    return forms.field_errors(i18n.get_translations(request.state.language).gettext, error)


def _to(
    request: Request, name: str, message: str, flash: dict | None = None, **params: object
) -> RedirectResponse:
    """A 303 to the named page, which then says what was done (``message``, translated)."""
    url = request.app.url_path_for(name, **{k: str(v) for k, v in params.items()})
    return set_flash(RedirectResponse(url, status_code=303), message, **(flash or {}))


def _detail_error(
    request: Request,
    db_session: DbSessionDep,
    edition: Edition,
    delegation: Delegation,
    error: DomainError,
    **extra: object,
) -> HTMLResponse:
    """The delegation's page again, with the error next to its field."""
    view = delegations_service.registration_view(db_session, edition=edition, delegation=delegation)
    context = forms.detail_context(request, view, _errors(request, error))
    context.update(extra)
    return render(request, "delegations/detail.html", context, status_code=error.status_code)


def _change_delegation(
    request: Request,
    db_session: DbSessionDep,
    edition: Edition,
    delegation: Delegation,
    change: Callable[[], object],
    done: str,
    **typed: object,
) -> Response:
    """Make one organiser change to a delegation: back to its page saying what was done
    (``done``), or its page again with the error next to the field and what was ``typed``."""
    try:
        change()
    except DomainError as error:
        return _detail_error(request, db_session, edition, delegation, error, **typed)
    return _to(request, "delegation_detail", done, slug=edition.slug, delegation_id=delegation.id)


def _settings_page(
    request: Request,
    db_session: DbSessionDep,
    edition: Edition,
    values: dict,
    errors: dict,
    status_code: int = 200,
    changed_meanwhile: str | None = None,
) -> HTMLResponse:
    return render(
        request,
        "delegations/settings.html",
        {
            "edition": edition,
            "values": values,
            "errors": errors,
            "version": row_etag(windows.settings_of(db_session, edition)),
            "changed_meanwhile": changed_meanwhile,
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
    """Save the registration settings; if someone else changed them since the form was
    opened, show the form again as typed, with who and when."""
    form = await request.form()
    settings = windows.settings_of(db_session, edition)
    message = stale_form(request, db_session, form, subject=settings, time_zone=edition.time_zone)
    if message is not None:
        values = {
            **forms.form_values(form),
            "allowed_entity_types": form.getlist("allowed_entity_types"),
        }
        return _settings_page(request, db_session, edition, values, {}, 409, message)
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
    return _to(request, "delegations_table", N_("Registration settings saved."), slug=edition.slug)


@router.get("/delegations", name="delegations_table", dependencies=[allow(Access.viewer)])
def delegations_table(
    request: Request,
    edition: OrganiserEdition,
    db_session: DbSessionDep,
    status: Annotated[DelegationStatus | None, EmptyAsNone, Query()] = None,
    entity_type: Annotated[EntityType | None, EmptyAsNone, Query()] = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    sort: Annotated[str, Query(pattern="^(|name|status|submitted|participants)$")] = "",
    order: Annotated[str, Query(pattern="^(asc|desc)$")] = "asc",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """Every delegation with its counts, filterable (an empty filter means all), sortable by
    column, by pages of 50, with bulk actions and the invitation forms."""
    context = forms.table_context(
        db_session,
        edition,
        status=status,
        entity_type=entity_type,
        search=q,
        sort=sort,
        order=order,
        page=page,
    )
    return render(request, "delegations/table.html", context)


@router.post("/delegations/bulk", name="delegations_bulk", dependencies=[allow(Access.organiser)])
async def delegations_bulk(
    request: Request,
    edition: OrganiserEdition,
    db_session: DbSessionDep,
    account: CurrentAccount,
    background: BackgroundTasks,
) -> Response:
    """One review action on the ticked delegations, or on every delegation the filters
    match; the page then says what was done and what was refused, and why."""
    form = await request.form()
    filters = forms.bulk_filters(form)
    context = forms.table_context(db_session, edition, **filters)
    try:
        delegations = forms.bulk_selection(form, context["all_rows"])
        outcome = review.bulk_review(
            db_session,
            edition=edition,
            action=str(form.get("action") or ""),
            delegations=delegations,
            actor=actor_for(account),
        )
    except DomainError as error:
        context.update(errors=_errors(request, error))
        return render(request, "delegations/table.html", context, status_code=error.status_code)
    background.add_task(mail_service.deliver_after_response, db_session)
    context = forms.table_context(db_session, edition, **filters)
    context.update(bulk=outcome, bulk_action=form.get("action"))
    return render(request, "delegations/table.html", context)


@router.post(
    "/delegations/import", name="delegations_import", dependencies=[allow(Access.organiser)]
)
async def delegations_import(
    request: Request,
    edition: OrganiserEdition,
    db_session: DbSessionDep,
    account: CurrentAccount,
    background: BackgroundTasks,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Invite the focal points listed in a CSV file: every row is checked first, and if any
    is wrong nothing is invited and each wrong row is listed, to correct the file."""
    try:
        content = await file.read(invitations.MAX_CSV_BYTES + 1) if file else b""
        if not content:
            raise InvalidInput(N_("Choose a CSV file."), field="file")
        rows, row_errors = invitations.read_focal_points_csv(
            db_session, edition=edition, content=content
        )
    except DomainError as error:
        context = forms.table_context(db_session, edition)
        context.update(errors=_errors(request, error))
        return render(request, "delegations/table.html", context, status_code=error.status_code)
    if row_errors:
        context = forms.table_context(db_session, edition)
        context.update(row_errors=row_errors, errors={})
        return render(request, "delegations/table.html", context, status_code=422)
    issued = invitations.invite_focal_points(
        db_session, edition=edition, rows=rows, actor=actor_for(account)
    )
    background.add_task(mail_service.deliver_after_response, db_session)
    return render(request, "delegations/links.html", {"edition": edition, "issued": issued})


@router.post(
    "/delegations/links.csv", name="delegations_links_csv", dependencies=[allow(Access.organiser)]
)
async def delegations_links_csv(
    request: Request, edition: OrganiserEdition, db_session: DbSessionDep
) -> Response:
    """The links just shown, as CSV: the page posts them back (the server keeps none)."""
    form = await request.form()
    pairs = [str(value) for value in form.getlist("link")]
    return Response(
        invitations.links_csv(db_session, edition=edition, pairs=pairs),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{edition.slug}-private-links.csv"',
            "Cache-Control": "no-store",
        },
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
    return _change_delegation(
        request,
        db_session,
        edition,
        delegation,
        lambda: review.change_delegation_status(
            db_session,
            edition=edition,
            delegation=delegation,
            status=status,
            actor=actor_for(account),
        ),
        N_("Status changed."),
    )


@router.post(
    "/delegations/{delegation_id}/focal-point",
    name="delegation_focal_point",
    dependencies=[allow(Access.organiser)],
)
def delegation_focal_point(
    request: Request,
    edition: OrganiserEdition,
    delegation: EditionDelegation,
    db_session: DbSessionDep,
    account: CurrentAccount,
    focal_point_name: Annotated[str, Form(max_length=300)] = "",
    focal_point_email: Annotated[str, Form(max_length=300)] = "",
    focal_point_language: Annotated[str, Form(max_length=5)] = "en",
) -> Response:
    """Correct the focal point's name, email and language."""
    return _change_delegation(
        request,
        db_session,
        edition,
        delegation,
        lambda: invitations.update_focal_point(
            db_session,
            edition=edition,
            delegation=delegation,
            name=focal_point_name,
            email=focal_point_email,
            language=focal_point_language,
            actor=actor_for(account),
        ),
        N_("Focal point's contact saved."),
        focal_values={
            "focal_point_name": focal_point_name,
            "focal_point_email": focal_point_email,
            "focal_point_language": focal_point_language,
        },
    )


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
    return _change_delegation(
        request,
        db_session,
        edition,
        delegation,
        lambda: review.set_quota_override(
            db_session,
            edition=edition,
            delegation=delegation,
            quota_override=forms.quota_from_form(quota_override),
            actor=actor_for(account),
        ),
        N_("Quota saved."),
    )


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
    confirm: Annotated[str, Form(max_length=3)] = "",
) -> HTMLResponse:
    """Issue a new private link, shown once, after a confirmation: the old link stops
    working."""
    entity = delegations_service.entity_of(db_session, delegation)
    if not is_confirmed(confirm):
        language = request.state.language
        url = request.app.url_path_for(
            "delegation_detail", slug=edition.slug, delegation_id=str(delegation.id)
        )
        return confirmation_page(
            request,
            title=gettext(language, N_("Issue a new private link?")),
            message=gettext(
                language,
                N_(
                    "The current link of {entity} will stop working at once; the focal point "
                    "must use the new one."
                ),
                entity=i18n.localized(entity, "name", language)[0],
            ),
            button=gettext(language, N_("Issue a new link")),
            cancel_url=str(url),
        )
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
        return _detail_error(request, db_session, edition, delegation, error)
    if status == ParticipantStatus.accredited:
        background.add_task(mail_service.deliver_after_response, db_session)
    messages = {
        ParticipantStatus.accredited: N_("Members accredited: {n}."),
        ParticipantStatus.rejected: N_("Members rejected: {n}."),
        ParticipantStatus.pending: N_("Members set back to pending: {n}."),
    }
    return _to(
        request,
        "delegation_detail",
        messages[status],
        flash={"n": len(set(ids))},
        slug=edition.slug,
        delegation_id=delegation.id,
    )


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
    message = (
        N_("Request approved: the entity is invited and its contact is sent the link.")
        if decision == "approve"
        else N_("Request refused.")
    )
    return _to(request, "join_requests", message, slug=edition.slug)


@router.get("/outbox", name="outbox", dependencies=[allow(Access.viewer)])
def outbox(request: Request, edition: OrganiserEdition, db_session: DbSessionDep) -> HTMLResponse:
    """The messages of this edition: queued, sent, written as .eml, failed."""
    messages = mail_service.list_outbox(db_session, edition_id=edition.id)
    return render(request, "delegations/outbox.html", {"edition": edition, "messages": messages})


@router.post("/outbox/send", name="outbox_send", dependencies=[allow(Access.organiser)])
def outbox_send(request: Request, edition: OrganiserEdition, db_session: DbSessionDep) -> Response:
    """Try every due message now."""
    result = mail_service.deliver_queued(db_session)
    return _to(
        request,
        "outbox",
        N_("Due messages tried: {sent} delivered, {failed} not delivered."),
        flash={"sent": result["sent"] + result["written"], "failed": result["failed"]},
        slug=edition.slug,
    )


@router.get("/outbox/{message_id}", name="outbox_message", dependencies=[allow(Access.viewer)])
def outbox_message(
    request: Request, edition: OrganiserEdition, db_session: DbSessionDep, message_id: RowId
) -> HTMLResponse:
    """One message as its recipient reads it (private links masked), and its delivery:
    attempts, the last error, the next try."""
    message = mail_service.get_message(
        db_session, edition_id=edition.id or 0, message_id=message_id
    )
    return render(
        request,
        "delegations/outbox_message.html",
        {
            "edition": edition,
            "message": message,
            "subject": mail_service.preview_text(message.subject),
            "body": mail_service.preview_text(message.body_text),
        },
    )


@router.post(
    "/outbox/{message_id}/resend", name="outbox_resend", dependencies=[allow(Access.organiser)]
)
def outbox_resend(
    request: Request,
    edition: OrganiserEdition,
    db_session: DbSessionDep,
    account: CurrentAccount,
    background: BackgroundTasks,
    message_id: RowId,
) -> Response:
    """Send a message again (a failed one, or one the recipient did not get)."""
    message = mail_service.get_message(
        db_session, edition_id=edition.id or 0, message_id=message_id
    )
    mail_service.resend_message(db_session, message=message, actor=actor_for(account))
    background.add_task(mail_service.deliver_after_response, db_session)
    return _to(
        request,
        "outbox_message",
        N_("The message is queued to be sent again."),
        slug=edition.slug,
        message_id=message_id,
    )
