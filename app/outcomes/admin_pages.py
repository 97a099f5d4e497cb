"""Organiser pages of outcome statements: write, edit, adopt, publish, compare revisions."""

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.audit.presenters import stale_form
from app.auth.access import Access, CurrentAccount, allow, may
from app.auth.models import Account
from app.auth.service import actor_for
from app.db import DbSessionDep
from app.editions.dependencies import AnyEdition
from app.editions.models import Edition
from app.errors import DomainError
from app.i18n import N_, gettext
from app.outcomes import service as outcomes_service
from app.outcomes.dependencies import AnyStatement
from app.outcomes.models import OutcomeKind, OutcomeStatement
from app.outcomes.presenters import statement_text
from app.outcomes.schemas import AdoptRequest, OutcomeForm, RevisionNumber
from app.web.conditional import row_etag
from app.web.confirm import confirmation_page, is_confirmed
from app.web.flash import set_flash
from app.web.forms import domain_errors, form_values, parse_form
from app.web.templating import error_message, render

router = APIRouter(prefix="/admin/editions/{slug}/outcomes", include_in_schema=False)

FORM_FIELDS = (
    "kind", "symbol", "title_en", "title_fr", "title_ar", "body_en", "body_fr", "body_ar",
)  # fmt: skip


def _form(
    request: Request,
    edition: Edition,
    values: dict[str, str],
    errors: dict[str, str],
    *,
    statement: OutcomeStatement | None = None,
    status_code: int = 200,
    changed_meanwhile: str | None = None,
) -> HTMLResponse:
    return render(
        request,
        "outcomes/form.html",
        {
            "edition": edition,
            "statement": statement,
            "version": row_etag(statement) if statement is not None else "",
            "changed_meanwhile": changed_meanwhile,
            "values": values,
            "errors": errors,
            "kinds": list(OutcomeKind),
        },
        status_code=status_code,
    )


@router.get("/new", name="outcome_new", dependencies=[allow(Access.organiser)])
def new_statement_form(
    request: Request, edition: AnyEdition, db_session: DbSessionDep
) -> HTMLResponse:
    """The form of a new statement, with the next free symbol proposed."""
    values = {
        "kind": "declaration",
        "symbol": outcomes_service.propose_symbol(db_session, edition=edition),
    }
    return _form(request, edition, values, {})


@router.post("/new", name="outcome_create", dependencies=[allow(Access.organiser)])
async def create_statement(
    request: Request, edition: AnyEdition, db_session: DbSessionDep, account: CurrentAccount
) -> Response:
    """Save a new draft statement, or show the form again with what to correct."""
    values = form_values(await request.form(), FORM_FIELDS)
    statement_in, errors = parse_form(request, OutcomeForm, values, body_en=values["body_en"])
    if statement_in is not None:
        try:
            statement = outcomes_service.create_statement(
                db_session, edition=edition, statement_in=statement_in, actor=actor_for(account)
            )
        except DomainError as error:
            errors = domain_errors(request, error)
        else:
            return _to_statement(request, edition, statement, N_("Draft statement saved."))
    return _form(request, edition, values, errors, status_code=422)


def _to_statement(
    request: Request, edition: Edition, statement: OutcomeStatement, message: str
) -> Response:
    url = request.app.url_path_for("outcome_admin", slug=edition.slug, statement_id=statement.id)
    return set_flash(RedirectResponse(str(url), status_code=303), message)


def _statement_page(
    request: Request,
    db_session: DbSessionDep,
    edition: Edition,
    statement: OutcomeStatement,
    account: Account,
    *,
    refusal: str | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "outcomes/admin.html",
        {
            "edition": edition,
            "statement": statement,
            "text": statement_text(statement, request.state.language),
            "revisions": outcomes_service.list_revisions(db_session, statement=statement),
            "can_write": may(account, Access.organiser),
            "refusal": refusal,
            "errors": errors or {},
        },
        status_code=status_code,
    )


@router.get("/{statement_id}", name="outcome_admin", dependencies=[allow(Access.viewer)])
def statement_admin(
    request: Request,
    edition: AnyEdition,
    statement: AnyStatement,
    db_session: DbSessionDep,
    account: CurrentAccount,
) -> HTMLResponse:
    """A statement with its status, its text and the list of its revisions."""
    return _statement_page(request, db_session, edition, statement, account)


