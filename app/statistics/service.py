"""Figures about registration: per edition for organisers, and the public aggregates of the
home page's chart. Every figure comes from a grouped query, so a page costs the same number
of queries whatever the number of participants or editions; none names a person."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import Session, col, func, select

from app.delegations.models import (
    INACTIVE_DELEGATION_STATUSES,
    Delegation,
    DelegationStatus,
    Participant,
    ParticipantStatus,
)
from app.editions.models import Edition
from app.entities.models import Entity

COUNTED_DELEGATIONS = (DelegationStatus.submitted, DelegationStatus.confirmed)
NOT_GIVEN = ""


@dataclass
class Breakdown:
    """Counts of one dimension: registered (pending or accredited) and accredited."""

    name: str
    registered: Counter[str] = field(default_factory=Counter)
    accredited: Counter[str] = field(default_factory=Counter)

    @property
    def rows(self) -> list[tuple[str, int, int]]:
        keys = sorted(set(self.registered) | set(self.accredited), key=lambda k: (k == "", k))
        return [(key, self.registered[key], self.accredited[key]) for key in keys]


@dataclass
class EditionStatistics:
    participants_by_status: Counter[str]
    delegations_by_status: Counter[str]
    checked_in: int
    breakdowns: list[Breakdown]

    @property
    def total_participants(self) -> int:
        return sum(self.participants_by_status.values())

    @property
    def total_delegations(self) -> int:
        return sum(self.delegations_by_status.values())


DIMENSIONS = ("entity_type", "role", "interpretation_language", "gender")


def edition_statistics(db_session: Session, *, edition: Edition) -> EditionStatistics:
    """Counts by status, entity type, role, interpretation language and gender (two queries)."""
    cube = db_session.exec(
        select(
            Participant.status,
            Entity.entity_type,
            Participant.role,
            Participant.interpretation_language,
            Participant.gender,
            func.count(),
            func.count(col(Participant.checked_in_at)),
        )
        .join(Delegation, col(Delegation.id) == Participant.delegation_id)
        .join(Entity, col(Entity.id) == Delegation.entity_id)
        .where(Participant.edition_id == edition.id)
        .group_by(
            col(Participant.status),
            col(Entity.entity_type),
            col(Participant.role),
            col(Participant.interpretation_language),
            col(Participant.gender),
        )
    ).all()
    by_status: Counter[str] = Counter()
    breakdowns = {name: Breakdown(name) for name in DIMENSIONS}
    checked_in = 0
    for status, entity_type, role, language, gender, count, arrived in cube:
        by_status[str(status)] += count
        checked_in += arrived
        if status == ParticipantStatus.rejected:
            continue
        values = (entity_type, role, language, gender or NOT_GIVEN)
        for name, value in zip(DIMENSIONS, values, strict=True):
            breakdowns[name].registered[str(value)] += count
            if status == ParticipantStatus.accredited:
                breakdowns[name].accredited[str(value)] += count
    delegations = Counter(
        {
            str(status): count
            for status, count in db_session.exec(
                select(Delegation.status, func.count())
                .where(Delegation.edition_id == edition.id)
                .group_by(col(Delegation.status))
            )
        }
    )
    return EditionStatistics(by_status, delegations, checked_in, list(breakdowns.values()))


@dataclass
class RegistrationTotals:
    """An edition's public aggregates from its registrations (no personal data)."""

    accredited_participants: int = 0
    delegations: int = 0  # submitted or confirmed


def registration_totals(
    db_session: Session, editions: Sequence[Edition]
) -> dict[int, RegistrationTotals]:
    """Totals of the editions that have registrations (any delegation), in two queries:
    accredited participants of delegations still taking part, and delegations submitted or
    confirmed."""
    ids = [edition.id for edition in editions if edition.id is not None]
    if not ids:
        return {}
    totals: dict[int, RegistrationTotals] = {}
    for edition_id, total, counted in db_session.exec(
        select(
            Delegation.edition_id,
            func.count(),
            func.count().filter(col(Delegation.status).in_(COUNTED_DELEGATIONS)),
        )
        .where(col(Delegation.edition_id).in_(ids))
        .group_by(col(Delegation.edition_id))
    ):
        if total:
            totals[edition_id] = RegistrationTotals(delegations=counted)
    for edition_id, count in db_session.exec(
        select(Participant.edition_id, func.count())
        .join(Delegation, col(Delegation.id) == Participant.delegation_id)
        .where(
            col(Participant.edition_id).in_(ids),
            Participant.status == ParticipantStatus.accredited,
            col(Delegation.status).not_in(INACTIVE_DELEGATION_STATUSES),
        )
        .group_by(col(Participant.edition_id))
    ):
        if edition_id in totals:
            totals[edition_id].accredited_participants = count
    return totals
