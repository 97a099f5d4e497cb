"""Writing to the audit log. Entries are added to the caller's unit of work, so an entry
exists exactly when the change it describes was committed."""

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlmodel import Session, col, select

from app.audit.models import AuditEntry
from app.timestamps import utcnow


@dataclass(frozen=True)
class Actor:
    """Who acts: an organiser account, a focal point (by delegation), the CLI or the system."""

    actor_type: str
    actor_id: int | None = None
    label: str = ""


SYSTEM = Actor("system", None, "system")
COMMAND_LINE = Actor("cli", None, "command line")


def snapshot(obj: Any, fields: list[str] | None = None) -> dict[str, Any]:
    """A JSON-safe copy of a model's columns, for the before/after of an entry."""
    data = (
        obj.model_dump(warnings=False)
        if fields is None
        else {name: getattr(obj, name) for name in fields}
    )
    return json_safe(data)


def json_safe(data: dict[str, Any]) -> dict[str, Any]:
    """Column values as an entry's before/after holds them."""
    return {key: _jsonable(value) for key, value in data.items()}


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    return value


def record(
    db_session: Session,
    *,
    actor: Actor,
    action: str,
    subject: Any,
    edition_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an audit entry to the current unit of work (the caller commits)."""
    if getattr(subject, "id", 0) is None:
        db_session.flush()
    entry = AuditEntry(
        actor_type=actor.actor_type,
        actor_id=actor.actor_id,
        actor_label=actor.label,
        action=action,
        subject_type=type(subject).__name__.lower(),
        subject_id=getattr(subject, "id", None),
        edition_id=edition_id,
        before=before,
        after=after,
    )
    db_session.add(entry)
    return entry


def entry_values(
    *,
    actor: Actor,
    action: str,
    subject_type: str,
    subject_id: int | None,
    edition_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
) -> dict[str, Any]:
    """The columns of an entry, for a caller inserting it with a plain statement in its
    unit of work (as ``record`` would add it)."""
    return {
        "occurred_at": occurred_at or utcnow(),
        "actor_type": actor.actor_type,
        "actor_id": actor.actor_id,
        "actor_label": actor.label,
        "action": action,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "edition_id": edition_id,
        "before": before,
        "after": after,
    }


def last_change(db_session: Session, *, subject: Any) -> AuditEntry | None:
    """The latest audit entry about this object: who changed it last, and when."""
    statement = (
        select(AuditEntry)
        .where(AuditEntry.subject_type == type(subject).__name__.lower())
        .where(AuditEntry.subject_id == subject.id)
        .order_by(col(AuditEntry.occurred_at).desc(), col(AuditEntry.id).desc())
    )
    return db_session.exec(statement).first()
