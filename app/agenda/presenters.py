"""A published revision prepared for reading in one language: the single source of every
output (page, PDF, iCalendar, JSON, frab)."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from app import i18n
from app.agenda.models import AgendaRevision
from app.agenda.publishing import ItemChange, public_items
from app.agenda.schemas import AgendaItemForm, AgendaItemRead, SpeakerRead
from app.agenda.service import EditableItem
from app.editions.models import Edition
from app.i18n import N_
from app.web import labels
from app.web.conditional import row_etag

# Rooms of the venue that have a translation in the catalogues; other names are printed as
# organisers typed them.
ROOM_NAMES = (
    N_("Plenary hall"),
    N_("Press room"),
    N_("Registration desk"),
    N_("Exhibition area"),
    N_("Room A"),
    N_("Room B"),
    N_("Room C"),
    N_("Room D"),
)


def room_text(room: str | None, language: str) -> str | None:
    """The room's name in the reader's language where the catalogue has one."""
    return i18n.gettext(language, room) if room else room


@dataclass(frozen=True)
class SpeakerView:
    """A speaker in the reader's language; a part not given in it is the English one,
    marked as such (``*_fallback``)."""

    name: str
    function: str | None
    name_fallback: bool = False
    function_fallback: bool = False


def speaker_view(speaker: dict[str, Any], language: str) -> SpeakerView:
    name, name_fallback = _text(speaker, "name", language)
    function, function_fallback = _text(speaker, "function", language)
    return SpeakerView(name or "", function, name_fallback, function_fallback)


@dataclass
class ItemView:
    id: int
    uid: str
    sequence: int
    kind: str
    kind_label: str
    starts_at: datetime
    ends_at: datetime
    start_text: str
    end_text: str
    title: str
    title_fallback: bool
    description: str | None
    description_fallback: bool
    # The translation shown was written before the English last changed (see translation_status).
    translation_outdated: bool
    room: str | None
    room_text: str | None  # in the reader's language where the catalogue has it
    chair: str | None
    chair_fallback: bool
    speakers: list[SpeakerView]
    interpretation: list[str]
    interpretation_text: str  # the languages as a list in the reader's language
    interpretation_codes: list[str]
    visibility: str
    title_en: str

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


@dataclass
class DayView:
    date: date
    label: str
    items: list[ItemView] = field(default_factory=list)


@dataclass
class AgendaView:
    edition: Edition
    edition_title: str
    city: str
    language: str
    direction: str
    revision_id: int
    revision_number: int
    latest_number: int
    published_at: datetime
    published_text: str
    published_day: str
    note: str
    time_zone: str
    days: list[DayView]
    dates_text: str = ""

    @property
    def revision_label(self) -> str:
        return f"Rev.{self.revision_number}"

    @property
    def items(self) -> list[ItemView]:
        return [item for day in self.days for item in day.items]

    @property
    def is_latest(self) -> bool:
        return self.revision_number == self.latest_number


def _text(item: dict[str, Any], name: str, language: str) -> tuple[str | None, bool]:
    """The text in the reader's language, or the English one (``True``: a fallback). The
    chair and the speakers keep their English form under the bare name."""
    value = item.get(f"{name}_{language}")
    if value:
        return value, False
    fallback = item.get(f"{name}_en", item.get(name))
    return fallback, language != "en" and bool(fallback)


class _Clock:
    """Times of day in the reader's language, each formatted once per agenda."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.texts: dict[datetime, str] = {}

    def __call__(self, moment: datetime) -> str:
        if moment not in self.texts:
            self.texts[moment] = i18n.format_clock(moment, self.language)
        return self.texts[moment]


