"""Editing the working agenda of an edition: the rules every item obeys."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, delete, select
from sqlmodel.sql.expression import Select

from app import translation_status
from app.agenda.models import AgendaItem, AgendaSpeaker
from app.agenda.schemas import AgendaItemCreate, AgendaItemUpdate, SpeakerIn
from app.audit import service as audit
from app.audit.service import Actor, snapshot
from app.delegations.models import Participant
from app.editions.models import Edition
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import N_
from app.paging import Page, Paged, fetch_page
from app.timestamps import utcnow

TRANSLATED_FIELDS = ("title", "description")
# Translated too, and flagged when the English changes: the chair and the speakers.
PEOPLE_FIELDS = ("chair", "speakers")
SPEAKER_TRANSLATIONS = ("name_fr", "name_ar", "function_fr", "function_ar")


@dataclass
class EditableItem:
    """An item of the working agenda with its speakers and its missing translations."""

    item: AgendaItem
    speakers: list[AgendaSpeaker] = field(default_factory=list)

    @property
    def missing_translations(self) -> list[str]:
        return missing_translations(self.item)


def missing_translations(item: AgendaItem) -> list[str]:
    """The French and Arabic fields left empty where the English one is filled."""
    missing = []
    for name in TRANSLATED_FIELDS:
        if getattr(item, f"{name}_en", None):
            missing += [
                f"{name}_{code}" for code in ("fr", "ar") if not getattr(item, f"{name}_{code}")
            ]
    return missing


def to_utc(value: datetime, time_zone: str) -> datetime:
    """A time typed without an offset is read in the venue's time zone."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(time_zone))
    return value.astimezone(UTC)


def local(value: datetime, time_zone: str) -> datetime:
    return value.astimezone(ZoneInfo(time_zone))


def _items(edition: Edition) -> Select:
    return (
        select(AgendaItem)
        .where(AgendaItem.edition_id == edition.id)
        .order_by(col(AgendaItem.starts_at), col(AgendaItem.position), col(AgendaItem.id))
    )


def list_items(db_session: Session, *, edition: Edition) -> list[EditableItem]:
    """The working agenda in programme order, with speakers, in two queries."""
    return _with_speakers(db_session, list(db_session.exec(_items(edition))))


def page_items(db_session: Session, *, edition: Edition, page: Page) -> Paged[EditableItem]:
    """One page of the working agenda in programme order, with speakers."""
    result = fetch_page(db_session, _items(edition), page)
    return Paged(_with_speakers(db_session, result.entries), result.total)


def _with_speakers(db_session: Session, items: list[AgendaItem]) -> list[EditableItem]:
    speakers: dict[int, list[AgendaSpeaker]] = defaultdict(list)
    if items:
        for speaker in db_session.exec(
            select(AgendaSpeaker)
            .where(col(AgendaSpeaker.item_id).in_([item.id for item in items]))
            .order_by(col(AgendaSpeaker.item_id), col(AgendaSpeaker.position))
        ):
            speakers[speaker.item_id].append(speaker)
    return [EditableItem(item, speakers.get(item.id or 0, [])) for item in items]


def get_item(db_session: Session, *, edition: Edition, item_id: int) -> EditableItem:
    """One item of this edition's working agenda, with its speakers."""
    item = db_session.get(AgendaItem, item_id)
    if item is None or item.edition_id != edition.id:
        raise NotFound(N_("There is no agenda item {item_id} in this edition."), item_id=item_id)
    speakers = db_session.exec(
        select(AgendaSpeaker)
        .where(AgendaSpeaker.item_id == item_id)
        .order_by(col(AgendaSpeaker.position))
        # As stored now, not as first read in this unit of work (an item's version is
        # compared after its row is locked).
        .execution_options(populate_existing=True)
    ).all()
    return EditableItem(item, list(speakers))


