"""Finding delegations and participants, and the locking every registration write uses."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, case
from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import Select

from app.auth.service import digest
from app.db import begin_immediate, writes_from_start
from app.delegations import windows
from app.delegations.models import (
    Delegation,
    DelegationStatus,
    Participant,
    ParticipantStatus,
    RegistrationSettings,
)
from app.editions.models import Edition
from app.entities.models import Entity, EntityType
from app.errors import NotFound
from app.i18n import N_
from app.paging import Page, Paged, by_text, fetch_page
from app.web.filenames import clean_filename

ENTITY_GROUP = {
    EntityType.member_state: 0,
    EntityType.observer_state: 1,
}


def entity_group(entity: Entity) -> int:
    """Member States, then other States, then organisations (List of Participants order)."""
    return ENTITY_GROUP.get(EntityType(entity.entity_type), 2)


@dataclass
class DelegationRow:
    delegation: Delegation
    entity: Entity
    participants: int
    accredited: int


LOCKED = "locked_delegation"


def begin_write(db_session: Session, delegation_id: int) -> Delegation:
    """Start a unit of work that holds the delegation locked until commit.

    On SQLite the transaction begins IMMEDIATE (the write lock at once); on PostgreSQL the
    delegation row is locked FOR UPDATE. Counting and inserting then cannot interleave with
    another submission, so quotas hold under concurrent requests. A delegation already read
    locked in this very transaction (``delegation_for_token(..., lock=True)``) is not read
    again."""
    begin_immediate(db_session)
    transaction, locked = db_session.info.get(LOCKED, (None, None))
    if (
        locked is not None
        and locked.id == delegation_id
        and transaction is db_session.get_transaction()
        and transaction is not None
        and transaction.is_active
    ):
        return locked
    delegation = db_session.exec(
        select(Delegation)
        .where(Delegation.id == delegation_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if delegation is None:
        raise NotFound(N_("There is no such delegation."))
    return delegation


# Built once: building a statement costs more than running it. The registration settings
# come with the delegation, since every use of the link reads them next.
_BY_TOKEN = (
    select(Delegation, Edition, RegistrationSettings)
    .join(Edition, col(Edition.id) == Delegation.edition_id)
    .outerjoin(RegistrationSettings, col(RegistrationSettings.edition_id) == Edition.id)
    .where(Delegation.token_hash == bindparam("token_hash"))
)
# Only the delegation is locked: every submission to the edition must not queue on its row.
_BY_TOKEN_LOCKED = _BY_TOKEN.with_for_update(of=Delegation)  # type: ignore[arg-type]


def delegation_for_token(
    db_session: Session, token: str, *, lock: bool = False
) -> tuple[Delegation, Edition]:
    """The delegation whose private link this is, and its edition; any other token is a
    404. With ``lock``, in a unit of work that writes from its start, the delegation is
    read locked, so the write that follows need not read it again."""
    if not token or len(token) > 100:
        raise NotFound(N_("This registration link is not valid. Ask the organisers for a new one."))
    lock = lock and writes_from_start(db_session)
    statement = _BY_TOKEN_LOCKED if lock else _BY_TOKEN
    row = db_session.exec(statement, params={"token_hash": digest(token)}).first()  # type: ignore[call-overload]
    if row is None:
        raise NotFound(N_("This registration link is not valid. Ask the organisers for a new one."))
    delegation, edition, settings = row
    windows.remember_settings(db_session, edition, settings)
    if lock:
        db_session.info[LOCKED] = (db_session.get_transaction(), delegation)
    return delegation, edition


def get_delegation(db_session: Session, *, edition: Edition, delegation_id: int) -> Delegation:
    """A delegation of this edition, or 404."""
    delegation = db_session.get(Delegation, delegation_id)
    if delegation is None or delegation.edition_id != edition.id:
        raise NotFound(N_("There is no such delegation."))
    return delegation


def get_participant(
    db_session: Session, *, delegation: Delegation, participant_id: int
) -> Participant:
    """A participant of this delegation, or 404."""
    participant = db_session.get(Participant, participant_id)
    if participant is None or participant.delegation_id != delegation.id:
        raise NotFound(N_("There is no such participant."))
    return participant


def entity_of(db_session: Session, delegation: Delegation) -> Entity:
    entity = db_session.get(Entity, delegation.entity_id)
    assert entity is not None  # foreign key
    return entity


def list_participants(db_session: Session, delegation: Delegation) -> list[Participant]:
    """A delegation's members, the head first, then by registration order."""
    participants = list(
        db_session.exec(select(Participant).where(Participant.delegation_id == delegation.id))
    )
    return sorted(participants, key=participant_order)


def page_participants(
    db_session: Session, delegation: Delegation, *, page: Page
) -> Paged[Participant]:
    """One page of a delegation's members, in the order of ``list_participants``."""
    rank = case(*[(Participant.role == role, index) for role, index in ROLE_ORDER.items()], else_=9)
    query = (
        select(Participant)
        .where(Participant.delegation_id == delegation.id)
        .order_by(rank, col(Participant.id))
    )
    return fetch_page(db_session, query, page)


