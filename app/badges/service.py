"""Badges and check-in: the signed code a badge carries, re-issuing a badge, and marking
a participant as arrived exactly once.

A code is the base32 of an HMAC-SHA256 tag (under a key derived from the app secret) and the
masked (participant id, badge serial): it names no one, and cannot be forged or altered.
Re-issuing a badge raises the serial, so every code printed before reads as revoked."""

import base64
import hashlib
import hmac
import struct
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.audit import service as audit
from app.audit.service import Actor, snapshot
from app.config import get_settings
from app.db import begin_immediate
from app.delegations.models import (
    INACTIVE_DELEGATION_STATUSES,
    Delegation,
    Participant,
    ParticipantStatus,
)
from app.delegations.service import entity_group, participant_order
from app.editions.models import Edition
from app.entities.models import Entity
from app.errors import Conflict, DomainError, InvalidInput, NotFound
from app.i18n import N_
from app.timestamps import utcnow

PAYLOAD = struct.Struct(">IH")  # participant id, badge serial
TAG_BYTES = 10  # 80 bits of HMAC: forging a code means guessing them
CODE_LENGTH = 26  # base32 of 16 bytes, without padding


class BadgeRefused(DomainError):
    """A scanned code that does not let the person in."""

    status_code = 422


class UnknownBadge(BadgeRefused):
    status_code = 404


class RevokedBadge(BadgeRefused):
    status_code = 410


class AlreadyCheckedIn(BadgeRefused):
    status_code = 409


def _key() -> bytes:
    return hmac.new(get_settings().secret_key.encode(), b"badge-code", hashlib.sha256).digest()


def _mask(key: bytes, tag: bytes) -> bytes:
    return hmac.new(key, b"mask" + tag, hashlib.sha256).digest()[: PAYLOAD.size]


def badge_code(participant: Participant) -> str:
    """The signed code printed on a participant's current badge (in its QR code).

    The tag comes first and the payload is masked with a key stream drawn from it (a
    synthetic-IV construction), so even the row id cannot be read from a code."""
    key = _key()
    payload = PAYLOAD.pack(participant.id or 0, participant.badge_serial % 65536)
    tag = hmac.new(key, payload, hashlib.sha256).digest()[:TAG_BYTES]
    masked = bytes(a ^ b for a, b in zip(payload, _mask(key, tag), strict=True))
    return base64.b32encode(tag + masked).decode().rstrip("=")


def read_code(code: str) -> tuple[int, int] | None:
    """(participant id, serial) from a genuine code; None for anything else."""
    cleaned = "".join(code.split()).upper()
    if len(cleaned) != CODE_LENGTH:
        return None
    try:
        raw = base64.b32decode(cleaned + "======")
    except ValueError:
        return None
    if base64.b32encode(raw).decode().rstrip("=") != cleaned:
        # The last letter carries two unused bits: only one spelling of a code is genuine.
        return None
    key = _key()
    tag, masked = raw[:TAG_BYTES], raw[TAG_BYTES:]
    payload = bytes(a ^ b for a, b in zip(masked, _mask(key, tag), strict=True))
    expected = hmac.new(key, payload, hashlib.sha256).digest()[:TAG_BYTES]
    if not hmac.compare_digest(tag, expected):
        return None
    return PAYLOAD.unpack(payload)


def printed_code(code: str) -> str:
    """The code in groups of five letters, to type it when the QR code cannot be read."""
    return " ".join(code[start : start + 5] for start in range(0, len(code), 5))


@dataclass
class BadgeRow:
    """A badge as printed or listed: the person, their delegation and the badge's category."""

    participant: Participant
    delegation: Delegation
    entity: Entity
    code: str
    printed_code: str
    name: str
    name_direction: str  # "rtl" for a name written in Arabic script
    entity_category: str  # "state" or "organisation"
    role_category: str  # "head" or "delegate"


