"""JSON API for editions: public reading, organiser writing."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from app.auth.access import Access, CurrentAccount, allow
from app.auth.service import actor_for
from app.db import DbSessionDep
from app.editions import cloning, lifecycle
from app.editions import service as editions_service
from app.editions.dependencies import AnyEdition, VisibleEdition
from app.editions.models import Edition, EditionKind, EditionStatus
from app.editions.presenters import edition_detail, edition_read
from app.editions.schemas import (
    EditionCreate,
    EditionDetail,
    EditionRead,
    EditionUpdate,
    TransitionRequest,
)
from app.entities.models import Entity
from app.history import service as history_service
from app.paging import Paged
from app.web.conditional import check_if_match, set_etag
from app.web.memo import per_content_version
from app.web.pagination import PageDep, paged
from app.web.templating import absolute_url

router = APIRouter(prefix="/api/v1/editions", tags=["editions"])


def _language(request: Request) -> str:
    return request.state.language


@router.get("", name="api_list_editions", dependencies=[allow(Access.public)])
def list_editions(
    request: Request,
    response: Response,
    db_session: DbSessionDep,
    page: PageDep,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    kind: EditionKind | None = None,
    status: EditionStatus | None = None,
    q: Annotated[
        str | None, Query(max_length=100, description="title or city, any spelling")
    ] = None,
) -> list[EditionRead]:
    """Editions in chronological order; drafts only for organisers."""
    signed_in = getattr(request.state, "account", None) is not None

    def read() -> tuple[Paged[Edition], dict[int, Entity]]:
        found = editions_service.page_editions(
            db_session,
            include_drafts=signed_in,
            year=year,
            kind=kind,
            status=status,
            text=q,
            page=page,
        )
        return found, editions_service.countries_by_id(db_session, found.entries)

    filters = ("api_list_editions", signed_in, year, kind, status, q, page.limit, page.offset)
    result, countries = per_content_version(request, filters, read, edition=None)
    editions = paged(request, response, result, page)
    return [
        edition_read(request, edition, countries.get(edition.country_id or 0), _language(request))
        for edition in editions
    ]


@router.get("/{slug}", name="api_get_edition", dependencies=[allow(Access.public)])
def get_edition(
    request: Request, response: Response, edition: VisibleEdition, db_session: DbSessionDep
) -> EditionDetail:
    """One edition with its reported figures, people, themes, outcomes and sources."""
    set_etag(response, edition)
    countries = editions_service.countries_by_id(db_session, [edition])
    record = history_service.records_for(db_session, [edition])[edition.id or 0]
    return edition_detail(
        request, edition, countries.get(edition.country_id or 0), record, _language(request)
    )


@router.post(
    "",
    name="api_create_edition",
    status_code=status.HTTP_201_CREATED,
    dependencies=[allow(Access.organiser)],
)
def create_edition(
    request: Request,
    response: Response,
    edition_in: EditionCreate,
    db_session: DbSessionDep,
    account: CurrentAccount,
) -> EditionRead:
    """Create a draft edition."""
    edition = editions_service.create_edition(
        db_session, edition_in=edition_in, actor=actor_for(account)
    )
    response.headers["Location"] = absolute_url(request, "api_get_edition", slug=edition.slug)
    countries = editions_service.countries_by_id(db_session, [edition])
    return edition_read(
        request, edition, countries.get(edition.country_id or 0), _language(request)
    )


@router.post(
    "/{slug}/clone",
    name="api_clone_edition",
    status_code=status.HTTP_201_CREATED,
    dependencies=[allow(Access.organiser)],
    responses={422: {"description": "The new dates are shorter than the agenda copied."}},
)
def clone_edition(
    request: Request,
    response: Response,
    edition: AnyEdition,
    edition_in: EditionCreate,
    db_session: DbSessionDep,
    account: CurrentAccount,
) -> EditionRead:
    """Create a draft edition from this one: its agenda moved to the new dates, its
    registration settings and invited entities; no participant, contact, upload or outcome."""
    clone = cloning.clone_edition(
        db_session, source=edition, edition_in=edition_in, actor=actor_for(account)
    )
    response.headers["Location"] = absolute_url(request, "api_get_edition", slug=clone.slug)
    countries = editions_service.countries_by_id(db_session, [clone])
    return edition_read(request, clone, countries.get(clone.country_id or 0), _language(request))


@router.patch("/{slug}", name="api_update_edition", dependencies=[allow(Access.organiser)])
def update_edition(
    request: Request,
    response: Response,
    edition: VisibleEdition,
    edition_in: EditionUpdate,
    db_session: DbSessionDep,
    account: CurrentAccount,
) -> EditionRead:
    """Change an edition's details."""
    check_if_match(request, db_session, edition)
    edition = editions_service.update_edition(
        db_session, edition=edition, edition_in=edition_in, actor=actor_for(account)
    )
    set_etag(response, edition)
    countries = editions_service.countries_by_id(db_session, [edition])
    return edition_read(
        request, edition, countries.get(edition.country_id or 0), _language(request)
    )


@router.post(
    "/{slug}/transitions",
    name="api_transition_edition",
    dependencies=[allow(Access.organiser)],
    responses={409: {"description": "The transition is refused; the message says why."}},
)
def transition_edition(
    request: Request,
    edition: AnyEdition,
    transition_in: TransitionRequest,
    db_session: DbSessionDep,
    account: CurrentAccount,
) -> EditionRead:
    """Move the edition through its lifecycle (announce, open registration...)."""
    edition = lifecycle.transition_edition(
        db_session, edition=edition, target=transition_in.to, actor=actor_for(account)
    )
    countries = editions_service.countries_by_id(db_session, [edition])
    return edition_read(
        request, edition, countries.get(edition.country_id or 0), _language(request)
    )
