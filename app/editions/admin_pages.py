"""Organiser pages of an edition: create one from scratch, edit it, move it through its
lifecycle."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.audit.presenters import stale_form
from app.auth.access import Access, CurrentAccount, allow, may
from app.auth.service import actor_for
from app.db import DbSessionDep
from app.editions import cloning, lifecycle
from app.editions import service as editions_service
from app.editions.dependencies import AnyEdition
from app.editions.models import Edition, EditionKind, EditionStatus
from app.editions.schemas import EditionCreate, EditionEditForm
from app.entities import service as entities_service
from app.entities.models import EntityType
from app.errors import DomainError
from app.i18n import N_
from app.outcomes import service as outcomes_service
from app.web.conditional import row_etag
from app.web.flash import set_flash
from app.web.forms import domain_errors, form_values, parse_form
from app.web.templating import error_message, render

router = APIRouter(prefix="/admin/editions", include_in_schema=False)

CREATE_FIELDS = (
    "clone_from", "kind", "number", "slug", "title_en", "title_fr", "title_ar", "city_en",
    "city_fr", "city_ar", "country_code", "venue", "start_date", "end_date", "time_zone",
)  # fmt: skip
EDIT_FIELDS = (
    "title_en", "title_fr", "title_ar", "city_en", "city_fr", "city_ar", "country_code",
    "venue", "start_date", "end_date", "time_zone", "summary_en", "summary_fr", "summary_ar",
)  # fmt: skip


SlugQuery = Annotated[str | None, Query(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$")]


def _without(values: dict[str, str], name: str) -> dict[str, str]:
    return {key: value for key, value in values.items() if key != name}


def _form_page(
    request: Request,
    db_session: DbSessionDep,
    template: str,
    values: dict[str, str],
    errors: dict[str, str],
    *,
    edition: Edition | None = None,
    status_code: int = 200,
    changed_meanwhile: str | None = None,
) -> HTMLResponse:
    countries = entities_service.list_entities(db_session, entity_type=EntityType.member_state)
    return render(
        request,
        template,
        {
            "values": values,
            "errors": errors,
            "edition": edition,
            "version": row_etag(edition) if edition is not None else "",
            "changed_meanwhile": changed_meanwhile,
            "countries": countries,
            "kinds": list(EditionKind),
            "sources": editions_service.list_editions(db_session, include_drafts=True)
            if edition is None
            else [],
        },
        status_code=status_code,
    )


@router.get("/new", name="edition_new", dependencies=[allow(Access.organiser)])
def new_edition_form(
    request: Request, db_session: DbSessionDep, clone_from: SlugQuery = None
) -> HTMLResponse:
    """The form of a new edition, with the next session number proposed; it may start from
    an earlier edition (its agenda, registration settings and invited entities)."""
    values = {**editions_service.new_edition_defaults(db_session), "clone_from": clone_from or ""}
    return _form_page(request, db_session, "editions/new.html", values, {})


@router.post("/new", name="edition_create", dependencies=[allow(Access.organiser)])
async def create_edition(
    request: Request, db_session: DbSessionDep, account: CurrentAccount
) -> Response:
    """Create the draft edition, or show the form again with what to correct."""
    values = form_values(await request.form(), CREATE_FIELDS)
    edition_in, errors = parse_form(request, EditionCreate, _without(values, "clone_from"))
    if edition_in is not None:
        try:
            edition = cloning.create_or_clone_edition(
                db_session,
                clone_from=values["clone_from"],
                edition_in=edition_in,
                actor=actor_for(account),
            )
        except DomainError as error:
            errors = domain_errors(request, error)
        else:
            target = request.app.url_path_for("edition_admin", slug=edition.slug)
            response = RedirectResponse(str(target), status_code=303)
            return set_flash(response, N_("Edition created as a draft."))
    return _form_page(request, db_session, "editions/new.html", values, errors, status_code=422)


@router.get("/{slug}", name="edition_admin", dependencies=[allow(Access.viewer)])
def edition_admin(
    request: Request,
    edition: AnyEdition,
    db_session: DbSessionDep,
    account: CurrentAccount,
    moved: EditionStatus | None = None,
) -> HTMLResponse:
    """An edition as organisers manage it: details, status and the next steps."""
    return _admin_page(request, db_session, edition, account, moved=moved)


def _admin_page(
    request: Request,
    db_session: DbSessionDep,
    edition: Edition,
    account: object,
    *,
    moved: EditionStatus | None = None,
    refusal: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    countries = editions_service.countries_by_id(db_session, [edition])
    return render(
        request,
        "editions/admin.html",
        {
            "edition": edition,
            "country": countries.get(edition.country_id or 0),
            "transitions": lifecycle.available_transitions(edition),
            "can_write": may(account, Access.organiser),  # type: ignore[arg-type]
            "can_purge": may(account, Access.admin),  # type: ignore[arg-type]
            "moved": moved,
            "refusal": refusal,
            "statements": outcomes_service.list_statements(db_session, edition=edition),
        },
        status_code=status_code,
    )


@router.post(
    "/{slug}/transitions", name="edition_transition", dependencies=[allow(Access.organiser)]
)
async def transition_edition(
    request: Request, edition: AnyEdition, db_session: DbSessionDep, account: CurrentAccount
) -> Response:
    """Apply a lifecycle action; when it is refused, say why on the same page."""
    target = form_values(await request.form(), ("to",))["to"]
    try:
        lifecycle.transition_edition(
            db_session,
            edition=edition,
            target=lifecycle.parse_status(target),
            actor=actor_for(account),
        )
    except DomainError as error:
        refusal = error_message(request, error)
        return _admin_page(
            request, db_session, edition, account, refusal=refusal, status_code=error.status_code
        )
    url = request.app.url_path_for("edition_admin", slug=edition.slug)
    return RedirectResponse(f"{url}?moved={edition.status}", status_code=303)


@router.get("/{slug}/edit", name="edition_edit", dependencies=[allow(Access.organiser)])
def edit_edition_form(
    request: Request, edition: AnyEdition, db_session: DbSessionDep
) -> HTMLResponse:
    """The edit form, filled with the edition's details."""
    values = editions_service.edition_form_values(db_session, edition)
    return _form_page(request, db_session, "editions/edit.html", values, {}, edition=edition)


@router.post("/{slug}/edit", name="edition_update", dependencies=[allow(Access.organiser)])
async def update_edition(
    request: Request, edition: AnyEdition, db_session: DbSessionDep, account: CurrentAccount
) -> Response:
    """Save the edition's details, or show the form again with what to correct; if someone
    else changed it since the form was opened, show the form again as typed, with who and
    when."""
    form = await request.form()
    values = form_values(form, EDIT_FIELDS)
    message = stale_form(request, db_session, form, subject=edition, time_zone=edition.time_zone)
    if message is not None:
        return _form_page(
            request,
            db_session,
            "editions/edit.html",
            values,
            {},
            edition=edition,
            status_code=409,
            changed_meanwhile=message,
        )
    edition_in, errors = parse_form(request, EditionEditForm, values)
    if edition_in is not None:
        try:
            editions_service.update_edition(
                db_session, edition=edition, edition_in=edition_in, actor=actor_for(account)
            )
        except DomainError as error:
            errors = domain_errors(request, error)
        else:
            target = request.app.url_path_for("edition_admin", slug=edition.slug)
            return set_flash(RedirectResponse(str(target), status_code=303), N_("Edition saved."))
    return _form_page(
        request, db_session, "editions/edit.html", values, errors, edition=edition, status_code=422
    )
