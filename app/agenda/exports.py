"""The machine-readable outputs of a published revision: iCalendar and JSON here, the frab
schedule (XML and JSON) in frab.py. Each exporter is a small class with an
identifier, an extension, a content type, ``get_data`` and an ETag tied to the revision,
the language and the output."""

import hashlib
import json
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

from app import i18n
from app.agenda.presenters import AgendaView, ItemView

if TYPE_CHECKING:
    from icalendar import Timezone

# Raise when an output's format changes, so that clients and the PDF cache drop old copies.
EXPORT_VERSION = "2"
UID_DOMAIN = "marrakech-platform"
GENERATOR = "Marrakech Platform"


def make_etag(kind: str, view: AgendaView, *extra: object) -> str:
    """A strong ETag from the revision, the language, the output and the edition's state."""
    edition = view.edition
    parts = [
        EXPORT_VERSION,
        kind,
        view.language,
        edition.id,
        edition.updated_at.isoformat(),
        view.revision_id,
        view.revision_number,
        *extra,
    ]
    return '"' + hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:40] + '"'


class Exporter:
    identifier: ClassVar[str]
    extension: ClassVar[str]
    content_type: ClassVar[str]

    def __init__(self, view: AgendaView, *, agenda_url: str) -> None:
        self.view = view
        self.agenda_url = agenda_url

    @property
    def etag(self) -> str:
        return make_etag(self.identifier, self.view)

    stem: ClassVar[str] = "agenda"

    @property
    def filename(self) -> str:
        view = self.view
        name = f"{view.edition.slug}-{self.stem}-rev{view.revision_number}-{view.language}"
        return f"{name}.{self.extension}"

    def get_data(self) -> bytes:
        raise NotImplementedError

    def item_url(self, item: ItemView) -> str:
        return f"{self.agenda_url}#item-{item.uid}"

    def gettext(self, message: str, **params: Any) -> str:
        return i18n.gettext(self.view.language, message, **params)


def people_lines(exporter: Exporter, item: ItemView) -> list[str]:
    lines = []
    if item.chair:
        lines.append(exporter.gettext("Chair: {name}", name=item.chair))
    for speaker in item.speakers:
        text = speaker.name + (f", {speaker.function}" if speaker.function else "")
        lines.append(exporter.gettext("Speaker: {name}", name=text))
    if item.interpretation:
        lines.append(
            exporter.gettext("Interpretation: {languages}", languages=item.interpretation_text)
        )
    return lines


class ICalendarExporter(Exporter):
    identifier = "ics"
    extension = "ics"
    content_type = "text/calendar; charset=utf-8"

    def get_data(self) -> bytes:
        from icalendar import Calendar, Event

        view = self.view
        calendar = Calendar()
        calendar.add("prodid", f"-//{GENERATOR}//Agenda {EXPORT_VERSION}//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", f"{view.edition_title} ({view.revision_label})")
        calendar.add("x-wr-timezone", view.time_zone)
        calendar.add("x-published-ttl", "PT1H")
        stamp = view.published_at.astimezone(UTC)
        for item in view.items:
            event = Event()
            event.add("uid", f"{item.uid}@{UID_DOMAIN}")
            event.add("sequence", item.sequence)
            event.add("dtstamp", stamp)
            event.add("dtstart", item.starts_at)
            event.add("dtend", item.ends_at)
            event.add("summary", item.title)
            description = "\n\n".join(
                part for part in (item.description, "\n".join(people_lines(self, item))) if part
            )
            if description:
                event.add("description", description)
            location = ", ".join(
                part for part in (item.room, view.edition.venue, view.city) if part
            )
            if location:
                event.add("location", location)
            event.add("categories", [item.kind_label])
            event.add("url", self.item_url(item))
            event.add("status", "CONFIRMED")
            event.add("transp", "TRANSPARENT" if item.kind in ("break", "meal") else "OPAQUE")
            calendar.add_component(event)
        if view.time_zone in calendar.get_missing_tzids():
            first = min(item.starts_at for item in view.items).date()
            last = max(item.ends_at for item in view.items).date()
            # The whole years of the agenda, so that a reminder or a copied event a few
            # weeks away still reads the right offset.
            timezone = vtimezone_component(
                view.time_zone, first_date=date(first.year, 1, 1), last_date=date(last.year, 12, 31)
            )
            calendar.subcomponents.insert(0, timezone)
        return calendar.to_ical()