def item_view(
    item: dict[str, Any], language: str, zone: ZoneInfo, clock: _Clock | None = None
) -> ItemView:
    clock = clock or _Clock(language)
    starts_at = datetime.fromisoformat(item["starts_at"]).astimezone(zone)
    ends_at = datetime.fromisoformat(item["ends_at"]).astimezone(zone)
    title, title_fallback = _text(item, "title", language)
    description, description_fallback = _text(item, "description", language)
    chair, chair_fallback = _text(item, "chair", language)
    codes = list(item.get("interpretation_languages") or [])
    interpretation = [
        i18n.gettext(language, labels.interpretation_language.get(code, code)) for code in codes
    ]
    return ItemView(
        id=item["id"],
        uid=item["uid"],
        sequence=item.get("sequence", 0),
        kind=item["kind"],
        kind_label=i18n.gettext(language, labels.agenda_kind.get(item["kind"], item["kind"])),
        starts_at=starts_at,
        ends_at=ends_at,
        start_text=clock(starts_at),
        end_text=clock(ends_at),
        title=title or "",
        title_fallback=title_fallback,
        description=description,
        description_fallback=description_fallback,
        translation_outdated=language != "en" and bool(item.get(f"{language}_outdated")),
        room=item.get("room"),
        room_text=room_text(item.get("room"), language),
        chair=chair,
        chair_fallback=chair_fallback,
        speakers=[speaker_view(s, language) for s in item.get("speakers", [])],
        interpretation=interpretation,
        interpretation_text=i18n.format_list(interpretation, language),
        interpretation_codes=codes,
        visibility=item.get("visibility", "public"),
        title_en=item.get("title_en") or "",
    )


def agenda_view(
    edition: Edition,
    revision: AgendaRevision,
    language: str,
    *,
    latest_number: int,
    public_only: bool = True,
) -> AgendaView:
    """The revision's items in the reader's language and the venue's time, grouped by day."""
    zone = ZoneInfo(edition.time_zone)
    items = public_items(revision.items) if public_only else revision.items
    # Frozen items are stored in programme order.
    clock = _Clock(language)
    views = [item_view(item, language, zone, clock) for item in items]
    days: list[DayView] = []
    for view in views:
        day = view.starts_at.date()
        if not days or days[-1].date != day:
            days.append(DayView(day, i18n.format_day(day, language, "full")))
        days[-1].items.append(view)
    published_local = revision.published_at.astimezone(zone)
    return AgendaView(
        edition=edition,
        edition_title=i18n.localized(edition, "title", language)[0] or "",
        city=i18n.localized(edition, "city", language)[0] or "",
        language=language,
        direction=i18n.direction(language),
        revision_id=revision.id or 0,
        revision_number=revision.number,
        latest_number=latest_number,
        published_at=published_local,
        published_text=i18n.format_moment(published_local, language, "long"),
        published_day=i18n.format_day(published_local.date(), language, "long"),
        note=revision.note,
        time_zone=edition.time_zone,
        days=days,
        dates_text=i18n.format_dates(edition.start_date, edition.end_date, language),
    )


def item_read(entry: EditableItem, time_zone: str) -> AgendaItemRead:
    """An item of the working agenda for the organisers' API, times in the venue's zone."""
    item = entry.item
    zone = ZoneInfo(time_zone)
    return AgendaItemRead(
        id=item.id or 0,
        uid=item.uid,
        position=item.position,
        kind=item.kind,
        starts_at=item.starts_at.astimezone(zone),
        ends_at=item.ends_at.astimezone(zone),
        title_en=item.title_en,
        title_fr=item.title_fr,
        title_ar=item.title_ar,
        description_en=item.description_en,
        description_fr=item.description_fr,
        description_ar=item.description_ar,
        room=item.room,
        chair=item.chair,
        chair_fr=item.chair_fr,
        chair_ar=item.chair_ar,
        speakers=[
            SpeakerRead(
                name=s.name,
                function=s.function,
                name_fr=s.name_fr,
                name_ar=s.name_ar,
                function_fr=s.function_fr,
                function_ar=s.function_ar,
                participant_id=s.participant_id,
            )
            for s in entry.speakers
        ],
        interpretation_languages=list(item.interpretation_languages),
        visibility=item.visibility,
        missing_translations=entry.missing_translations,
        updated_at=item.updated_at,
    )


