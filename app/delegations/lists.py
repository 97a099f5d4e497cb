"""The List of Participants: delegations grouped as Member States (English alphabetical
order), other States, then organisations; in each, the head of delegation first."""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.delegations.models import Delegation, DelegationStatus, Participant, ParticipantStatus
from app.delegations.service import entity_group, participant_order
from app.editions.models import Edition
from app.entities.models import Entity

GROUP_TITLES = ("Member States", "Other States", "Organisations")
ACTIVE_DELEGATIONS = (
    DelegationStatus.invited,
    DelegationStatus.submitted,
    DelegationStatus.confirmed,
)


@dataclass
class ListedDelegation:
    delegation: Delegation
    entity: Entity
    participants: list[Participant]


@dataclass
class ListGroup:
    title: str
    delegations: list[ListedDelegation]


def list_of_participants(
    db_session: Session, *, edition: Edition, accredited_only: bool = False
) -> list[ListGroup]:
    """Participants of the active delegations, grouped and ordered for printing (one query)."""
    statuses = (
        [ParticipantStatus.accredited]
        if accredited_only
        else [ParticipantStatus.accredited, ParticipantStatus.pending]
    )
    rows = db_session.exec(
        select(Participant, Delegation, Entity)
        .join(Delegation, col(Delegation.id) == Participant.delegation_id)
        .join(Entity, col(Entity.id) == Delegation.entity_id)
        .where(
            Participant.edition_id == edition.id,
            col(Participant.status).in_(statuses),
            col(Delegation.status).in_(ACTIVE_DELEGATIONS),
        )
    ).all()
    by_delegation: dict[int, ListedDelegation] = {}
    for participant, delegation, entity in rows:
        listed = by_delegation.setdefault(
            delegation.id or 0, ListedDelegation(delegation, entity, [])
        )
        listed.participants.append(participant)
    groups = [ListGroup(title, []) for title in GROUP_TITLES]
    for listed in sorted(by_delegation.values(), key=lambda d: d.entity.name_en.casefold()):
        listed.participants.sort(key=participant_order)
        groups[entity_group(listed.entity)].delegations.append(listed)
    return [group for group in groups if group.delegations]