def _direction(text: str) -> str:
    import unicodedata

    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def _badge_row(participant: Participant, delegation: Delegation, entity: Entity) -> BadgeRow:
    code = badge_code(participant)
    name = " ".join(
        part
        for part in (participant.honorific, participant.given_name, participant.family_name)
        if part
    )
    return BadgeRow(
        participant=participant,
        delegation=delegation,
        entity=entity,
        code=code,
        printed_code=printed_code(code),
        name=name,
        name_direction=_direction(f"{participant.given_name}{participant.family_name}"),
        entity_category="state" if entity_group(entity) < 2 else "organisation",
        role_category="head" if participant.role == "head" else "delegate",
    )


def list_badges(
    db_session: Session,
    *,
    edition: Edition,
    delegation_id: int | None = None,
    participant_id: int | None = None,
) -> list[BadgeRow]:
    """Badges of the accredited participants of active delegations, in delegation order."""
    query = (
        select(Participant, Delegation, Entity)
        .join(Delegation, col(Delegation.id) == Participant.delegation_id)
        .join(Entity, col(Entity.id) == Delegation.entity_id)
        .where(
            Participant.edition_id == edition.id,
            Participant.status == ParticipantStatus.accredited,
            col(Delegation.status).not_in(INACTIVE_DELEGATION_STATUSES),
        )
    )
    if delegation_id is not None:
        query = query.where(Participant.delegation_id == delegation_id)
    if participant_id is not None:
        query = query.where(Participant.id == participant_id)
    rows = [_badge_row(*row) for row in db_session.exec(query)]
    rows.sort(
        key=lambda row: (
            entity_group(row.entity),
            row.entity.name_en.casefold(),
            participant_order(row.participant),
        )
    )
    return rows


def get_badge_participant(
    db_session: Session, *, edition: Edition, participant_id: int
) -> Participant:
    """An accredited participant of this edition, or 404."""
    participant = db_session.get(Participant, participant_id)
    if participant is None or participant.edition_id != edition.id:
        raise NotFound(N_("There is no such participant."))
    return participant


def reissue_badge(
    db_session: Session, *, edition: Edition, participant_id: int, actor: Actor
) -> Participant:
    """Revoke a participant's badge and issue a new one (a lost or misprinted badge)."""
    participant = get_badge_participant(db_session, edition=edition, participant_id=participant_id)
    if participant.status != ParticipantStatus.accredited:
        raise Conflict(N_("Only an accredited participant has a badge."))
    before = snapshot(participant, ["badge_serial", "badge_revoked_at"])
    now = utcnow()
    db_session.exec(  # type: ignore[call-overload]
        update(Participant)  # raised in the database: two re-issues at once give two serials
        .where(col(Participant.id) == participant.id)
        .values(
            badge_serial=col(Participant.badge_serial) + 1, badge_revoked_at=now, updated_at=now
        )
        .execution_options(synchronize_session=False)
    )
    db_session.refresh(participant)
    audit.record(
        db_session,
        actor=actor,
        action="participant.badge_reissue",
        subject=participant,
        edition_id=edition.id,
        before=before,
        after=snapshot(participant, ["badge_serial", "badge_revoked_at"]),
    )
    db_session.commit()
    return participant


@dataclass
class CheckIn:
    """A successful check-in: who arrived, with which delegation, when."""

    participant: Participant
    entity: Entity
    checked_in_at: datetime


def local_time(moment: datetime, edition: Edition) -> str:
    """A moment as HH:MM in the edition's time zone."""
    return moment.astimezone(ZoneInfo(edition.time_zone)).strftime("%H:%M")


def _refuse_if_invalid(
    participant: Participant | None, delegation: Delegation | None, serial: int, edition: Edition
) -> None:
    if participant is None or delegation is None or participant.edition_id != edition.id:
        raise UnknownBadge(N_("Unknown badge: this code is not one of this edition."), field="code")
    if serial != participant.badge_serial % 65536:
        raise RevokedBadge(
            N_("Revoked badge: a new badge was issued to this person. Ask for the new one."),
            field="code",
        )
    if participant.status != ParticipantStatus.accredited or delegation.status in (
        INACTIVE_DELEGATION_STATUSES
    ):
        raise RevokedBadge(
            N_("Revoked badge: this person is not accredited. Send them to the registration desk."),
            field="code",
        )
    if participant.checked_in_at is not None:
        raise AlreadyCheckedIn(
            N_("Already checked in at {time}: this badge has been used."),
            field="code",
            time=local_time(participant.checked_in_at, edition),
        )