# No time zone changes its offset twice within this step; each change found is then
# narrowed down to the second.
_SCAN_STEP = timedelta(hours=6)


def _offset_changes(zone: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    """The UTC instants in [start, end) at which ``zone`` changes its offset."""
    changes = []
    before = start.astimezone(zone).utcoffset()
    moment = start
    while moment < end:
        following = min(moment + _SCAN_STEP, end)
        if following.astimezone(zone).utcoffset() != before:
            low, high = moment, following
            while high - low > timedelta(seconds=1):
                middle = low + timedelta(seconds=(high - low).total_seconds() // 2)
                if middle.astimezone(zone).utcoffset() == before:
                    low = middle
                else:
                    high = middle
            changes.append(high)
            before = high.astimezone(zone).utcoffset()
        moment = following
    return changes


def vtimezone_component(tzid: str, *, first_date: date, last_date: date) -> "Timezone":
    """A VTIMEZONE stating the offset of ``tzid`` on every day from ``first_date`` to
    ``last_date``, with every change the time zone database knows in between.

    icalendar's own ``Timezone.from_tzid`` searches for changes in steps of 64 days and
    misses Morocco's 35-day Ramadan periods, so a client trusting it is an hour off."""
    from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

    zone = ZoneInfo(tzid)
    start = datetime.combine(first_date, datetime.min.time(), zone).astimezone(UTC)
    end = datetime.combine(last_date + timedelta(days=1), datetime.min.time(), zone)
    # Each observance: (offset before, offset after, name, is standard time) -> local onsets.
    observances: dict[tuple[timedelta, timedelta, str, bool], list[datetime]] = {}

    def observe(moment: datetime, offset_from: timedelta) -> None:
        local = moment.astimezone(zone)
        offset_to = local.utcoffset() or timedelta()
        key = (offset_from, offset_to, local.tzname() or "", not local.dst())
        # An onset is written in the local time in force before it (RFC 5545, 3.6.5).
        onset = (moment + offset_from).replace(tzinfo=None)
        observances.setdefault(key, []).append(onset)

    observe(start, start.astimezone(zone).utcoffset() or timedelta())
    for change in _offset_changes(zone, start, end.astimezone(UTC)):
        observe(change, (change - timedelta(seconds=1)).astimezone(zone).utcoffset() or timedelta())

    timezone = Timezone()
    timezone.add("tzid", tzid)
    timezone.add("comment", f"Offsets of {tzid} from {first_date} to {last_date}.")
    for (offset_from, offset_to, name, is_standard), onsets in observances.items():
        observance = TimezoneStandard() if is_standard else TimezoneDaylight()
        observance.add("dtstart", onsets[0])
        observance.add("tzoffsetfrom", offset_from)
        observance.add("tzoffsetto", offset_to)
        if name:
            observance.add("tzname", name)
        if len(onsets) > 1:
            observance.add("rdate", onsets[1:])
        timezone.add_component(observance)
    return timezone


class JsonExporter(Exporter):
    identifier = "json"
    extension = "json"
    content_type = "application/json"

    def get_data(self) -> bytes:
        view = self.view
        edition = view.edition
        payload = {
            "edition": {
                "slug": edition.slug,
                "title": view.edition_title,
                "city": view.city,
                "venue": edition.venue,
                "start_date": edition.start_date.isoformat() if edition.start_date else None,
                "end_date": edition.end_date.isoformat() if edition.end_date else None,
                "time_zone": view.time_zone,
            },
            "revision": {
                "number": view.revision_number,
                "label": view.revision_label,
                "published_at": view.published_at.isoformat(),
                "note": view.note,
                "latest": view.is_latest,
            },
            "language": view.language,
            "url": self.agenda_url,
            "items": [
                {
                    "uid": item.uid,
                    "sequence": item.sequence,
                    "kind": item.kind,
                    "kind_label": item.kind_label,
                    "starts_at": item.starts_at.isoformat(),
                    "ends_at": item.ends_at.isoformat(),
                    "title": item.title,
                    "description": item.description,
                    "translated": not (item.title_fallback or item.description_fallback),
                    "translation_outdated": item.translation_outdated,
                    "room": item.room,
                    "chair": item.chair,
                    "speakers": [{"name": s.name, "function": s.function} for s in item.speakers],
                    "interpretation_languages": item.interpretation_codes,
                    "url": self.item_url(item),
                }
                for item in view.items
            ],
        }
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
