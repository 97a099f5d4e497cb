"""What a focal point (or an organiser) does to a delegation: its details, its members,
and submitting it. Every write locks the delegation (see service.begin_write) and the
database's constraints back the rules, so concurrent submissions cannot break them."""

from sqlalchemy import Select, bindparam, null
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, func, select

from app import i18n
from app.audit import service as audit
from app.audit.models import AuditEntry
from app.audit.service import Actor, snapshot
from app.auth.service import normalize_email
from app.content_version import note_inserted
from app.delegations import windows
from app.delegations.errors import (
    AlreadyRegistered,
    HeadOfDelegationTaken,
    InvalidFields,
    QuotaExceeded,
    RegistrationClosed,
)
from app.delegations.models import (
    Delegation,
    DelegationRole,
    DelegationStatus,
    Participant,
    ParticipantStatus,
    RegistrationSettings,
)
from app.delegations.rules import (
    EMAIL_PATTERN,
    PHONE_PATTERN,
    check_length,
    clean_text,
    validate_participant,
)
from app.delegations.schemas import DelegationDetailsIn, ParticipantIn
from app.delegations.service import begin_write, entity_of, list_participants
from app.editions.models import Edition
from app.errors import Conflict, DomainError, InvalidInput
from app.i18n import LANGUAGES, N_
from app.mail import service as mail_service
from app.timestamps import utcnow

EDITABLE_STATUSES = (
    DelegationStatus.invited,
    DelegationStatus.submitted,
    DelegationStatus.confirmed,
)

FOCAL_POINT = "focal_point"
IDENTITY_FIELDS = ("given_name", "family_name", "email", "role", "function")


# Why a focal point's change is refused, said as it is: who or what closed registration.
CLOSED_MESSAGES = {
    "closed": N_("Registration is closed: the organisers have closed it."),
    "deadline_passed": N_("Registration is closed: the deadline has passed."),
    "not_open_yet": N_("Registration has not opened yet."),
}


def focal_point_actor(delegation: Delegation) -> Actor:
    """The audit actor for a focal point: the delegation, never the person's name."""
    return Actor(FOCAL_POINT, delegation.id, f"focal point of delegation {delegation.id}")


def check_open(
    db_session: Session,
    edition: Edition,
    actor: Actor,
    settings: RegistrationSettings | None = None,
) -> None:
    if actor.actor_type != FOCAL_POINT:
        return  # organisers may correct a registration at any time
    settings = settings or windows.settings_of(db_session, edition)
    reason = windows.closed_reason(edition, settings)
    if reason is not None:
        raise RegistrationClosed(CLOSED_MESSAGES[reason])


def check_editable(delegation: Delegation, actor: Actor) -> None:
    if actor.actor_type == FOCAL_POINT and delegation.status not in EDITABLE_STATUSES:
        raise RegistrationClosed(N_("This delegation has been declined or withdrawn."))


def _integrity_error(error: IntegrityError) -> DomainError:
    text = str(error.orig).lower()
    if "email_normalized" in text:
        return AlreadyRegistered(
            N_("This person is already registered for this edition (same email)."), field="email"
        )
    if "one_head" in text or "participant.delegation_id" in text:
        return HeadOfDelegationTaken(
            N_("This delegation already has a head of delegation."), field="role"
        )
    return Conflict(N_("This change conflicts with another one. Reload the page and try again."))


def _rules_statement(*, head: bool) -> Select:
    """The quota, one head per delegation and one registration per email per edition, read
    in one query; built once (building a statement costs more than running it)."""
    delegation_id, own_id = bindparam("delegation_id"), bindparam("own_id")
    members = select(func.count()).where(Participant.delegation_id == delegation_id)
    heads = select(Participant.id).where(
        Participant.delegation_id == delegation_id,
        Participant.role == DelegationRole.head,
        Participant.id != own_id,
    )
    taken = select(Participant.id).where(
        Participant.edition_id == bindparam("edition_id"),
        Participant.email_normalized == bindparam("email"),
        Participant.id != own_id,
    )
    return select(
        members.scalar_subquery(),
        heads.limit(1).scalar_subquery() if head else null(),
        taken.limit(1).scalar_subquery(),
    )


_RULES = _rules_statement(head=False)
_RULES_WITH_HEAD = _rules_statement(head=True)