FIELD_LABELS = {
    "kind": N_("Kind"),
    "starts_at": N_("Start"),
    "ends_at": N_("End"),
    "title_en": N_("Title (English)"),
    "title_fr": N_("Title (French)"),
    "title_ar": N_("Title (Arabic)"),
    "description_en": N_("Description (English)"),
    "description_fr": N_("Description (French)"),
    "description_ar": N_("Description (Arabic)"),
    "room": N_("Room"),
    "chair": N_("Chair"),
    "chair_fr": N_("Chair (French)"),
    "chair_ar": N_("Chair (Arabic)"),
    "speakers": N_("Speakers"),
    "interpretation_languages": N_("Interpretation"),
    "visibility": N_("Visibility"),
}
STATUS_LABELS = {"added": N_("Added"), "removed": N_("Removed"), "changed": N_("Changed")}


@dataclass
class FieldChangeView:
    label: str
    before: str
    after: str


@dataclass
class ChangeView:
    status: str
    status_label: str
    title: str
    when: str
    fields: list[FieldChangeView]


def _value_text(name: str, value: Any, language: str, zone: ZoneInfo) -> str:
    if value in (None, "", []):
        return "—"
    if name in ("starts_at", "ends_at"):
        moment = datetime.fromisoformat(value).astimezone(zone)
        return i18n.format_moment(moment, language, "medium")
    if name == "kind":
        return i18n.gettext(language, labels.agenda_kind.get(value, value))
    if name == "visibility":
        return i18n.gettext(language, labels.visibility.get(value, value))
    if name == "speakers":
        return "; ".join(
            s["name"] + (f", {s['function']}" if s.get("function") else "") for s in value
        )
    if name == "interpretation_languages":
        return ", ".join(
            i18n.gettext(language, labels.interpretation_language.get(code, code)) for code in value
        )
    return str(value)


def change_views(changes: list[ItemChange], language: str, time_zone: str) -> list[ChangeView]:
    """The changes between two revisions, worded for the reader."""
    zone = ZoneInfo(time_zone)
    views = []
    for change in changes:
        item = change.item
        title = _text(item, "title", language)[0] or ""
        views.append(
            ChangeView(
                status=change.status,
                status_label=i18n.gettext(language, STATUS_LABELS[change.status]),
                title=title,
                when=_value_text("starts_at", item.get("starts_at"), language, zone),
                fields=[
                    FieldChangeView(
                        i18n.gettext(language, FIELD_LABELS[f.name]),
                        _value_text(f.name, f.before, language, zone),
                        _value_text(f.name, f.after, language, zone),
                    )
                    for f in change.fields
                ],
            )
        )
    return views


def _speaker_lines(entry: EditableItem, suffix: str) -> str:
    """The speakers as the form's lines, ``Name | Function``, in one language."""
    lines = []
    for speaker in entry.speakers:
        name = getattr(speaker, f"name{suffix}") or ""
        function = getattr(speaker, f"function{suffix}") or ""
        lines.append(name + (f" | {function}" if function else ""))
    return "\n".join(lines).rstrip("\n")


def item_form(
    entry: EditableItem | None, time_zone: str, default_day: date | None
) -> AgendaItemForm:
    """The editor's form filled from an item, or empty on the edition's first day."""
    if entry is None:
        return AgendaItemForm(day=default_day.isoformat() if default_day else "")
    item = entry.item
    zone = ZoneInfo(time_zone)
    starts_at, ends_at = item.starts_at.astimezone(zone), item.ends_at.astimezone(zone)
    return AgendaItemForm(
        kind=item.kind,
        day=starts_at.date().isoformat(),
        starts_at=starts_at.strftime("%H:%M"),
        ends_at=ends_at.strftime("%H:%M"),
        **{
            f"{name}_{code}": getattr(item, f"{name}_{code}") or ""
            for name in ("title", "description")
            for code in ("en", "fr", "ar")
        },
        room=item.room or "",
        chair=item.chair or "",
        chair_fr=item.chair_fr or "",
        chair_ar=item.chair_ar or "",
        speakers=_speaker_lines(entry, ""),
        speakers_fr=_speaker_lines(entry, "_fr"),
        speakers_ar=_speaker_lines(entry, "_ar"),
        interpretation_languages=list(item.interpretation_languages),
        visibility=item.visibility,
        version=row_etag(item, *entry.speakers),
    )
