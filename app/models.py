"""Every table, imported in one place so that the metadata is complete for Alembic,
the drift check and the tests."""

from app.agenda.models import AgendaItem, AgendaPdf, AgendaRevision, AgendaSpeaker
from app.audit.models import AuditEntry
from app.auth.models import Account, ApiToken, LoginAttempt, LoginSession
from app.content_version import ContentVersion
from app.delegations.models import (
    Delegation,
    JoinRequest,
    Participant,
    RegistrationSettings,
)
from app.editions.models import Edition
from app.entities.models import Entity
from app.history.models import (
    EditionFact,
    EditionPerson,
    Person,
    RecordFact,
    RecordSubject,
    ReportedFigure,
    ReportedOutcome,
    Source,
    SourceConflict,
    SummaryCitation,
    Theme,
)
from app.mail.models import OutboxMessage
from app.outcomes.models import OutcomeRevision, OutcomeStatement

__all__ = [
    "Account",
    "AgendaItem",
    "AgendaPdf",
    "AgendaRevision",
    "AgendaSpeaker",
    "ApiToken",
    "AuditEntry",
    "ContentVersion",
    "Delegation",
    "Edition",
    "EditionFact",
    "EditionPerson",
    "Entity",
    "JoinRequest",
    "LoginAttempt",
    "LoginSession",
    "OutboxMessage",
    "Participant",
    "OutcomeRevision",
    "OutcomeStatement",
    "Person",
    "RecordFact",
    "RecordSubject",
    "ReportedFigure",
    "RegistrationSettings",
    "ReportedOutcome",
    "Source",
    "SourceConflict",
    "SummaryCitation",
    "Theme",
]
