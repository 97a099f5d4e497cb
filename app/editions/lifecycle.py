"""The lifecycle of an edition: draft → announced → registration open → registration closed
→ held → concluded → archived, as explicit, checked and logged actions.

Each allowed move is a ``Transition``; ``check_transition`` says why a move is refused (a
pure function of the edition, the registration deadline and today's date in the edition's
time zone), and ``transition_edition`` applies it and writes the audit entry.
"""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from app.audit import service as audit
from app.audit.service import Actor
from app.editions.models import Edition, EditionStatus
from app.errors import Conflict, InvalidInput
from app.i18n import N_
from app.timestamps import utcnow

S = EditionStatus


@dataclass(frozen=True)
class Transition:
    source: EditionStatus
    target: EditionStatus
    action: str  # the verb shown on the button and written to the audit log
    is_correction: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.draft, S.announced, "announce"),
    Transition(S.announced, S.registration_open, "open_registration"),
    Transition(S.registration_open, S.registration_closed, "close_registration"),
    Transition(S.registration_closed, S.held, "mark_held"),
    Transition(S.held, S.concluded, "conclude"),
    Transition(S.concluded, S.archived, "archive"),
    # Corrections: withdraw an announcement made too early, reopen registration.
    Transition(S.announced, S.draft, "withdraw", is_correction=True),
    Transition(S.registration_closed, S.registration_open, "reopen_registration", True),
)
_BY_ENDS = {(t.source, t.target): t for t in TRANSITIONS}


def parse_status(value: str) -> EditionStatus:
    """The status named by a form or API input."""
    try:
        return EditionStatus(value)
    except ValueError as error:
        raise InvalidInput(
            N_("'{value}' is not a status of an edition."), field="to", value=value
        ) from error


def available_transitions(edition: Edition) -> list[Transition]:
    """The moves an organiser may attempt from the edition's current status."""
    return [t for t in TRANSITIONS if t.source == edition.status]


def today_at_venue(edition: Edition, now: datetime | None = None) -> date:
    """Today's date in the edition's time zone."""
    return (now or utcnow()).astimezone(ZoneInfo(edition.time_zone)).date()


def registration_deadline_of(db_session: Session, edition: Edition) -> datetime | None:
    """The registration deadline of the edition, from its registration settings."""
    from app.delegations import windows

    return windows.deadline_of(db_session, edition)


def check_registration_deadline(registration_deadline: datetime | None, now: datetime) -> None:
    """Refuse to open registration without a deadline, or with one already passed."""
    if registration_deadline is None:
        raise Conflict(N_("Set a registration deadline before opening registration."), field="to")
    if registration_deadline <= now:
        raise Conflict(
            N_("The registration deadline has passed: set a later one before opening."),
            field="to",
        )


def check_transition(
    edition: Edition,
    target: EditionStatus,
    *,
    registration_deadline: datetime | None,
    now: datetime,
) -> Transition:
    """The transition to ``target``, or a Conflict saying why it is refused."""
    transition = _BY_ENDS.get((EditionStatus(edition.status), target))
    if transition is None:
        if edition.status == target:
            raise Conflict(N_("The edition is already in this status."), field="to")
        if target == S.archived:
            raise Conflict(N_("Only a concluded edition can be archived."), field="to")
        raise Conflict(
            N_("An edition cannot go from '{source}' to '{target}'."),
            field="to",
            source=edition.status,
            target=target,
        )
    today = today_at_venue(edition, now)
    if target == S.announced:
        if not edition.city_en or not edition.start_date or not edition.end_date:
            raise Conflict(
                N_("Give the city and the start and end dates before announcing the edition."),
                field="to",
            )
    elif target == S.registration_open:
        check_registration_deadline(registration_deadline, now)
    elif target == S.held:
        if edition.start_date is None or today < edition.start_date:
            raise Conflict(
                N_("The edition can be marked as held once its start date is reached."),
                field="to",
            )
    elif target == S.concluded and (edition.end_date is None or today <= edition.end_date):
        raise Conflict(N_("The edition can be concluded once its end date has passed."), field="to")
    return transition


def transition_edition(
    db_session: Session,
    *,
    edition: Edition,
    target: EditionStatus,
    actor: Actor,
    now: datetime | None = None,
) -> Edition:
    """Move the edition to another status, if the checks allow it, and log it."""
    now = now or utcnow()
    deadline = (
        registration_deadline_of(db_session, edition) if target == S.registration_open else None
    )
    transition = check_transition(edition, target, registration_deadline=deadline, now=now)
    before = {"status": str(edition.status)}
    edition.status = target
    edition.updated_at = now
    db_session.add(edition)
    audit.record(
        db_session,
        actor=actor,
        action=f"edition.{transition.action}",
        subject=edition,
        edition_id=edition.id,
        before=before,
        after={"status": str(target)},
    )
    db_session.commit()
    return edition
