"""A new edition started from an earlier one: its working agenda moved to the new dates,
its registration settings and its list of invited entities. Nothing personal is copied:
no participant, focal-point contact, private link, upload, note or outcome statement.
This is the one place that spans domains, so it reads the agenda and delegation tables."""

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from app.agenda.models import AgendaItem, AgendaSpeaker
from app.audit import service as audit
from app.audit.service import Actor
from app.delegations.models import Delegation, DelegationStatus, RegistrationSettings
from app.editions import service as editions_service
from app.editions.models import Edition
from app.editions.schemas import EditionCreate
from app.errors import InvalidInput
from app.i18n import N_
from app.timestamps import utcnow

COPIED_ITEM_FIELDS = (
    "position", "kind", "title_en", "title_fr", "title_ar", "description_en", "description_fr",
    "description_ar", "room", "chair", "visibility",
)  # fmt: skip


def _local_day_and_time(moment: datetime, time_zone: str) -> tuple[date, datetime]:
    local = moment.astimezone(ZoneInfo(time_zone))
    return local.date(), local


def _moved(moment: datetime, *, source: Edition, edition: Edition) -> datetime:
    """The same day offset from the start and the same local time of day, at the new dates
    (each instant is rebuilt in the new time zone, so a change of DST does not shift it)."""
    assert source.start_date is not None and edition.start_date is not None
    day, local = _local_day_and_time(moment, source.time_zone)
    new_day = edition.start_date + (day - source.start_date)
    rebuilt = datetime.combine(new_day, local.time(), tzinfo=ZoneInfo(edition.time_zone))
    return rebuilt.astimezone(UTC)


def _source_items(db_session: Session, source: Edition) -> list[AgendaItem]:
    return list(
        db_session.exec(
            select(AgendaItem)
            .where(AgendaItem.edition_id == source.id)
            .order_by(col(AgendaItem.starts_at), col(AgendaItem.position), col(AgendaItem.id))
        )
    )


def _check_agenda_fits(items: list[AgendaItem], source: Edition, edition_in: EditionCreate) -> None:
    """Refuse new dates shorter than the agenda: no item is silently lost."""
    if not items:
        return
    if source.start_date is None:
        raise InvalidInput(
            N_("The edition to start from has an agenda but no start date; set it first."),
            field="clone_from",
        )
    if edition_in.start_date is None or edition_in.end_date is None:
        raise InvalidInput(
            N_("Give the start and end dates: the agenda is moved to them."), field="start_date"
        )
    if edition_in.end_date < edition_in.start_date:
        return  # the edition's own check says the dates are out of order
    last_day = max(
        (_local_day_and_time(item.ends_at - timedelta(microseconds=1), source.time_zone)[0])
        for item in items
    )
    needed = (last_day - source.start_date).days + 1
    available = (edition_in.end_date - edition_in.start_date).days + 1
    if needed > available:
        raise InvalidInput(
            N_(
                "The agenda of the edition copied runs over {needed} days; the new dates "
                "give {available}. Choose an end date on or after {end}."
            ),
            field="end_date",
            needed=needed,
            available=available,
            end=(edition_in.start_date + timedelta(days=needed - 1)).isoformat(),
        )


def _copy_agenda(
    db_session: Session, items: list[AgendaItem], source: Edition, edition: Edition
) -> int:
    if not items:
        return 0
    speakers: dict[int, list[AgendaSpeaker]] = defaultdict(list)
    for speaker in db_session.exec(
        select(AgendaSpeaker)
        .where(col(AgendaSpeaker.item_id).in_([item.id for item in items]))
        .order_by(col(AgendaSpeaker.item_id), col(AgendaSpeaker.position))
    ):
        speakers[speaker.item_id].append(speaker)
    copies = []
    for item in items:
        copy = AgendaItem(
            **{name: getattr(item, name) for name in COPIED_ITEM_FIELDS},
            edition_id=edition.id or 0,
            starts_at=_moved(item.starts_at, source=source, edition=edition),
            ends_at=_moved(item.ends_at, source=source, edition=edition),
            interpretation_languages=list(item.interpretation_languages),
        )
        db_session.add(copy)
        copies.append((item, copy))
    db_session.flush()
    for item, copy in copies:
        for speaker in speakers.get(item.id or 0, []):
            # The speaker's link to a participant belongs to the earlier edition.
            db_session.add(
                AgendaSpeaker(
                    item_id=copy.id or 0,
                    position=speaker.position,
                    name=speaker.name,
                    function=speaker.function,
                )
            )
    return len(copies)


def _shift(moment: datetime | None, days: int | None) -> datetime | None:
    if moment is None or days is None:
        return None
    return moment + timedelta(days=days)


def _copy_registration(db_session: Session, source: Edition, edition: Edition) -> int:
    """Copy the registration settings (window moved by the same number of days) and invite
    the same entities again, with their quotas but without any contact or link."""
    days = (
        (edition.start_date - source.start_date).days
        if edition.start_date and source.start_date
        else None
    )
    settings = db_session.exec(
        select(RegistrationSettings).where(RegistrationSettings.edition_id == source.id)
    ).first()
    if settings is not None:
        db_session.add(
            RegistrationSettings(
                edition_id=edition.id or 0,
                opens_at=_shift(settings.opens_at, days),
                deadline_at=_shift(settings.deadline_at, days),
                default_quota=settings.default_quota,
                allowed_entity_types=list(settings.allowed_entity_types),
                requests_open=settings.requests_open,
            )
        )
    delegations = db_session.exec(
        select(Delegation).where(Delegation.edition_id == source.id).order_by(col(Delegation.id))
    ).all()
    for delegation in delegations:
        db_session.add(
            Delegation(
                edition_id=edition.id or 0,
                entity_id=delegation.entity_id,
                status=DelegationStatus.invited,
                quota_override=delegation.quota_override,
                focal_point_language=delegation.focal_point_language,
            )
        )
    return len(delegations)


def clone_edition(
    db_session: Session, *, source: Edition, edition_in: EditionCreate, actor: Actor
) -> Edition:
    """Create a draft edition from an earlier one: agenda, registration settings and
    invited entities copied, nothing personal."""
    items = _source_items(db_session, source)
    _check_agenda_fits(items, source, edition_in)
    edition = editions_service.add_draft_edition(db_session, edition_in=edition_in)
    copied_items = _copy_agenda(db_session, items, source, edition)
    copied_delegations = _copy_registration(db_session, source, edition)
    edition.updated_at = utcnow()
    audit.record(
        db_session,
        actor=actor,
        action="edition.clone",
        subject=edition,
        edition_id=edition.id,
        after={
            **audit.snapshot(edition),
            "source": source.slug,
            "agenda_items": copied_items,
            "delegations": copied_delegations,
        },
    )
    db_session.commit()
    return edition


def create_or_clone_edition(
    db_session: Session, *, clone_from: str | None, edition_in: EditionCreate, actor: Actor
) -> Edition:
    """The new-edition form: a blank draft, or a clone of the edition chosen to start from."""
    if not clone_from:
        return editions_service.create_edition(db_session, edition_in=edition_in, actor=actor)
    source = db_session.exec(select(Edition).where(Edition.slug == clone_from)).first()
    if source is None:
        raise InvalidInput(N_("Choose one of the options."), field="clone_from")
    return clone_edition(db_session, source=source, edition_in=edition_in, actor=actor)