@router.get("/{statement_id}/edit", name="outcome_edit", dependencies=[allow(Access.organiser)])
def edit_statement_form(
    request: Request, edition: AnyEdition, statement: AnyStatement
) -> HTMLResponse:
    """The edit form, filled with the current texts."""
    values = {name: getattr(statement, name) or "" for name in FORM_FIELDS}
    return _form(request, edition, values, {}, statement=statement)


@router.post("/{statement_id}/edit", name="outcome_update", dependencies=[allow(Access.organiser)])
async def update_statement(
    request: Request,
    edition: AnyEdition,
    statement: AnyStatement,
    db_session: DbSessionDep,
    account: CurrentAccount,
) -> Response:
    """Save the changes as a new revision, or show the form again; if someone else changed
    the statement since the form was opened, show the form again as typed, with who and
    when."""
    form = await request.form()
    values = form_values(form, FORM_FIELDS)
    message = stale_form(request, db_session, form, subject=statement, time_zone=edition.time_zone)
    if message is not None:
        return _form(
            request,
            edition,
            values,
            {},
            statement=statement,
            status_code=409,
            changed_meanwhile=message,
        )
    statement_in, errors = parse_form(request, OutcomeForm, values, body_en=values["body_en"])
    if statement_in is not None:
        try:
            outcomes_service.update_statement(
                db_session, statement=statement, statement_in=statement_in, actor=actor_for(account)
            )
        except DomainError as error:
            errors = domain_errors(request, error)
        else:
            return _to_statement(request, edition, statement, N_("Statement saved."))
    return _form(request, edition, values, errors, statement=statement, status_code=422)


@router.post("/{statement_id}/adopt", name="outcome_adopt", dependencies=[allow(Access.organiser)])
async def adopt_statement(
    request: Request,
    edition: AnyEdition,
    statement: AnyStatement,
    db_session: DbSessionDep,
    account: CurrentAccount,
) -> Response:
    """Record the adoption and its date."""
    values = form_values(await request.form(), ("adopted_date",))
    adopt_in, errors = parse_form(request, AdoptRequest, values)
    if adopt_in is not None:
        try:
            outcomes_service.adopt_statement(
                db_session,
                statement=statement,
                adopted_date=adopt_in.adopted_date,
                actor=actor_for(account),
            )
        except DomainError as error:
            errors = domain_errors(request, error)
        else:
            return _to_statement(request, edition, statement, N_("Adoption recorded."))
    return _statement_page(
        request, db_session, edition, statement, account, errors=errors, status_code=422
    )


@router.post(
    "/{statement_id}/publish", name="outcome_publish", dependencies=[allow(Access.organiser)]
)
def publish_statement(
    request: Request,
    edition: AnyEdition,
    statement: AnyStatement,
    db_session: DbSessionDep,
    account: CurrentAccount,
    confirm: Annotated[str, Form(max_length=3)] = "",
) -> Response:
    """Publish the statement once confirmed (its text is then frozen), or say why it
    cannot be."""
    if not is_confirmed(confirm):
        language = request.state.language
        url = request.app.url_path_for(
            "outcome_admin", slug=edition.slug, statement_id=statement.id
        )
        return confirmation_page(
            request,
            title=gettext(language, N_("Publish this statement?")),
            message=gettext(
                language,
                N_(
                    "Once published, the text of {symbol} is frozen: later changes need a "
                    "new statement."
                ),
                symbol=statement.symbol,
            ),
            button=gettext(language, N_("Publish the statement")),
            cancel_url=str(url),
        )
    try:
        outcomes_service.publish_statement(
            db_session, edition=edition, statement=statement, actor=actor_for(account)
        )
    except DomainError as error:
        return _statement_page(
            request,
            db_session,
            edition,
            statement,
            account,
            refusal=error_message(request, error),
            status_code=error.status_code,
        )
    return _to_statement(request, edition, statement, N_("Statement published."))


@router.get("/{statement_id}/diff", name="outcome_diff", dependencies=[allow(Access.viewer)])
def compare_revisions(
    request: Request,
    edition: AnyEdition,
    statement: AnyStatement,
    db_session: DbSessionDep,
    older: Annotated[RevisionNumber, Query()],
    newer: Annotated[RevisionNumber, Query()],
) -> HTMLResponse:
    """What changed between two revisions, title and text in each language."""
    comparison = outcomes_service.compare_revisions(
        db_session, statement=statement, older=older, newer=newer
    )
    return render(
        request,
        "outcomes/diff.html",
        {"edition": edition, "statement": statement, "comparison": comparison},
    )
