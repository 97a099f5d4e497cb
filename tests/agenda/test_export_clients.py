"""The agenda's feeds read by clients that trust what they say: a calendar client that
takes each event's offset from the VTIMEZONE it was sent (not from its own time zone
database), and a frab schedule app that lists each event's speakers."""

import json
from datetime import date, datetime, time, timedelta
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

import jsonschema
import xmlschema
from dateutil.rrule import rrulestr
from icalendar import Calendar, Component

from app.agenda.demo import add_demo_agenda
from app.audit.service import SYSTEM
from tests.agenda.test_exports import _schemas_or_skip
from tests.factories import make_agenda_item, make_edition, publish

CASABLANCA = ZoneInfo("Africa/Casablanca")
# Morocco moves its clocks back an hour for Ramadan: 2027-02-07 to 2027-03-14.
RAMADAN_2027 = date(2027, 2, 25)


class VTimezone:
    """The offsets a VTIMEZONE states, expanded as a calendar client does: each
    observance starts at its DTSTART and each RDATE and RRULE occurrence (local times
    before the change), and the latest onset at or before a local time gives its offset."""

    def __init__(self, component: Component) -> None:
        self.onsets: list[tuple[datetime, timedelta]] = []
        for observance in component.subcomponents:
            assert observance.name in ("STANDARD", "DAYLIGHT"), observance.name
            start = observance.decoded("DTSTART")
            offset = observance.decoded("TZOFFSETTO")
            starts = [start]
            rdates = observance.get("RDATE", [])
            for rdate in rdates if isinstance(rdates, list) else [rdates]:
                starts += [value.dt for value in rdate.dts]
            if "RRULE" in observance:
                rule = observance["RRULE"].to_ical().decode()
                bounded = rule if "UNTIL" in rule or "COUNT" in rule else f"{rule};COUNT=200"
                starts += list(rrulestr(bounded, dtstart=start))
            self.onsets += [(moment, offset) for moment in starts]
        self.onsets.sort()

    def offset_at(self, local: datetime) -> timedelta:
        before = [offset for onset, offset in self.onsets if onset <= local]
        assert before, f"the VTIMEZONE says nothing about {local}"
        return before[-1]


def _vtimezone(body: bytes, tzid: str = "Africa/Casablanca") -> VTimezone:
    calendar = Calendar.from_ical(body)
    [component] = [tz for tz in calendar.walk("VTIMEZONE") if str(tz["TZID"]) == tzid]
    return VTimezone(component)


def _wrong_days(vtimezone: VTimezone, first: date, last: date) -> list[date]:
    """Days whose noon the VTIMEZONE puts at another offset than the time zone database."""
    wrong = []
    day = first
    while day <= last:
        noon = datetime.combine(day, time(12, 0))
        if vtimezone.offset_at(noon) != noon.replace(tzinfo=CASABLANCA).utcoffset():
            wrong.append(day)
        day += timedelta(days=1)
    return wrong


def test_the_demo_agenda_in_ramadan_reads_right_from_its_vtimezone(client, db_session) -> None:
    edition = make_edition(
        db_session, is_demo=True, start_date=RAMADAN_2027, end_date=RAMADAN_2027 + timedelta(1)
    )
    add_demo_agenda(db_session, edition=edition, actor=SYSTEM)
    body = client.get(f"/editions/{edition.slug}/agenda.ics").content
    vtimezone = _vtimezone(body)
    events = Calendar.from_ical(body).walk("VEVENT")
    assert len(events) == 30  # the public items of the 40
    for event in events:
        for name in ("DTSTART", "DTEND"):
            local = event.decoded(name).replace(tzinfo=None)
            assert event[name].params["TZID"] == "Africa/Casablanca"
            assert vtimezone.offset_at(local) == timedelta(0), (str(event["SUMMARY"]), name)
    # Every day of the agenda's year, Ramadan's two clock changes included.
    assert _wrong_days(vtimezone, date(2027, 1, 1), date(2027, 12, 31)) == []