ROLE_ORDER = {"head": 0, "deputy": 1, "member": 2, "adviser": 3}


def participant_order(participant: Participant) -> tuple[int, int]:
    return ROLE_ORDER.get(participant.role, 9), participant.id or 0


def count_members(db_session: Session, delegation: Delegation) -> int:
    """How many participants the delegation has registered, whatever their status."""
    return db_session.exec(
        select(func.count())
        .select_from(Participant)
        .where(Participant.delegation_id == delegation.id)
    ).one()


def _delegations(
    db_session: Session,
    *,
    edition: Edition,
    status: DelegationStatus | None = None,
    entity_type: EntityType | None = None,
    search: str | None = None,
    delegation_id: int | None = None,
) -> Select:
    counted = (
        select(
            col(Participant.delegation_id).label("delegation_id"),
            func.count().label("total"),
            func.sum(case((Participant.status == ParticipantStatus.accredited, 1), else_=0)).label(
                "accredited"
            ),
        )
        .where(Participant.edition_id == edition.id)
        .group_by(col(Participant.delegation_id))
    )
    if delegation_id is not None:
        counted = counted.where(Participant.delegation_id == delegation_id)
    counts = counted.subquery()
    query = (
        select(Delegation, Entity, counts.c.total, counts.c.accredited)
        .join(Entity, col(Entity.id) == Delegation.entity_id)
        .outerjoin(counts, counts.c.delegation_id == Delegation.id)
        .where(Delegation.edition_id == edition.id)
    )
    if delegation_id is not None:
        query = query.where(Delegation.id == delegation_id)
    if status is not None:
        query = query.where(Delegation.status == status)
    if entity_type is not None:
        query = query.where(Entity.entity_type == entity_type)
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(
            func.lower(Entity.name_en).like(pattern) | func.lower(Entity.code).like(pattern)
        )
    group = case(
        *[(Entity.entity_type == kind, index) for kind, index in ENTITY_GROUP.items()], else_=2
    )
    return query.order_by(group, by_text(db_session, Entity.name_en), col(Delegation.id))


def _rows(result: Sequence[Any]) -> list[DelegationRow]:
    return [
        DelegationRow(delegation, entity, total or 0, accredited or 0)
        for delegation, entity, total, accredited in result
    ]


def list_delegations(
    db_session: Session,
    *,
    edition: Edition,
    status: DelegationStatus | None = None,
    entity_type: EntityType | None = None,
    search: str | None = None,
    delegation_id: int | None = None,
) -> list[DelegationRow]:
    """The edition's delegations (or one of them) with their counts, in List of Participants
    order."""
    query = _delegations(
        db_session,
        edition=edition,
        status=status,
        entity_type=entity_type,
        search=search,
        delegation_id=delegation_id,
    )
    return _rows(db_session.exec(query).all())


def page_delegations(
    db_session: Session,
    *,
    edition: Edition,
    status: DelegationStatus | None,
    entity_type: EntityType | None,
    page: Page,
) -> Paged[DelegationRow]:
    """One page of the edition's delegations with their counts, in List of Participants
    order."""
    query = _delegations(db_session, edition=edition, status=status, entity_type=entity_type)
    result = fetch_page(db_session, query, page)
    return Paged(_rows(result.entries), result.total)


@dataclass
class RegistrationView:
    """What the focal point's form shows."""

    edition: Edition
    delegation: Delegation
    entity: Entity
    participants: list[Participant]
    quota: int
    is_open: bool
    closed_reason: str | None  # windows.closed_reason, or "delegation" for its status
    opens_at: datetime | None  # local to the edition's time zone
    deadline_at: datetime | None
    earliest_date: date | None
    latest_date: date | None

    @property
    def can_add(self) -> bool:
        return self.is_open and len(self.participants) < self.quota

    @property
    def has_head(self) -> bool:
        return any(p.role == "head" for p in self.participants)

    @property
    def letter_name(self) -> str:
        """The uploaded letter's name without control or bidi characters."""
        return clean_filename(self.delegation.letter_filename, default="letter.pdf")


def registration_view(
    db_session: Session, *, edition: Edition, delegation: Delegation
) -> RegistrationView:
    """Everything the focal point's page needs, in a few queries."""
    from app.delegations.participants import EDITABLE_STATUSES
    from app.delegations.rules import travel_window

    settings = windows.settings_of(db_session, edition)
    earliest, latest = travel_window(edition)
    closed_reason = windows.closed_reason(edition, settings)
    if closed_reason is None and delegation.status not in EDITABLE_STATUSES:
        closed_reason = "delegation"
    return RegistrationView(
        edition=edition,
        delegation=delegation,
        entity=entity_of(db_session, delegation),
        participants=list_participants(db_session, delegation),
        quota=windows.quota_of(settings, delegation),
        is_open=closed_reason is None,
        closed_reason=closed_reason,
        opens_at=windows.to_local(settings.opens_at, edition.time_zone),
        deadline_at=windows.to_local(settings.deadline_at, edition.time_zone),
        earliest_date=earliest,
        latest_date=latest,
    )
