"""Erasing an edition's personal data once the retention period after it is over: the
participants' and focal points' details, join requests' contacts, uploaded letters, the
messages sent to them and the copies the audit log kept. What the statistics need stays:
delegations, roles, statuses and interpretation languages."""

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, delete, func, select

from app.audit import service as audit
from app.audit.models import AuditEntry
from app.audit.service import Actor
from app.config import get_settings
from app.delegations.models import Delegation, JoinRequest, Participant
from app.editions.models import Edition
from app.errors import Conflict, InvalidInput
from app.i18n import N_
from app.mail.models import OutboxMessage

ERASED = "[erased]"
PURGE_ACTION = "edition.purge_personal_data"
# Keys of the before/after of audit entries that hold personal data.
PERSONAL_KEYS = frozenset(
    {
        "honorific", "given_name", "family_name", "function", "agency", "email",
        "email_normalized", "phone", "arrival_date", "departure_date", "dietary_needs",
        "access_needs", "rejection_reason", "focal_point_name", "focal_point_email",
        "focal_point_phone", "token_hash", "letter_file", "letter_filename", "organiser_note",
        "contact_name", "contact_email", "message", "client_key", "to_address", "subject",
        "body_text",
    }
)  # fmt: skip
# Values shorter than this are matched whole, longer ones wherever they appear.
MIN_SEARCHED_LENGTH = 5


@dataclass
class AggregateCounts:
    """What remains after a purge: the figures of the edition's report."""

    delegations_by_status: dict[str, int]
    participants_by_role: dict[str, int]
    participants_by_status: dict[str, int]
    participants_by_language: dict[str, int]

    @property
    def participants(self) -> int:
        return sum(self.participants_by_status.values())


@dataclass
class PurgeReport:
    participants: int = 0
    delegations: int = 0
    join_requests: int = 0
    uploads: int = 0
    outbox_messages: int = 0
    audit_entries: int = 0
    forced: bool = False
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class RetentionView:
    """The retention page: when a purge becomes possible, what remains, the last purge."""

    possible_date: date | None
    is_due: bool
    counts: AggregateCounts
    last_purge: AuditEntry | None
    retention_days: int = field(default_factory=lambda: get_settings().retention_days)


def purge_possible_date(edition: Edition) -> date | None:
    """The first day personal data may be purged: the end date plus the retention period."""
    if edition.end_date is None:
        return None
    return edition.end_date + timedelta(days=get_settings().retention_days)


def _is_due(edition: Edition, now: datetime) -> bool:
    possible = purge_possible_date(edition)
    return possible is not None and now.astimezone(ZoneInfo(edition.time_zone)).date() >= possible


def _grouped(db_session: Session, column: Any, *conditions: Any) -> dict[str, int]:
    rows = db_session.exec(select(column, func.count()).where(*conditions).group_by(column)).all()
    return {str(value): count for value, count in sorted(rows)}


def aggregate_counts(db_session: Session, *, edition: Edition) -> AggregateCounts:
    """Delegations by status, participants by role, status and language (four queries)."""
    of_edition = Participant.edition_id == edition.id
    return AggregateCounts(
        delegations_by_status=_grouped(
            db_session, Delegation.status, Delegation.edition_id == edition.id
        ),
        participants_by_role=_grouped(db_session, Participant.role, of_edition),
        participants_by_status=_grouped(db_session, Participant.status, of_edition),
        participants_by_language=_grouped(
            db_session, Participant.interpretation_language, of_edition
        ),
    )


def last_purge(db_session: Session, *, edition: Edition) -> AuditEntry | None:
    """The latest purge of this edition's personal data: who and when."""
    return db_session.exec(
        select(AuditEntry)
        .where(AuditEntry.action == PURGE_ACTION, AuditEntry.edition_id == edition.id)
        .order_by(col(AuditEntry.occurred_at).desc(), col(AuditEntry.id).desc())
    ).first()


def retention_view(db_session: Session, *, edition: Edition, now: datetime) -> RetentionView:
    """What the retention page shows."""
    return RetentionView(
        possible_date=purge_possible_date(edition),
        is_due=_is_due(edition, now),
        counts=aggregate_counts(db_session, edition=edition),
        last_purge=last_purge(db_session, edition=edition),
    )


def _check_allowed(edition: Edition, force_reason: str | None, now: datetime) -> str | None:
    """The recorded reason of a forced purge (None when the period is over)."""
    if _is_due(edition, now):
        return force_reason.strip() if force_reason and force_reason.strip() else None
    if force_reason is None:
        possible = purge_possible_date(edition)
        if possible is None:
            raise Conflict(
                N_(
                    "The edition has no end date, so its retention period is not over; "
                    "force the purge with a reason to erase its personal data now."
                )
            )
        raise Conflict(
            N_(
                "The retention period is not over: personal data of this edition may be "
                "purged from {date}. To purge earlier, force it with a reason."
            ),
            date=possible.isoformat(),
        )
    if not force_reason.strip():
        raise InvalidInput(N_("Give the reason for purging before the date."), field="reason")
    return force_reason.strip()


def _remember(needles: set[str], *values: str | None) -> None:
    for value in values:
        if value and value != ERASED and not value.startswith("erased-"):
            needles.add(value.casefold())


