"""The machine-readable outputs of a published revision: iCalendar, JSON and the frab
schedule (XML and JSON) that schedule clients read. Each exporter is a small class with an
identifier, an extension, a content type, ``get_data`` and an ETag tied to the revision,
the language and the output."""

import hashlib
import json
import re
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, ClassVar
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

from app import i18n
from app.agenda.presenters import AgendaView, ItemView

# Raise when an output's format changes, so that clients and the PDF cache drop old copies.
EXPORT_VERSION = "1"
UID_DOMAIN = "marrakech-platform"
GENERATOR = "Marrakech Platform"
ROOM_NAMESPACE = uuid.UUID("6f1c3e2a-5b7d-4f8e-9a0b-1c2d3e4f5a6b")


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


def _people_lines(exporter: Exporter, item: ItemView) -> list[str]:
    lines = []
    if item.chair:
        lines.append(exporter.gettext("Chair: {name}", name=item.chair))
    for speaker in item.speakers:
        text = speaker.name + (f", {speaker.function}" if speaker.function else "")
        lines.append(exporter.gettext("Speaker: {name}", name=text))
    if item.interpretation:
        lines.append(
            exporter.gettext(
                "Interpretation: {languages}", languages=", ".join(item.interpretation)
            )
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
                part for part in (item.description, "\n".join(_people_lines(self, item))) if part
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
        calendar.add_missing_timezones()
        return calendar.to_ical()


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


def _acronym(slug: str) -> str:
    # frab acronyms allow no hyphen after the first character.
    return slug.replace("-", "_").ljust(4, "_")


def _event_slug(acronym: str, item: ItemView) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", item.title_en.lower()).strip("-")[:50].strip("-")
    return f"{acronym}-{item.id:04d}" + (f"-{words}" if words else "")


def _duration(item: ItemView) -> str:
    minutes = item.minutes
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class FrabSchedule:
    """The frab schedule model shared by the XML and the JSON forms."""

    def __init__(self, exporter: Exporter) -> None:
        self.exporter = exporter
        self.view = exporter.view
        self.acronym = _acronym(self.view.edition.slug)
        self.zone = ZoneInfo(self.view.time_zone)
        self.main_room = self.view.edition.venue or exporter.gettext("Main venue")

    def room_name(self, item: ItemView) -> str:
        return item.room or self.main_room

    def room_guid(self, name: str) -> str:
        return str(uuid.uuid5(ROOM_NAMESPACE, f"{self.view.edition.slug}/{name}"))

    def dates(self) -> list[date]:
        edition = self.view.edition
        first = edition.start_date or (self.view.days[0].date if self.view.days else None)
        last = edition.end_date or (self.view.days[-1].date if self.view.days else first)
        if first is None or last is None:
            return []
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    def days(self) -> list[tuple[int, date, datetime, datetime, dict[str, list[ItemView]]]]:
        by_day = {day.date: day.items for day in self.view.days}
        result = []
        for index, day in enumerate(self.dates(), start=1):
            items = by_day.get(day, [])
            start = min((i.starts_at for i in items), default=None) or datetime.combine(
                day, time(0, 0), self.zone
            )
            end = max((i.ends_at for i in items), default=None) or datetime.combine(
                day, time(23, 59), self.zone
            )
            rooms: dict[str, list[ItemView]] = {}
            for item in items:
                rooms.setdefault(self.room_name(item), []).append(item)
            result.append((index, day, start, end, rooms))
        return result

    def rooms(self) -> list[str]:
        return list(dict.fromkeys(self.room_name(item) for item in self.view.items))

    def tracks(self) -> list[tuple[str, str]]:
        kinds = dict.fromkeys((item.kind, item.kind_label) for item in self.view.items)
        return [(kind.replace("_", "-"), label) for kind, label in kinds]

    def abstract(self, item: ItemView) -> str:
        return item.description or ""

    def description(self, item: ItemView) -> str:
        return "\n\n".join(
            part
            for part in (item.description, "\n".join(_people_lines(self.exporter, item)))
            if part
        )


class FrabXmlExporter(Exporter):
    identifier = "schedule-xml"
    extension = "xml"
    content_type = "application/xml; charset=utf-8"

    stem = "schedule"

    def get_data(self) -> bytes:
        schedule = FrabSchedule(self)
        view = self.view
        root = ET.Element("schedule")
        ET.SubElement(root, "generator", name=GENERATOR, version=EXPORT_VERSION)
        ET.SubElement(root, "version").text = view.revision_label
        conference = ET.SubElement(root, "conference")
        dates = schedule.dates()
        for name, value in (
            ("title", view.edition_title),
            ("acronym", schedule.acronym),
            ("start", dates[0].isoformat() if dates else None),
            ("end", dates[-1].isoformat() if dates else None),
            ("days", str(len(dates))),
            ("timeslot_duration", "00:05"),
            ("url", self.agenda_url),
            ("time_zone_name", view.time_zone),
        ):
            if value is not None:
                ET.SubElement(conference, name).text = value
        for slug, label in schedule.tracks():
            ET.SubElement(conference, "track", name=label, slug=slug)
        for index, day, start, end, rooms in schedule.days():
            day_element = ET.SubElement(
                root,
                "day",
                index=str(index),
                date=day.isoformat(),
                start=start.isoformat(),
                end=end.isoformat(),
            )
            for room_name, items in rooms.items():
                room = ET.SubElement(
                    day_element, "room", name=room_name, guid=schedule.room_guid(room_name)
                )
                for item in items:
                    self._event(schedule, room, room_name, item)
        ET.indent(root)
        return ET.tostring(root, encoding="utf-8", xml_declaration=True)

    def _event(
        self, schedule: FrabSchedule, room: ET.Element, room_name: str, item: ItemView
    ) -> None:
        event = ET.SubElement(room, "event", id=str(item.id), guid=item.uid)
        for name, value in (
            ("room", room_name),
            ("title", item.title),
            ("subtitle", ""),
            ("type", item.kind_label),
            ("date", item.starts_at.isoformat()),
            ("start", item.starts_at.strftime("%H:%M")),
            ("duration", _duration(item)),
            ("abstract", schedule.abstract(item)),
            ("slug", _event_slug(schedule.acronym, item)),
            ("track", item.kind_label),
            ("language", self.view.language),
            ("description", schedule.description(item)),
            ("url", self.item_url(item)),
        ):
            ET.SubElement(event, name).text = value
        persons = ET.SubElement(event, "persons")
        for speaker in item.speakers:
            ET.SubElement(persons, "person").text = speaker.name
        ET.SubElement(event, "links")
        ET.SubElement(event, "attachments")


class FrabJsonExporter(Exporter):
    identifier = "schedule-json"
    extension = "json"
    content_type = "application/json"

    stem = "schedule"

    def get_data(self) -> bytes:
        schedule = FrabSchedule(self)
        view = self.view
        dates = schedule.dates()
        conference = {
            "acronym": schedule.acronym,
            "title": view.edition_title,
            "start": dates[0].isoformat() if dates else "",
            "end": dates[-1].isoformat() if dates else "",
            "daysCount": len(dates),
            "timeslot_duration": "00:05",
            "time_zone_name": view.time_zone,
            "url": self.agenda_url,
            "tracks": [{"name": label, "slug": slug} for slug, label in schedule.tracks()],
            "rooms": [
                {"name": name, "guid": schedule.room_guid(name)} for name in schedule.rooms()
            ],
            "days": [
                {
                    "index": index,
                    "date": day.isoformat(),
                    "day_start": start.isoformat(),
                    "day_end": end.isoformat(),
                    "rooms": {
                        name: [self._event(schedule, name, item) for item in items]
                        for name, items in rooms.items()
                    },
                }
                for index, day, start, end, rooms in schedule.days()
            ],
        }
        payload = {
            "$schema": "https://c3voc.de/schedule/schema.json",
            "generator": {"name": GENERATOR, "version": EXPORT_VERSION},
            "schedule": {"version": view.revision_label, "conference": conference},
        }
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()

    def _event(self, schedule: FrabSchedule, room_name: str, item: ItemView) -> dict[str, Any]:
        return {
            "id": item.id,
            "guid": item.uid,
            "date": item.starts_at.isoformat(),
            "start": item.starts_at.strftime("%H:%M"),
            "end": item.ends_at.isoformat(),
            "duration": _duration(item),
            "room": room_name,
            "slug": _event_slug(schedule.acronym, item),
            "url": self.item_url(item),
            "title": item.title,
            "subtitle": "",
            "track": item.kind_label,
            "type": item.kind_label,
            "language": self.view.language,
            "abstract": schedule.abstract(item),
            "description": schedule.description(item),
            "do_not_record": None,
            "persons": [
                {"name": s.name, **({"biography": s.function} if s.function else {})}
                for s in item.speakers
            ],
            "links": [],
            "attachments": [],
        }


EXPORTERS: dict[str, type[Exporter]] = {
    exporter.identifier: exporter
    for exporter in (ICalendarExporter, JsonExporter, FrabXmlExporter, FrabJsonExporter)
}
