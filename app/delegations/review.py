"""Organisers review registrations: delegation statuses and participants' accreditation."""

from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from app import i18n
from app.audit import service as audit
from app.audit.service import Actor, snapshot
from app.delegations import windows
from app.delegations.models import (
    Delegation,
    DelegationStatus,
    Participant,
    ParticipantStatus,
)
from app.delegations.schemas import DelegationUpdate
from app.delegations.service import begin_write, count_members, entity_of
from app.editions.models import Edition
from app.errors import Conflict, DomainError, InvalidInput
from app.i18n import LANGUAGES, N_
from app.mail import service as mail_service
from app.timestamps import utcnow

# Which status may follow which: organisers can reopen a declined or withdrawn delegation.
TRANSITIONS = {
    DelegationStatus.invited: {
        DelegationStatus.submitted,
        DelegationStatus.declined,
        DelegationStatus.withdrawn,
    },
    DelegationStatus.submitted: {
        DelegationStatus.confirmed,
        DelegationStatus.declined,
        DelegationStatus.withdrawn,
        DelegationStatus.invited,
    },
    DelegationStatus.confirmed: {DelegationStatus.withdrawn, DelegationStatus.submitted},
    DelegationStatus.declined: {DelegationStatus.invited},
    DelegationStatus.withdrawn: {DelegationStatus.invited},
}


def change_delegation_status(
    db_session: Session,
    *,
    edition: Edition,
    delegation: Delegation,
    status: DelegationStatus,
    actor: Actor,
) -> Delegation:
    """Move a delegation along invited, submitted, confirmed, declined, withdrawn."""
    current = DelegationStatus(delegation.status)
    if status not in TRANSITIONS[current]:
        raise Conflict(
            N_("A delegation cannot go from '{current}' to '{target}'."),
            field="status",
            current=current.value,
            target=status.value,
        )
    before = snapshot(delegation, ["status"])
    delegation.status = status
    delegation.updated_at = utcnow()
    db_session.add(delegation)
    audit.record(
        db_session,
        actor=actor,
        action="delegation.status",
        subject=delegation,
        edition_id=edition.id,
        before=before,
        after=snapshot(delegation, ["status"]),
    )
    db_session.commit()
    return delegation


def set_quota_override(
    db_session: Session,
    *,
    edition: Edition,
    delegation: Delegation,
    quota_override: int | None,
    actor: Actor,
) -> Delegation:
    """Give a delegation its own quota (None: back to the edition's default)."""
    delegation = begin_write(db_session, delegation.id or 0)
    try:
        count = count_members(db_session, delegation)
        quota = quota_override or windows.settings_of(db_session, edition).default_quota
        if quota < count:
            raise InvalidInput(
                N_(
                    "The quota cannot be lower than the number of participants already "
                    "registered ({count})."
                ),
                field="quota_override",
                count=count,
            )
        before = snapshot(delegation, ["quota_override"])
        delegation.quota_override = quota_override
        delegation.updated_at = utcnow()
        db_session.add(delegation)
        audit.record(
            db_session,
            actor=actor,
            action="delegation.quota",
            subject=delegation,
            edition_id=edition.id,
            before=before,
            after=snapshot(delegation, ["quota_override"]),
        )
        db_session.commit()
    except DomainError:
        db_session.rollback()
        raise
    return delegation


def review_participants(
    db_session: Session,
    *,
    edition: Edition,
    participant_ids: list[int],
    status: ParticipantStatus,
    reason: str | None,
    actor: Actor,
) -> list[Participant]:
    """Accredit, reject (with a reason) or reset participants of this edition, in bulk."""
    reason = (reason or "").strip() or None
    if status == ParticipantStatus.rejected and not reason:
        raise InvalidInput(N_("Give the reason for the rejection."), field="reason")
    if reason and len(reason) > 500:
        raise InvalidInput(N_("Enter at most {count} characters."), field="reason", count=500)
    ids = sorted(set(participant_ids))
    participants = list(
        db_session.exec(
            select(Participant).where(
                col(Participant.id).in_(ids), Participant.edition_id == edition.id
            )
        )
    )
    if len(participants) != len(ids) or not ids:
        raise InvalidInput(N_("Some of these participants do not exist."), field="participant_ids")
    delegations = {
        d.id: d
        for d in db_session.exec(
            select(Delegation).where(
                col(Delegation.id).in_({p.delegation_id for p in participants})
            )
        )
    }
    for participant in participants:
        if participant.status == status and participant.rejection_reason == reason:
            continue
        before = snapshot(participant, ["status", "rejection_reason"])
        participant.status = status
        participant.rejection_reason = reason if status == ParticipantStatus.rejected else None
        participant.updated_at = utcnow()
        db_session.add(participant)
        audit.record(
            db_session,
            actor=actor,
            action=f"participant.{status.value}",
            subject=participant,
            edition_id=edition.id,
            before=before,
            after=snapshot(participant, ["status", "rejection_reason"]),
        )
        if status == ParticipantStatus.accredited:
            _queue_accreditation(
                db_session, edition, delegations[participant.delegation_id], participant
            )
    db_session.commit()
    return participants