def _erase_participants(db_session: Session, edition: Edition, needles: set[str]) -> int:
    participants = db_session.exec(
        select(Participant).where(Participant.edition_id == edition.id)
    ).all()
    for participant in participants:
        _remember(
            needles,
            participant.given_name,
            participant.family_name,
            participant.email,
            participant.email_normalized,
            participant.phone,
            participant.agency,
        )
        participant.honorific = None
        participant.given_name = ERASED
        participant.family_name = ERASED
        participant.function = ERASED
        participant.agency = None
        participant.email = participant.email_normalized = f"erased-{participant.id}@invalid"
        participant.phone = None
        participant.arrival_date = participant.departure_date = None
        participant.dietary_needs = participant.access_needs = None
        participant.rejection_reason = None
        db_session.add(participant)
    return len(participants)


def _erase_delegations(
    db_session: Session, edition: Edition, needles: set[str], files: list[str]
) -> int:
    delegations = db_session.exec(
        select(Delegation).where(Delegation.edition_id == edition.id)
    ).all()
    for delegation in delegations:
        _remember(
            needles,
            delegation.focal_point_name,
            delegation.focal_point_email,
            delegation.focal_point_phone,
            delegation.letter_filename,
        )
        if delegation.letter_file:
            files.append(delegation.letter_file)
        delegation.focal_point_name = None
        delegation.focal_point_email = None
        delegation.focal_point_phone = None
        delegation.token_hash = None
        delegation.token_issued_at = None
        delegation.letter_file = delegation.letter_filename = None
        delegation.letter_uploaded_at = None
        delegation.organiser_note = None
        db_session.add(delegation)
    return len(delegations)


def _erase_join_requests(db_session: Session, edition: Edition, needles: set[str]) -> int:
    requests = db_session.exec(
        select(JoinRequest).where(JoinRequest.edition_id == edition.id)
    ).all()
    for request in requests:
        _remember(needles, request.contact_name, request.contact_email)
        request.contact_name = ERASED
        request.contact_email = f"erased-{request.id}@invalid"
        request.message = None
        request.client_key = ERASED
        db_session.add(request)
    return len(requests)


def _delete_outbox(db_session: Session, edition: Edition, files: list[str]) -> int:
    delegation_ids = select(Delegation.id).where(Delegation.edition_id == edition.id)
    condition = (col(OutboxMessage.edition_id) == edition.id) | col(
        OutboxMessage.delegation_id
    ).in_(delegation_ids)
    messages = db_session.exec(select(OutboxMessage).where(condition)).all()
    files.extend(f"outbox/{message.eml_file}" for message in messages if message.eml_file)
    db_session.exec(delete(OutboxMessage).where(condition))  # type: ignore[call-overload]
    return len(messages)


def _scrubbed(value: Any, needles: set[str]) -> Any:
    if isinstance(value, dict):
        return {
            key: ERASED
            if key in PERSONAL_KEYS and item not in (None, "")
            else _scrubbed(item, needles)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_scrubbed(item, needles) for item in value]
    if isinstance(value, str) and value:
        folded = value.casefold()
        if folded in needles or any(
            needle in folded for needle in needles if len(needle) >= MIN_SEARCHED_LENGTH
        ):
            return ERASED
    return value


def _scrub_audit(db_session: Session, edition: Edition, needles: set[str]) -> int:
    """Replace the personal values the edition's audit entries copied (who, when and what
    was done stay)."""
    scrubbed = 0
    entries = db_session.exec(select(AuditEntry).where(AuditEntry.edition_id == edition.id))
    for entry in entries:
        before = _scrubbed(entry.before, needles)
        after = _scrubbed(entry.after, needles)
        if before != entry.before or after != entry.after:
            entry.before, entry.after = before, after
            db_session.add(entry)
            scrubbed += 1
    return scrubbed


def purge_personal_data(
    db_session: Session,
    *,
    edition: Edition,
    actor: Actor,
    force_reason: str | None,
    now: datetime,
) -> PurgeReport:
    """Erase the edition's personal data, keeping its aggregate counts; before the end of
    the retention period only when forced with a reason. Purging twice is harmless."""
    reason = _check_allowed(edition, force_reason, now)
    needles: set[str] = set()
    files: list[str] = []
    report = PurgeReport(forced=not _is_due(edition, now), reason=reason)
    report.participants = _erase_participants(db_session, edition, needles)
    report.delegations = _erase_delegations(db_session, edition, needles, files)
    report.join_requests = _erase_join_requests(db_session, edition, needles)
    report.uploads = len(files)
    report.outbox_messages = _delete_outbox(db_session, edition, files)
    db_session.flush()
    report.audit_entries = _scrub_audit(db_session, edition, needles)
    audit.record(
        db_session,
        actor=actor,
        action=PURGE_ACTION,
        subject=edition,
        edition_id=edition.id,
        after=report.as_dict(),
    )
    db_session.commit()
    var_dir = get_settings().var_dir
    for name in files:
        # Letters live under uploads/, written messages under outbox/.
        path = var_dir / name if name.startswith("outbox/") else var_dir / "uploads" / name
        path.unlink(missing_ok=True)
    return report


def counts_text(counts: dict[str, int]) -> str:
    """'en 3, fr 2' for the command line."""
    return ", ".join(f"{key} {value}" for key, value in sorted(Counter(counts).items()))
