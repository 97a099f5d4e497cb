"""Registration settings of an edition: when the form opens and closes (stored in UTC,
entered and shown in the edition's time zone), quotas, who may take part."""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from app.audit import service as audit
from app.audit.service import Actor, snapshot
from app.delegations.models import Delegation, RegistrationSettings
from app.delegations.schemas import RegistrationSettingsIn
from app.editions.models import Edition, EditionStatus
from app.errors import InvalidInput
from app.i18n import N_
from app.timestamps import utcnow

READ_SETTINGS = "read_registration_settings"


def settings_of(db_session: Session, edition: Edition) -> RegistrationSettings:
    """The edition's registration settings (defaults when never saved); not read again when
    this transaction already read them with the delegation (``remember_settings``)."""
    transaction, edition_id, remembered = db_session.info.get(READ_SETTINGS, (None, None, None))
    if (
        edition_id == edition.id
        and transaction is not None
        and transaction is db_session.get_transaction()
        and transaction.is_active
    ):
        return remembered or RegistrationSettings(edition_id=edition.id or 0)
    found = db_session.exec(
        select(RegistrationSettings).where(RegistrationSettings.edition_id == edition.id)
    ).first()
    return found or RegistrationSettings(edition_id=edition.id or 0)


def remember_settings(
    db_session: Session, edition: Edition, settings: RegistrationSettings | None
) -> None:
    """The settings of the edition as read in the current transaction (None: never saved)."""
    db_session.info[READ_SETTINGS] = (db_session.get_transaction(), edition.id, settings)


def deadline_of(db_session: Session, edition: Edition) -> datetime | None:
    """The registration deadline (UTC), or None when it has not been set."""
    return settings_of(db_session, edition).deadline_at


def registration_is_open(
    edition: Edition, settings: RegistrationSettings, now: datetime | None = None
) -> bool:
    """Open to focal points: the edition is taking registrations and now is in the window."""
    now = now or utcnow()
    if edition.status != EditionStatus.registration_open or settings.deadline_at is None:
        return False
    if settings.opens_at is not None and now < settings.opens_at:
        return False
    return now < settings.deadline_at


def closed_reason(
    edition: Edition, settings: RegistrationSettings, now: datetime | None = None
) -> str | None:
    """Why focal points cannot register now: "not_open_yet", "deadline_passed" or
    "closed" (the organisers moved the edition past registration); None while open."""
    now = now or utcnow()
    if edition.status in (EditionStatus.draft, EditionStatus.announced):
        return "not_open_yet"
    if edition.status != EditionStatus.registration_open:
        return "closed"
    if settings.opens_at is not None and now < settings.opens_at:
        return "not_open_yet"
    if settings.deadline_at is None:
        return "not_open_yet"
    return "deadline_passed" if now >= settings.deadline_at else None


def quota_of(settings: RegistrationSettings, delegation: Delegation) -> int:
    return delegation.quota_override or settings.default_quota


def to_utc(local: datetime | None, time_zone: str) -> datetime | None:
    """A time typed in the venue's time zone (naive or not) as aware UTC."""
    if local is None:
        return None
    zone = ZoneInfo(time_zone)
    aware = local.replace(tzinfo=zone) if local.tzinfo is None else local
    return aware.astimezone(ZoneInfo("UTC"))


def to_local(moment: datetime | None, time_zone: str) -> datetime | None:
    return moment.astimezone(ZoneInfo(time_zone)) if moment else None


def update_registration_settings(
    db_session: Session, *, edition: Edition, settings_in: RegistrationSettingsIn, actor: Actor
) -> RegistrationSettings:
    """Save the registration window, quota and eligibility of an edition."""
    for field in ("opens_at", "deadline_at"):
        moment = getattr(settings_in, field)
        if moment is not None and not 2000 <= moment.year <= 2200:
            raise InvalidInput(N_("Enter a date between the years 2000 and 2200."), field=field)
    opens_at = to_utc(settings_in.opens_at, edition.time_zone)
    deadline_at = to_utc(settings_in.deadline_at, edition.time_zone)
    if opens_at and deadline_at and deadline_at <= opens_at:
        raise InvalidInput(N_("The deadline must be after the opening time."), field="deadline_at")
    settings = settings_of(db_session, edition)
    before = snapshot(settings) if settings.id else None
    settings.opens_at = opens_at
    settings.deadline_at = deadline_at
    settings.default_quota = settings_in.default_quota
    settings.allowed_entity_types = [str(kind) for kind in settings_in.allowed_entity_types]
    settings.requests_open = settings_in.requests_open
    settings.updated_at = utcnow()
    db_session.add(settings)
    db_session.flush()
    audit.record(
        db_session,
        actor=actor,
        action="registration_settings.update",
        subject=settings,
        edition_id=edition.id,
        before=before,
        after=snapshot(settings),
    )
    db_session.commit()
    return settings
