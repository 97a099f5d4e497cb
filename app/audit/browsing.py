"""Reading the audit log for organisers: filters, newest first, one page at a time."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlmodel import Session, col, func, select

from app.audit.models import AuditEntry
from app.editions.models import Edition
from app.web.text_input import CONTROL_CHARACTERS

PAGE_SIZE = 50


class AuditFilters(BaseModel):
    model_config = ConfigDict(extra="ignore")

    edition: str | None = Field(default=None, max_length=80)
    action: str | None = Field(default=None, max_length=80)
    actor: str | None = Field(default=None, max_length=254)
    since: date | None = None
    until: date | None = None
    page: int = Field(default=1, ge=1, le=100_000)

    @field_validator("edition", "action", "actor", mode="after")
    @classmethod
    def _refuse_control_characters(cls, value: str | None) -> str | None:
        if value is not None and CONTROL_CHARACTERS.search(value):
            raise ValueError("control characters are not allowed")
        return value


@dataclass
class AuditPage:
    entries: list[AuditEntry]
    total: int
    page: int
    pages: int
    editions: dict[int, Edition] = field(default_factory=dict)
    actions: list[str] = field(default_factory=list)
    edition_choices: list[Edition] = field(default_factory=list)


def search_audit_log(db_session: Session, *, filters: AuditFilters) -> AuditPage:
    """One page of the entries matching the filters, newest first, with the filter choices."""
    query = select(AuditEntry)
    if filters.edition:
        query = query.join(Edition, col(Edition.id) == AuditEntry.edition_id).where(
            Edition.slug == filters.edition
        )
    if filters.action:
        # "edition" matches every edition.* action; "edition.announce" only that one.
        query = query.where(
            (AuditEntry.action == filters.action)
            | col(AuditEntry.action).startswith(filters.action.rstrip(".") + ".")
        )
    if filters.actor:
        query = query.where(
            func.lower(AuditEntry.actor_label).contains(filters.actor.strip().lower())
        )
    if filters.since:
        query = query.where(AuditEntry.occurred_at >= datetime.combine(filters.since, time(), UTC))
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), time(), UTC)
        query = query.where(AuditEntry.occurred_at < end)
    total = db_session.exec(select(func.count()).select_from(query.subquery())).one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(filters.page, pages)
    entries = list(
        db_session.exec(
            query.order_by(col(AuditEntry.occurred_at).desc(), col(AuditEntry.id).desc())
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        )
    )
    all_editions = list(db_session.exec(select(Edition).order_by(col(Edition.year).desc())))
    actions = list(
        db_session.exec(select(AuditEntry.action).distinct().order_by(AuditEntry.action))
    )
    return AuditPage(
        entries=entries,
        total=total,
        page=page,
        pages=pages,
        editions={e.id: e for e in all_editions if e.id is not None},
        actions=actions,
        edition_choices=all_editions,
    )
