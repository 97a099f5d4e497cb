"""Every table, imported in one place so that the metadata is complete for Alembic,
the drift check and the tests."""

from app.audit.models import AuditEntry
from app.auth.models import Account, ApiToken, LoginAttempt, LoginSession
from app.editions.models import Edition
from app.entities.models import Entity
from app.history.models import (
    EditionFact,
    EditionPerson,
    Person,
    ReportedFigure,
    ReportedOutcome,
    Source,
    Theme,
)
from app.outcomes.models import OutcomeRevision, OutcomeStatement

__all__ = [
    "Account",
    "ApiToken",
    "AuditEntry",
    "Edition",
    "EditionFact",
    "EditionPerson",
    "Entity",
    "LoginAttempt",
    "LoginSession",
    "OutcomeRevision",
    "OutcomeStatement",
    "Person",
    "ReportedFigure",
    "ReportedOutcome",
    "Source",
    "Theme",
]