def _queue_accreditation(
    db_session: Session, edition: Edition, delegation: Delegation, participant: Participant
) -> None:
    language = participant.interpretation_language
    if language not in LANGUAGES:
        language = delegation.focal_point_language
    entity = entity_of(db_session, delegation)
    mail_service.queue_message(
        db_session,
        kind="accreditation",
        to_address=participant.email,
        language=language,
        context={
            "name": " ".join(
                part
                for part in (
                    i18n.gettext(language, participant.honorific) if participant.honorific else "",
                    participant.given_name,
                    participant.family_name,
                )
                if part
            ),
            "edition_title": i18n.localized(edition, "title", language)[0],
            "entity_name": i18n.localized(entity, "name", language)[0],
            "of_entity": i18n.of_entity(entity, language),
            "city": i18n.localized(edition, "city", language)[0],
            "start_date": edition.start_date,
            "end_date": edition.end_date,
        },
        edition_id=edition.id,
        delegation_id=delegation.id,
    )


def update_delegation(
    db_session: Session,
    *,
    edition: Edition,
    delegation: Delegation,
    delegation_in: DelegationUpdate,
    actor: Actor,
) -> Delegation:
    """Apply an API change: the quota (when given), then the status (when given)."""
    if "quota_override" in delegation_in.model_fields_set:
        delegation = set_quota_override(
            db_session,
            edition=edition,
            delegation=delegation,
            quota_override=delegation_in.quota_override,
            actor=actor,
        )
    if delegation_in.status is not None and delegation_in.status != delegation.status:
        delegation = change_delegation_status(
            db_session,
            edition=edition,
            delegation=delegation,
            status=delegation_in.status,
            actor=actor,
        )
    return delegation


# ---- Bulk work across the edition -------------------------------------------------------

BULK_ACTIONS = ("accredit", "confirm")


@dataclass
class BulkOutcome:
    done: list[tuple[Delegation, int]] = field(default_factory=list)  # (delegation, changed)
    refused: list[tuple[Delegation, str]] = field(default_factory=list)  # (delegation, msgid)


def bulk_review(
    db_session: Session,
    *,
    edition: Edition,
    action: str,
    delegations: list[Delegation],
    actor: Actor,
) -> BulkOutcome:
    """Apply one review action to many delegations, each under its own rules (and audited
    per change): ``accredit`` accredits the pending members of submitted or confirmed
    delegations within their quota; ``confirm`` confirms submitted delegations."""
    if action not in BULK_ACTIONS:
        raise InvalidInput(N_("Choose an action from the list."), field="action")
    if not delegations:
        raise InvalidInput(N_("Tick at least one delegation."), field="delegation_ids")
    outcome = BulkOutcome()
    settings = windows.settings_of(db_session, edition)
    for delegation in delegations:
        status = DelegationStatus(delegation.status)
        if action == "confirm":
            if status != DelegationStatus.submitted:
                outcome.refused.append(
                    (delegation, N_("Only a submitted delegation can be confirmed."))
                )
                continue
            change_delegation_status(
                db_session,
                edition=edition,
                delegation=delegation,
                status=DelegationStatus.confirmed,
                actor=actor,
            )
            outcome.done.append((delegation, 1))
            continue
        if status not in (DelegationStatus.submitted, DelegationStatus.confirmed):
            outcome.refused.append(
                (delegation, N_("Its registration is not submitted, or it no longer takes part."))
            )
            continue
        members = list(
            db_session.exec(select(Participant).where(Participant.delegation_id == delegation.id))
        )
        if len(members) > windows.quota_of(settings, delegation):
            outcome.refused.append((delegation, N_("It has more members than its quota.")))
            continue
        pending = [p.id or 0 for p in members if p.status == ParticipantStatus.pending]
        if not pending:
            outcome.refused.append((delegation, N_("No member is waiting for accreditation.")))
            continue
        review_participants(
            db_session,
            edition=edition,
            participant_ids=pending,
            status=ParticipantStatus.accredited,
            reason=None,
            actor=actor,
        )
        outcome.done.append((delegation, len(pending)))
    return outcome