def _check_rules(
    db_session: Session,
    delegation: Delegation,
    settings: RegistrationSettings,
    values: dict[str, object],
    participant: Participant | None,
) -> None:
    """The quota, one head per delegation and one registration per email per edition, read
    in one query."""
    statement = _RULES_WITH_HEAD if values["role"] == DelegationRole.head else _RULES
    count, head_id, taken_id = db_session.exec(
        statement,  # type: ignore[call-overload]
        params={
            "delegation_id": delegation.id,
            "edition_id": delegation.edition_id,
            "email": normalize_email(str(values["email"])),
            "own_id": participant.id if participant else -1,
        },
    ).one()
    if participant is None:
        quota = windows.quota_of(settings, delegation)
        if count >= quota:
            raise QuotaExceeded(
                N_("The delegation is full: its quota is {count}."),
                count=quota,
            )
    if head_id is not None:
        raise HeadOfDelegationTaken(
            N_("This delegation already has a head of delegation."), field="role"
        )
    if taken_id is not None:
        raise AlreadyRegistered(
            N_("This person is already registered for this edition (same email)."), field="email"
        )


_PARTICIPANTS = Participant.__table__  # type: ignore[attr-defined]
# Statements built once; a new member is written with two plain inserts (the member, its
# audit entry) in the request's transaction, without the ORM's unit of work.
_INSERT_PARTICIPANT = _PARTICIPANTS.insert().returning(_PARTICIPANTS.c.id)
_INSERT_AUDIT = AuditEntry.__table__.insert()  # type: ignore[attr-defined]
# The model's constant defaults (its timestamps are set per row).
_DEFAULTS = {
    name: field.default
    for name, field in Participant.model_fields.items()
    if not field.is_required() and field.default_factory is None
}


def _insert_participant(
    db_session: Session,
    edition: Edition,
    delegation: Delegation,
    values: dict[str, object],
    actor: Actor,
) -> Participant:
    """Insert a new member and its audit entry: the same rows, defaults and content-version
    bookkeeping as adding the model object, at a fraction of the cost (a submission is the
    registration burst's whole load)."""
    now = utcnow()
    row = {
        **_DEFAULTS,
        **values,
        "delegation_id": delegation.id,
        "edition_id": edition.id,
        "email_normalized": normalize_email(str(values["email"])),
        "created_at": now,
        "updated_at": now,
    }
    del row["id"]
    connection = db_session.connection()
    row["id"] = connection.execute(_INSERT_PARTICIPANT, row).scalar_one()
    note_inserted(db_session, _PARTICIPANTS, row)
    after = audit.json_safe({name: row[name] for name in Participant.model_fields})
    connection.execute(
        _INSERT_AUDIT,
        audit.entry_values(
            actor=actor,
            action="participant.create",
            subject_type="participant",
            subject_id=row["id"],
            edition_id=edition.id,
            after=after,
            occurred_at=now,
        ),
    )
    # The stored row as the session's object (persistent, nothing to flush), as callers
    # that go on working with it expect.
    participant = Participant(**row)
    make_transient_to_detached(participant)
    db_session.add(participant)
    return participant


def save_participant(
    db_session: Session,
    *,
    edition: Edition,
    delegation: Delegation,
    participant_in: ParticipantIn,
    actor: Actor,
    participant_id: int | None = None,
) -> Participant:
    """Add a member to a delegation (or correct one), enforcing the deadline, the quota,
    one head per delegation and one registration per person per edition."""
    values = validate_participant(participant_in, edition)
    delegation = begin_write(db_session, delegation.id or 0)
    try:
        settings = windows.settings_of(db_session, edition)
        check_open(db_session, edition, actor, settings)
        check_editable(delegation, actor)
        participant = None
        if participant_id is not None:
            participant = db_session.get(Participant, participant_id)
            if participant is None or participant.delegation_id != delegation.id:
                raise InvalidInput(N_("There is no such participant."))
        _check_rules(db_session, delegation, settings, values, participant)
        if participant is None:
            participant = _insert_participant(db_session, edition, delegation, values, actor)
        else:
            before = snapshot(participant)
            identity_changed = any(
                getattr(participant, name) != values[name] for name in IDENTITY_FIELDS
            )
            for name, value in values.items():
                setattr(participant, name, value)
            if identity_changed and actor.actor_type == FOCAL_POINT:
                # A focal point changing who an accredited (or rejected) person is sends them
                # back to the organisers for review.
                participant.status = ParticipantStatus.pending
                participant.rejection_reason = None
            participant.updated_at = utcnow()
            participant.email_normalized = normalize_email(participant.email)
            db_session.add(participant)
            db_session.flush()
            audit.record(
                db_session,
                actor=actor,
                action="participant.update",
                subject=participant,
                edition_id=edition.id,
                before=before,
                after=snapshot(participant),
            )
        db_session.commit()
    except IntegrityError as error:
        db_session.rollback()
        raise _integrity_error(error) from None
    except DomainError:
        db_session.rollback()
        raise
    return participant


