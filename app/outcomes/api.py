"""JSON API of outcome statements: the public reads published ones, organisers write."""

from fastapi import APIRouter, Request, Response, status

from app.auth.access import Access, CurrentAccount, allow
from app.auth.service import actor_for
from app.db import DbSessionDep
from app.editions.dependencies import AnyEdition, VisibleEdition
from app.outcomes import service as outcomes_service
from app.outcomes.models import OutcomeStatement
from app.outcomes.presenters import outcome_detail, outcome_read
from app.outcomes.schemas import (
    AdoptRequest,
    OutcomeCreate,
    OutcomeDetail,
    OutcomeRead,
    OutcomeRevisionRead,
    OutcomeUpdate,
    StatementId,
)
from app.web.conditional import check_if_match, set_etag
from app.web.pagination import PageDep, paged
from app.web.templating import absolute_url

router = APIRouter(prefix="/api/v1/editions/{slug}/outcomes", tags=["outcomes"])


def _signed_in(request: Request) -> bool:
    return getattr(request.state, "account", None) is not None


def _statement(
    request: Request, db_session: DbSessionDep, edition: object, statement_id: StatementId
) -> OutcomeStatement:
    return outcomes_service.get_statement(
        db_session,
        edition=edition,  # type: ignore[arg-type]
        statement_id=statement_id,
        published_only=not _signed_in(request),
    )


@router.get("", name="api_list_outcomes", dependencies=[allow(Access.public)])
def list_outcomes(
    request: Request,
    response: Response,
    edition: VisibleEdition,
    db_session: DbSessionDep,
    page: PageDep,
) -> list[OutcomeRead]:
    """The edition's statements: published ones, and drafts too for organisers."""
    statements = outcomes_service.page_statements(
        db_session, edition=edition, published_only=not _signed_in(request), page=page
    )
    return [
        outcome_read(request, edition, s, request.state.language)
        for s in paged(request, response, statements, page)
    ]


@router.get("/{statement_id}", name="api_get_outcome", dependencies=[allow(Access.public)])
def get_outcome(
    request: Request,
    response: Response,
    edition: VisibleEdition,
    statement_id: StatementId,
    db_session: DbSessionDep,
) -> OutcomeDetail:
    """One statement: its texts in Markdown and its text rendered as safe HTML."""
    statement = _statement(request, db_session, edition, statement_id)
    set_etag(response, statement)
    return outcome_detail(request, edition, statement, request.state.language)


@router.post(
    "",
    name="api_create_outcome",
    status_code=status.HTTP_201_CREATED,
    dependencies=[allow(Access.organiser)],
)
def create_outcome(
    request: Request,
    response: Response,
    edition: AnyEdition,
    statement_in: OutcomeCreate,
    db_session: DbSessionDep,
    account: CurrentAccount,
) -> OutcomeDetail:
    """Write a draft statement (its symbol proposed when not given)."""
    statement = outcomes_service.create_statement(
        db_session, edition=edition, statement_in=statement_in, actor=actor_for(account)
    )
    response.headers["Location"] = absolute_url(
        request, "api_get_outcome", slug=edition.slug, statement_id=statement.id
    )
    return outcome_detail(request, edition, statement, request.state.language)


@router.patch("/{statement_id}", name="api_update_outcome", dependencies=[allow(Access.organiser)])
def update_outcome(
    request: Request,
    response: Response,
    edition: AnyEdition,
    statement_id: StatementId,
    statement_in: OutcomeUpdate,
    db_session: DbSessionDep,
    account: CurrentAccount,
) -> OutcomeDetail:
    """Change a statement not yet published; a change of text makes a new revision."""
    statement = _statement(request, db_session, edition, statement_id)
    check_if_match(request, db_session, statement)
    statement = outcomes_service.update_statement(
        db_session, statement=statement, statement_in=statement_in, actor=actor_for(account)
    )
    set_etag(response, statement)
    return outcome_detail(request, edition, statement, request.state.language)


@router.post(
    "/{statement_id}/adopt", name="api_adopt_outcome", dependencies=[allow(Access.organiser)]
)
def adopt_outcome(
    request: Request,
    edition: AnyEdition,
    statement_id: StatementId,
    adopt_in: AdoptRequest,
    db_session: DbSessionDep,
    account: CurrentAccount,
) -> OutcomeDetail:
    """Record the adoption of a draft statement and its date."""
    statement = outcomes_service.adopt_statement(
        db_session,
        statement=_statement(request, db_session, edition, statement_id),
        adopted_date=adopt_in.adopted_date,
        actor=actor_for(account),
    )
    return outcome_detail(request, edition, statement, request.state.language)


@router.post(
    "/{statement_id}/publish", name="api_publish_outcome", dependencies=[allow(Access.organiser)]
)
def publish_outcome(
    request: Request,
    edition: AnyEdition,
    statement_id: StatementId,
    db_session: DbSessionDep,
    account: CurrentAccount,
) -> OutcomeDetail:
    """Publish an adopted statement."""
    statement = outcomes_service.publish_statement(
        db_session,
        edition=edition,
        statement=_statement(request, db_session, edition, statement_id),
        actor=actor_for(account),
    )
    return outcome_detail(request, edition, statement, request.state.language)


@router.get(
    "/{statement_id}/revisions",
    name="api_list_outcome_revisions",
    dependencies=[allow(Access.viewer)],
)
def list_outcome_revisions(
    request: Request,
    response: Response,
    edition: AnyEdition,
    statement_id: StatementId,
    db_session: DbSessionDep,
    page: PageDep,
) -> list[OutcomeRevisionRead]:
    """Every revision of the statement's text: number, who and when."""
    statement = _statement(request, db_session, edition, statement_id)
    revisions = outcomes_service.page_revisions(db_session, statement=statement, page=page)
    return [
        OutcomeRevisionRead(number=r.number, actor=r.actor_label, created_at=r.created_at)
        for r in paged(request, response, revisions, page)
    ]