def _check_times(edition: Edition, starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise InvalidInput(N_("The end must be after the start."), field="ends_at")
    if edition.start_date is None or edition.end_date is None:
        raise InvalidInput(
            N_("Set the edition's start and end dates before building its agenda."),
            field="starts_at",
        )
    first_day = local(starts_at, edition.time_zone).date()
    last_day = (local(ends_at, edition.time_zone) - timedelta(microseconds=1)).date()
    if first_day < edition.start_date or last_day > edition.end_date:
        raise InvalidInput(
            N_("The item must take place within the edition's dates, {start} to {end}."),
            field="starts_at",
            start=edition.start_date.isoformat(),
            end=edition.end_date.isoformat(),
        )


def _check_room(
    db_session: Session,
    *,
    edition: Edition,
    room: str | None,
    starts_at: datetime,
    ends_at: datetime,
    item_id: int | None,
) -> None:
    if not room:
        return
    query = select(AgendaItem).where(
        AgendaItem.edition_id == edition.id,
        func.lower(AgendaItem.room) == room.lower(),
        col(AgendaItem.starts_at) < ends_at,
        col(AgendaItem.ends_at) > starts_at,
    )
    if item_id is not None:
        query = query.where(AgendaItem.id != item_id)
    other = db_session.exec(query.order_by(col(AgendaItem.starts_at))).first()
    if other is not None:
        raise Conflict(
            N_("{room} is already in use from {start} to {end} by “{title}”."),
            field="room",
            room=room,
            start=local(other.starts_at, edition.time_zone).strftime("%H:%M"),
            end=local(other.ends_at, edition.time_zone).strftime("%H:%M"),
            title=other.title_en,
        )


def _check_speaker_links(db_session: Session, edition: Edition, speakers: list[SpeakerIn]) -> None:
    """A speaker may be linked only to a participant registered for this edition."""
    linked = {speaker.participant_id for speaker in speakers if speaker.participant_id}
    if not linked:
        return
    found = set(
        db_session.exec(
            select(Participant.id).where(
                col(Participant.id).in_(linked), Participant.edition_id == edition.id
            )
        )
    )
    if linked - found:
        raise InvalidInput(
            N_("A speaker is linked to a participant who is not registered for this edition."),
            field="speakers",
        )


def _replace_speakers(db_session: Session, item: AgendaItem, speakers: list[SpeakerIn]) -> None:
    db_session.exec(delete(AgendaSpeaker).where(col(AgendaSpeaker.item_id) == item.id))  # type: ignore[call-overload]
    for position, speaker in enumerate(speakers):
        db_session.add(
            AgendaSpeaker(
                item_id=item.id or 0,
                position=position,
                name=speaker.name,
                function=speaker.function or None,
                **{key: getattr(speaker, key) or None for key in SPEAKER_TRANSLATIONS},
                participant_id=speaker.participant_id,
            )
        )


def _blank_to_none(data: dict[str, Any]) -> dict[str, Any]:
    return {key: (None if value == "" else value) for key, value in data.items()}


def _audit_state(item: AgendaItem, speakers: list[SpeakerIn] | list[AgendaSpeaker]) -> dict:
    state = snapshot(item, list(AgendaItem.model_fields))
    state["speakers"] = [
        {
            "name": s.name,
            "function": s.function,
            **{key: getattr(s, key) for key in SPEAKER_TRANSLATIONS if getattr(s, key)},
            "participant_id": s.participant_id,
        }
        for s in speakers
    ]
    return state


def _speaker_text(speakers: list[Any], language: str) -> str:
    suffix = "" if language == "en" else f"_{language}"
    return "\n".join(
        f"{getattr(s, 'name' + suffix) or ''} | {getattr(s, 'function' + suffix) or ''}"
        if any((getattr(s, "name" + suffix), getattr(s, "function" + suffix)))
        else ""
        for s in speakers
    ).strip()


def _texts(item: AgendaItem, speakers: list[Any]) -> dict[str, Any]:
    """The translated texts of an item in the three languages, the chair and speakers
    included, as translation_status compares them."""
    texts = translation_status.values_of(item, TRANSLATED_FIELDS)
    texts["chair_en"] = item.chair
    for language in translation_status.TRANSLATIONS:
        texts[f"chair_{language}"] = getattr(item, f"chair_{language}")
    for language in ("en", *translation_status.TRANSLATIONS):
        texts[f"speakers_{language}"] = _speaker_text(speakers, language)
    return texts


def create_item(
    db_session: Session, *, edition: Edition, item_in: AgendaItemCreate, actor: Actor
) -> EditableItem:
    """Add an item to the working agenda after checking its times and its room."""
    starts_at = to_utc(item_in.starts_at, edition.time_zone)
    ends_at = to_utc(item_in.ends_at, edition.time_zone)
    _check_times(edition, starts_at, ends_at)
    _check_speaker_links(db_session, edition, item_in.speakers)
    _check_room(
        db_session,
        edition=edition,
        room=item_in.room or None,
        starts_at=starts_at,
        ends_at=ends_at,
        item_id=None,
    )
    last = db_session.exec(
        select(func.max(AgendaItem.position)).where(AgendaItem.edition_id == edition.id)
    ).one()
    data = _blank_to_none(item_in.model_dump(exclude={"speakers", "starts_at", "ends_at"}))
    data["interpretation_languages"] = list(dict.fromkeys(item_in.interpretation_languages))
    item = AgendaItem(
        **data,
        edition_id=edition.id or 0,
        starts_at=starts_at,
        ends_at=ends_at,
        position=(last or 0) + 1,
    )
    db_session.add(item)
    db_session.flush()
    _replace_speakers(db_session, item, item_in.speakers)
    audit.record(
        db_session,
        actor=actor,
        action="agenda_item.create",
        subject=item,
        edition_id=edition.id,
        after=_audit_state(item, item_in.speakers),
    )
    db_session.commit()
    return get_item(db_session, edition=edition, item_id=item.id or 0)


def update_item(
    db_session: Session,
    *,
    edition: Edition,
    item: AgendaItem,
    item_in: AgendaItemUpdate,
    actor: Actor,
) -> EditableItem:
    """Change an item; its uid stays, so calendars see the same event updated."""
    current = get_item(db_session, edition=edition, item_id=item.id or 0)
    before = _audit_state(item, current.speakers)
    changes = item_in.model_dump(exclude_unset=True, exclude={"speakers"})
    for required in ("kind", "starts_at", "ends_at", "title_en", "visibility"):
        if required in changes and changes[required] is None:
            raise InvalidInput(N_("This field is required."), field=required)
    starts_at = to_utc(changes.pop("starts_at", None) or item.starts_at, edition.time_zone)
    ends_at = to_utc(changes.pop("ends_at", None) or item.ends_at, edition.time_zone)
    room = changes.get("room", item.room)
    _check_times(edition, starts_at, ends_at)
    _check_speaker_links(db_session, edition, item_in.speakers or [])
    _check_room(
        db_session,
        edition=edition,
        room=room or None,
        starts_at=starts_at,
        ends_at=ends_at,
        item_id=item.id,
    )
    if "interpretation_languages" in changes:
        changes["interpretation_languages"] = list(
            dict.fromkeys(changes["interpretation_languages"] or [])
        )
    texts_before = _texts(item, current.speakers)
    for name, value in _blank_to_none(changes).items():
        setattr(item, name, value)
    item.starts_at, item.ends_at = starts_at, ends_at
    item.updated_at = utcnow()
    db_session.add(item)
    speakers: list[Any] = current.speakers
    if item_in.speakers is not None:
        _replace_speakers(db_session, item, item_in.speakers)
        speakers = item_in.speakers
    translation_status.flag_outdated(
        item,
        before=texts_before,
        parts=TRANSLATED_FIELDS + PEOPLE_FIELDS,
        after=_texts(item, speakers),
    )
    audit.record(
        db_session,
        actor=actor,
        action="agenda_item.update",
        subject=item,
        edition_id=edition.id,
        before=before,
        after=_audit_state(item, speakers),
    )
    db_session.commit()
    return get_item(db_session, edition=edition, item_id=item.id or 0)


def delete_item(db_session: Session, *, edition: Edition, item: AgendaItem, actor: Actor) -> None:
    """Remove an item from the working agenda; published revisions keep it."""
    current = get_item(db_session, edition=edition, item_id=item.id or 0)
    audit.record(
        db_session,
        actor=actor,
        action="agenda_item.delete",
        subject=item,
        edition_id=edition.id,
        before=_audit_state(item, current.speakers),
    )
    db_session.exec(delete(AgendaSpeaker).where(col(AgendaSpeaker.item_id) == item.id))  # type: ignore[call-overload]
    db_session.delete(item)
    db_session.commit()


def reorder_items(
    db_session: Session, *, edition: Edition, item_ids: list[int], actor: Actor
) -> list[EditableItem]:
    """Set the order of the items; items that start together are listed in this order."""
    items = {entry.item.id: entry.item for entry in list_items(db_session, edition=edition)}
    if len(set(item_ids)) != len(item_ids) or set(item_ids) != set(items):
        raise InvalidInput(
            N_("Give every item of the agenda exactly once to set their order."),
            field="item_ids",
        )
    before = {str(item_id): item.position for item_id, item in items.items()}
    for position, item_id in enumerate(item_ids, start=1):
        items[item_id].position = position
        db_session.add(items[item_id])
    audit.record(
        db_session,
        actor=actor,
        action="agenda.reorder",
        subject=edition,
        edition_id=edition.id,
        before={"positions": before},
        after={"positions": {str(item_id): n for n, item_id in enumerate(item_ids, start=1)}},
    )
    db_session.commit()
    return list_items(db_session, edition=edition)


def move_item(
    db_session: Session,
    *,
    edition: Edition,
    item: AgendaItem,
    direction: Literal["up", "down"],
    actor: Actor,
) -> list[EditableItem]:
    """Swap an item with its neighbour among the items that start at the same time."""
    entries = {entry.item.id or 0: entry.item for entry in list_items(db_session, edition=edition)}
    ids = list(entries)
    index = ids.index(item.id or 0)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ids) or entries[ids[other]].starts_at != item.starts_at:
        raise InvalidInput(
            N_(
                "Items are listed by start time; only items that start at the same time "
                "can be reordered. Change the start time to move this item further."
            ),
            field="position",
        )
    ids[index], ids[other] = ids[other], ids[index]
    return reorder_items(db_session, edition=edition, item_ids=ids, actor=actor)