def remove_participant(
    db_session: Session,
    *,
    edition: Edition,
    delegation: Delegation,
    participant_id: int,
    actor: Actor,
) -> None:
    """Take a member off a delegation before the deadline."""
    delegation = begin_write(db_session, delegation.id or 0)
    try:
        check_open(db_session, edition, actor)
        check_editable(delegation, actor)
        participant = db_session.get(Participant, participant_id)
        if participant is None or participant.delegation_id != delegation.id:
            raise InvalidInput(N_("There is no such participant."))
        audit.record(
            db_session,
            actor=actor,
            action="participant.delete",
            subject=participant,
            edition_id=edition.id,
            before=snapshot(participant),
        )
        db_session.delete(participant)
        db_session.commit()
    except DomainError:
        db_session.rollback()
        raise


def update_details(
    db_session: Session,
    *,
    edition: Edition,
    delegation: Delegation,
    details_in: DelegationDetailsIn,
    actor: Actor,
) -> Delegation:
    """Change the focal point's contact details."""
    errors: list[DomainError] = []
    name = clean_text(details_in.focal_point_name)
    check_length(errors, "focal_point_name", name, 200, True)
    email = clean_text(details_in.focal_point_email)
    if not email:
        errors.append(InvalidInput(N_("This field is required."), field="focal_point_email"))
    elif len(email) > 254 or not EMAIL_PATTERN.match(email):
        errors.append(InvalidInput(N_("Enter a valid email address."), field="focal_point_email"))
    phone = clean_text(details_in.focal_point_phone) or None
    if phone and not PHONE_PATTERN.match(phone):
        errors.append(
            InvalidInput(
                N_("Enter a phone number with digits, spaces and an optional +."),
                field="focal_point_phone",
            )
        )
    language = clean_text(details_in.focal_point_language)
    if language not in LANGUAGES:
        errors.append(
            InvalidInput(N_("Choose English, French or Arabic."), field="focal_point_language")
        )
    if errors:
        raise InvalidFields(errors)
    delegation = begin_write(db_session, delegation.id or 0)
    try:
        check_open(db_session, edition, actor)
        check_editable(delegation, actor)
        before = snapshot(
            delegation,
            ["focal_point_name", "focal_point_email", "focal_point_phone", "focal_point_language"],
        )
        delegation.focal_point_name = name
        delegation.focal_point_email = email
        delegation.focal_point_phone = phone
        delegation.focal_point_language = language
        delegation.updated_at = utcnow()
        db_session.add(delegation)
        audit.record(
            db_session,
            actor=actor,
            action="delegation.update_details",
            subject=delegation,
            edition_id=edition.id,
            before=before,
            after=snapshot(delegation, list(before)),
        )
        db_session.commit()
    except DomainError:
        db_session.rollback()
        raise
    return delegation


def submit_delegation(
    db_session: Session, *, edition: Edition, delegation: Delegation, actor: Actor
) -> Delegation:
    """Send the registration to the organisers: it needs exactly one head of delegation."""
    delegation = begin_write(db_session, delegation.id or 0)
    try:
        check_open(db_session, edition, actor)
        check_editable(delegation, actor)
        participants = list_participants(db_session, delegation)
        heads = [p for p in participants if p.role == DelegationRole.head]
        if len(heads) != 1:
            raise InvalidInput(
                N_("A delegation needs exactly one head of delegation before it is submitted."),
                field="role",
            )
        if not delegation.focal_point_email or not delegation.focal_point_name:
            raise InvalidInput(
                N_("Give the focal point's name and email before submitting."),
                field="focal_point_name",
            )
        before = snapshot(delegation, ["status", "submitted_at"])
        if delegation.status == DelegationStatus.invited:
            delegation.status = DelegationStatus.submitted
        delegation.submitted_at = utcnow()
        delegation.updated_at = utcnow()
        db_session.add(delegation)
        audit.record(
            db_session,
            actor=actor,
            action="delegation.submit",
            subject=delegation,
            edition_id=edition.id,
            before=before,
            after=snapshot(delegation, ["status", "submitted_at"]),
        )
        entity = entity_of(db_session, delegation)
        language = delegation.focal_point_language
        mail_service.queue_message(
            db_session,
            kind="receipt",
            to_address=delegation.focal_point_email,
            language=language,
            context={
                "edition_title": i18n.localized(edition, "title", language)[0],
                "entity_name": i18n.localized(entity, "name", language)[0],
                "participants": [f"{p.given_name} {p.family_name}" for p in participants],
            },
            edition_id=edition.id,
            delegation_id=delegation.id,
        )
        db_session.commit()
    except DomainError:
        db_session.rollback()
        raise
    return delegation
