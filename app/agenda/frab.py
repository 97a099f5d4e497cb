"""The frab schedule (XML and JSON) that schedule clients read (Giggity, EventFahrplan,
Engelsystem, info-beamer...), in the shape of the c3voc schemas."""

import json
import re
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

from app.agenda.exports import EXPORT_VERSION, GENERATOR, Exporter, people_lines
from app.agenda.presenters import ItemView

ROOM_NAMESPACE = uuid.UUID("6f1c3e2a-5b7d-4f8e-9a0b-1c2d3e4f5a6b")


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
        """Every day of the edition, and of the revision's items should the edition's dates
        have moved since it was published."""
        edition = self.view.edition
        known = [day.date for day in self.view.days] + [
            day for day in (edition.start_date, edition.end_date) if day is not None
        ]
        if not known:
            return []
        first, last = min(known), max(known)
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
            for part in (item.description, "\n".join(people_lines(self.exporter, item)))
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
            # "name" for current clients, "public_name" for the frab-era apps that read
            # only that (the schema's person is pretalx's, which allows both).
            "persons": [
                {
                    "name": s.name,
                    "public_name": s.name,
                    **({"biography": s.function} if s.function else {}),
                }
                for s in item.speakers
            ],
            "links": [],
            "attachments": [],
        }