def check_in(db_session: Session, *, edition: Edition, code: str, actor: Actor) -> CheckIn:
    """Mark the badge's holder as arrived, once; refuse an unknown, revoked or used code.

    The write is a conditional UPDATE (... WHERE checked_in_at IS NULL): when two scanners
    read the same badge at once, exactly one of them updates the row."""
    read = read_code(code)
    if read is None:
        raise UnknownBadge(N_("Unknown badge: this code is not valid."), field="code")
    participant_id, serial = read
    begin_immediate(db_session)
    try:
        row = db_session.exec(
            select(Participant, Delegation, Entity)
            .join(Delegation, col(Delegation.id) == Participant.delegation_id)
            .join(Entity, col(Entity.id) == Delegation.entity_id)
            .where(Participant.id == participant_id)
            .execution_options(populate_existing=True)
        ).first()
        participant, delegation, entity = row if row else (None, None, None)
        _refuse_if_invalid(participant, delegation, serial, edition)
        assert participant is not None and entity is not None
        now = utcnow()
        result = db_session.exec(  # type: ignore[call-overload]
            update(Participant)
            .where(
                col(Participant.id) == participant_id,
                col(Participant.checked_in_at).is_(None),
                col(Participant.badge_serial) == participant.badge_serial,
                col(Participant.status) == ParticipantStatus.accredited,
            )
            .values(checked_in_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            db_session.refresh(participant)
            _refuse_if_invalid(participant, delegation, serial, edition)
            raise AlreadyCheckedIn(N_("This badge has just been used."), field="code")
        db_session.refresh(participant)
        audit.record(
            db_session,
            actor=actor,
            action="participant.check_in",
            subject=participant,
            edition_id=edition.id,
            after={"checked_in_at": now.isoformat(), "badge_serial": participant.badge_serial},
        )
        db_session.commit()
    except DomainError:
        db_session.rollback()
        raise
    return CheckIn(participant, entity, now)


def arrival(db_session: Session, *, edition: Edition, participant_id: int) -> CheckIn | None:
    """A check-in to show after the redirect: the participant, if they have arrived."""
    row = db_session.exec(
        select(Participant, Entity)
        .join(Delegation, col(Delegation.id) == Participant.delegation_id)
        .join(Entity, col(Entity.id) == Delegation.entity_id)
        .where(Participant.id == participant_id, Participant.edition_id == edition.id)
    ).first()
    if row is None or row[0].checked_in_at is None:
        return None
    return CheckIn(row[0], row[1], row[0].checked_in_at)


@dataclass
class ArrivalCount:
    entity: Entity
    arrived: int
    accredited: int


def arrival_counts(db_session: Session, *, edition: Edition) -> list[ArrivalCount]:
    """Arrived / accredited per delegation (one grouped query), in delegation order."""
    from sqlalchemy import func

    rows = db_session.exec(
        select(Entity, func.count(col(Participant.checked_in_at)), func.count())
        .select_from(Participant)
        .join(Delegation, col(Delegation.id) == Participant.delegation_id)
        .join(Entity, col(Entity.id) == Delegation.entity_id)
        .where(
            Participant.edition_id == edition.id,
            Participant.status == ParticipantStatus.accredited,
            col(Delegation.status).not_in(INACTIVE_DELEGATION_STATUSES),
        )
        .group_by(col(Entity.id))
    ).all()
    counts = [ArrivalCount(entity, arrived, total) for entity, arrived, total in rows]
    counts.sort(key=lambda c: (entity_group(c.entity), c.entity.name_en.casefold()))
    return counts


# ---- The desk without a badge: search by name, check in, undo a wrong scan --------------

MAX_SEARCH_RESULTS = 30


@dataclass
class DeskRow:
    participant: Participant
    entity: Entity


def _desk_query(edition: Edition):  # noqa: ANN202
    return (
        select(Participant, Entity)
        .join(Delegation, col(Delegation.id) == Participant.delegation_id)
        .join(Entity, col(Entity.id) == Delegation.entity_id)
        .where(
            Participant.edition_id == edition.id,
            Participant.status == ParticipantStatus.accredited,
            col(Delegation.status).not_in(INACTIVE_DELEGATION_STATUSES),
        )
    )


def search_accredited(db_session: Session, *, edition: Edition, text: str) -> list[DeskRow]:
    """Accredited participants whose name holds every typed word (a lost badge)."""
    from sqlalchemy import func

    words = [word for word in text.casefold().split() if word][:4]
    if not words:
        return []
    query = _desk_query(edition)
    full_name = func.lower(Participant.given_name + " " + Participant.family_name)
    for word in words:
        query = query.where(full_name.contains(word, autoescape=True))
    rows = db_session.exec(query.limit(MAX_SEARCH_RESULTS)).all()
    return sorted(
        (DeskRow(p, e) for p, e in rows),
        key=lambda row: (row.participant.family_name.casefold(), row.participant.given_name),
    )


def latest_arrivals(db_session: Session, *, edition: Edition, limit: int = 10) -> list[DeskRow]:
    """The last people checked in, newest first, to undo a wrong scan."""
    rows = db_session.exec(
        _desk_query(edition)
        .where(col(Participant.checked_in_at).is_not(None))
        .order_by(col(Participant.checked_in_at).desc())
        .limit(limit)
    ).all()
    return [DeskRow(p, e) for p, e in rows]


def check_in_by_name(
    db_session: Session, *, edition: Edition, participant_id: int, actor: Actor
) -> CheckIn:
    """Check in an accredited participant found by name (no badge to scan), once."""
    begin_immediate(db_session)
    try:
        row = db_session.exec(
            _desk_query(edition)
            .where(Participant.id == participant_id)
            .execution_options(populate_existing=True)
        ).first()
        if row is None:
            raise NotFound(N_("There is no such participant."))
        participant, entity = row
        if participant.checked_in_at is not None:
            raise AlreadyCheckedIn(
                N_("Already checked in at {time}: this badge has been used."),
                field="code",
                time=local_time(participant.checked_in_at, edition),
            )
        now = utcnow()
        result = db_session.exec(  # type: ignore[call-overload]
            update(Participant)
            .where(col(Participant.id) == participant_id, col(Participant.checked_in_at).is_(None))
            .values(checked_in_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise AlreadyCheckedIn(N_("This badge has just been used."), field="code")
        db_session.refresh(participant)
        audit.record(
            db_session,
            actor=actor,
            action="participant.check_in",
            subject=participant,
            edition_id=edition.id,
            after={"checked_in_at": now.isoformat(), "by": "name"},
        )
        db_session.commit()
    except DomainError:
        db_session.rollback()
        raise
    return CheckIn(participant, entity, now)


def undo_check_in(
    db_session: Session, *, edition: Edition, participant_id: int, reason: str, actor: Actor
) -> Participant:
    """Cancel a wrong check-in, with the reason (audited); the badge can be scanned again."""
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput(N_("Give the reason for the undo."), field="reason")
    if len(reason) > 300:
        raise InvalidInput(N_("Enter at most {count} characters."), field="reason", count=300)
    participant = get_badge_participant(db_session, edition=edition, participant_id=participant_id)
    if participant.checked_in_at is None:
        raise Conflict(N_("This person is not checked in."), field="reason")
    before = {"checked_in_at": participant.checked_in_at.isoformat()}
    participant.checked_in_at = None
    participant.updated_at = utcnow()
    db_session.add(participant)
    audit.record(
        db_session,
        actor=actor,
        action="participant.check_in_undo",
        subject=participant,
        edition_id=edition.id,
        before=before,
        after={"checked_in_at": None, "reason": reason},
    )
    db_session.commit()
    return participant