def test_an_agenda_across_the_clock_change_reads_right_on_both_sides(client, db_session) -> None:
    edition = make_edition(db_session, start_date=date(2027, 2, 6), end_date=date(2027, 2, 8))
    before = make_agenda_item(
        db_session, edition, starts_at="2027-02-06T09:00", ends_at="2027-02-06T10:00"
    )
    after = make_agenda_item(
        db_session, edition, starts_at="2027-02-08T09:00", ends_at="2027-02-08T10:00"
    )
    publish(db_session, edition)
    body = client.get(f"/editions/{edition.slug}/agenda.ics").content
    vtimezone = _vtimezone(body)
    events = {str(e["UID"]).split("@")[0]: e for e in Calendar.from_ical(body).walk("VEVENT")}
    starts = {uid: event.decoded("DTSTART").replace(tzinfo=None) for uid, event in events.items()}
    assert vtimezone.offset_at(starts[before.uid]) == timedelta(hours=1)
    assert vtimezone.offset_at(starts[after.uid]) == timedelta(0)
    assert _wrong_days(vtimezone, date(2027, 1, 1), date(2027, 12, 31)) == []


def test_the_vtimezone_matches_the_time_zone_database_over_three_ramadans() -> None:
    from app.agenda.exports import vtimezone_component

    component = vtimezone_component(
        "Africa/Casablanca", first_date=date(2026, 1, 1), last_date=date(2028, 12, 31)
    )
    calendar = Calendar()
    calendar.add_component(component)
    vtimezone = _vtimezone(calendar.to_ical())
    assert _wrong_days(vtimezone, date(2026, 1, 1), date(2028, 12, 31)) == []
    changes = sorted(onset for onset, _offset in vtimezone.onsets)[1:]
    assert [change.date() for change in changes] == [
        date(2026, 2, 15),
        date(2026, 3, 22),
        date(2027, 2, 7),
        date(2027, 3, 14),
        date(2028, 1, 23),
        date(2028, 3, 5),
    ]


def _frab_xml_speakers(xml: bytes) -> dict[str, list[str]]:
    """Each event's speakers as frab clients read the XML: the text of each person."""
    root = ET.fromstring(xml)  # noqa: S314 - our own output
    return {
        event.get("guid", ""): [person.text or "" for person in event.findall("persons/person")]
        for event in root.iter("event")
    }


def _frab_json_events(body: dict) -> list[dict]:
    days = body["schedule"]["conference"]["days"]
    return [event for day in days for room in day["rooms"].values() for event in room]


def _frab_json_speakers(body: dict) -> dict[str, list[str]]:
    """Each event's speakers as frab clients read the JSON: each person's public_name."""
    return {
        event["guid"]: [person.get("public_name", "") for person in event["persons"]]
        for event in _frab_json_events(body)
    }


def test_a_frab_client_finds_the_speakers_of_the_demo_agenda(client, db_session) -> None:
    folder = _schemas_or_skip()
    edition = make_edition(db_session, is_demo=True)
    add_demo_agenda(db_session, edition=edition, actor=SYSTEM)
    agenda = client.get(f"/editions/{edition.slug}/agenda.json").json()
    expected = {item["uid"]: [s["name"] for s in item["speakers"]] for item in agenda["items"]}
    assert sum(1 for names in expected.values() if names) == 14

    xml = client.get(f"/editions/{edition.slug}/schedule.xml").content
    xmlschema.XMLSchema(folder / "schedule.xml.xsd").validate(xml)
    assert _frab_xml_speakers(xml) == expected

    body = client.get(f"/editions/{edition.slug}/schedule.json").json()
    schema = json.loads((folder / "schedule.schema.json").read_text())
    jsonschema.validate(body, schema, cls=jsonschema.Draft6Validator)
    assert _frab_json_speakers(body) == expected
    persons = [person for event in _frab_json_events(body) for person in event["persons"]]
    assert {person["name"] for person in persons} == {"Speaker One", "Speaker Two"}
    assert all(person["public_name"] == person["name"] for person in persons)
