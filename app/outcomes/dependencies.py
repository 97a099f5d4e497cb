"""Loading an outcome statement from the path."""

from typing import Annotated

from fastapi import Depends

from app.db import DbSessionDep
from app.editions.dependencies import AnyEdition, VisibleEdition
from app.outcomes import service as outcomes_service
from app.outcomes.models import OutcomeStatement
from app.outcomes.schemas import StatementId


def _published_statement(
    statement_id: StatementId, edition: VisibleEdition, db_session: DbSessionDep
) -> OutcomeStatement:
    return outcomes_service.get_statement(
        db_session, edition=edition, statement_id=statement_id, published_only=True
    )


def _any_statement(
    statement_id: StatementId, edition: AnyEdition, db_session: DbSessionDep
) -> OutcomeStatement:
    return outcomes_service.get_statement(db_session, edition=edition, statement_id=statement_id)


PublishedStatement = Annotated[OutcomeStatement, Depends(_published_statement)]
AnyStatement = Annotated[OutcomeStatement, Depends(_any_statement)]
