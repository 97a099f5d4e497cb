"""The agenda's feeds read the way calendar and schedule clients read them."""

import json
from datetime import date, datetime
from pathlib import Path
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

import jsonschema
import pytest
import xmlschema
from icalendar import Calendar

from tests.factories import auth_headers, make_agenda_item, make_edition, publish

SCHEMAS = Path(__file__).resolve().parents[2].parent / "shared" / "schemas" / "frab"
CASABLANCA = ZoneInfo("Africa/Casablanca")
MARKUP = "<script>alert(1)</script> & Co"


def _schemas_or_skip() -> Path:
    if not (SCHEMAS / "schedule.xml.xsd").exists():
        pytest.skip(f"the frab schemas are not at {SCHEMAS} (../shared/schemas/frab/)")
    return SCHEMAS


def _events(body: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(body)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def _two_item_agenda(db_session):  # noqa: ANN001, ANN202
    edition = make_edition(db_session)
    opening = make_agenda_item(
        db_session,
        edition,
        title_en="Opening ceremony",
        title_ar="حفل الافتتاح",
        kind="opening_ceremony",
        room="Plenary hall",
        speakers=[{"name": "Amina Diallo", "function": "Director"}],
    )
    panel = make_agenda_item(
        db_session,
        edition,
        starts_at="2027-06-03T14:00",
        ends_at="2027-06-03T15:30",
        title_en="Panel on borders",
        kind="panel",
        room="Room A",
    )
    make_agenda_item(db_session, edition, title_en="Closed meeting", visibility="closed", room="D")
    return edition, opening, panel


def test_icalendar_has_stable_uids_times_and_the_venue_time_zone(client, db_session) -> None:
    edition, opening, panel = _two_item_agenda(db_session)
    publish(db_session, edition)
    response = client.get(f"/editions/{edition.slug}/agenda.ics")
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Africa/Casablanca"]
    events = _events(response.content)
    assert set(events) == {f"{opening.uid}@marrakech-platform", f"{panel.uid}@marrakech-platform"}
    event = events[f"{opening.uid}@marrakech-platform"]
    start = event.decoded("DTSTART")
    assert start == datetime(2027, 6, 2, 9, 0, tzinfo=CASABLANCA)
    assert str(start.tzinfo) == "Africa/Casablanca"
    assert event["DTSTART"].params["TZID"] == "Africa/Casablanca"
    assert str(event["SUMMARY"]) == "Opening ceremony" and int(event["SEQUENCE"]) == 0
    assert "Amina Diallo" in str(event["DESCRIPTION"])
    assert str(event["URL"]).endswith(f"#item-{opening.uid}")
    assert "Closed meeting" not in response.text


def test_a_changed_item_keeps_its_uid_and_raises_its_sequence(client, db_session) -> None:
    edition, opening, panel = _two_item_agenda(db_session)
    publish(db_session, edition)
    client.patch(
        f"/api/v1/editions/{edition.slug}/agenda/items/{panel.id}",
        json={"starts_at": "2027-06-03T16:00", "ends_at": "2027-06-03T17:00"},
        headers=auth_headers(db_session),
    )
    publish(db_session, edition, "Panel moved")
    publish_after_title_change = client.patch(
        f"/api/v1/editions/{edition.slug}/agenda/items/{panel.id}",
        json={"title_en": "Panel on borders and migration"},
        headers=auth_headers(db_session),
    )
    assert publish_after_title_change.status_code == 200
    publish(db_session, edition, "Panel renamed")
    events = _events(client.get(f"/editions/{edition.slug}/agenda.ics").content)
    moved = events[f"{panel.uid}@marrakech-platform"]
    assert int(moved["SEQUENCE"]) == 2
    assert moved.decoded("DTSTART") == datetime(2027, 6, 3, 16, 0, tzinfo=CASABLANCA)
    assert int(events[f"{opening.uid}@marrakech-platform"]["SEQUENCE"]) == 0
    first = _events(client.get(f"/editions/{edition.slug}/agenda.ics?rev=0").content)
    assert int(first[f"{panel.uid}@marrakech-platform"]["SEQUENCE"]) == 0


def test_frab_xml_validates_against_the_schema(client, db_session) -> None:
    folder = _schemas_or_skip()
    edition, opening, _panel = _two_item_agenda(db_session)
    publish(db_session, edition)
    for language in ("en", "fr", "ar"):
        response = client.get(f"/editions/{edition.slug}/schedule.xml?lang={language}")
        assert response.headers["content-type"].startswith("application/xml")
        schema = xmlschema.XMLSchema(folder / "schedule.xml.xsd")
        schema.validate(response.content)
    root = ET.fromstring(client.get(f"/editions/{edition.slug}/schedule.xml?lang=ar").content)  # noqa: S314 - our own output
    event = root.find(f".//event[@guid='{opening.uid}']")
    assert event is not None and event.findtext("title") == "حفل الافتتاح"
    assert event.findtext("room") == "Plenary hall" and event.findtext("duration") == "01:00"
    assert [d.get("date") for d in root.findall("day")] == ["2027-06-02", "2027-06-03"]
    assert "Closed meeting" not in response.text


def test_frab_json_validates_against_the_schema(client, db_session) -> None:
    folder = _schemas_or_skip()
    schema = json.loads((folder / "schedule.schema.json").read_text())
    edition, opening, _panel = _two_item_agenda(db_session)
    publish(db_session, edition)
    for language in ("en", "fr", "ar"):
        body = client.get(f"/editions/{edition.slug}/schedule.json?lang={language}").json()
        jsonschema.validate(body, schema, cls=jsonschema.Draft6Validator)
    conference = body["schedule"]["conference"]
    events = [e for day in conference["days"] for room in day["rooms"].values() for e in room]
    assert {e["guid"] for e in events} == {opening.uid, _panel.uid}
    assert conference["time_zone_name"] == "Africa/Casablanca"


def test_the_pretalx_example_validates_so_the_schema_is_read_right() -> None:
    folder = _schemas_or_skip()
    schema = json.loads((folder / "schedule.schema.json").read_text())
    example = json.loads((folder / "example-pretalx-democon.json").read_text())
    jsonschema.validate(example, schema, cls=jsonschema.Draft6Validator)


def test_json_lists_public_items_in_the_language_asked(client, db_session) -> None:
    edition, opening, _panel = _two_item_agenda(db_session)
    publish(db_session, edition, "First")
    body = client.get(f"/editions/{edition.slug}/agenda.json?lang=ar").json()
    assert body["revision"] == {
        "number": 0,
        "label": "Rev.0",
        "published_at": body["revision"]["published_at"],
        "note": "First",
        "latest": True,
    }
    titles = [(item["title"], item["translated"]) for item in body["items"]]
    assert titles == [("حفل الافتتاح", True), ("Panel on borders", False)]
    assert body["items"][0]["starts_at"] == "2027-06-02T09:00:00+01:00"
    assert "participant_id" not in json.dumps(body)


@pytest.mark.parametrize(
    "path", ["agenda", "agenda.ics", "agenda.json", "schedule.xml", "schedule.json"]
)
def test_outputs_answer_304_until_a_new_revision(client, db_session, path: str) -> None:
    edition, _opening, panel = _two_item_agenda(db_session)
    publish(db_session, edition)
    url = f"/editions/{edition.slug}/{path}?lang=fr"
    first = client.get(url)
    etag = first.headers["etag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    other_language = client.get(f"/editions/{edition.slug}/{path}?lang=ar")
    assert other_language.headers["etag"] != etag
    client.patch(
        f"/api/v1/editions/{edition.slug}/agenda/items/{panel.id}",
        json={"title_en": "Changed"},
        headers=auth_headers(db_session),
    )
    publish(db_session, edition)
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    pinned = client.get(f"{url}&rev=0", headers={"If-None-Match": etag})
    if path == "agenda":  # the page of Rev.0 now says that Rev.1 supersedes it
        assert pinned.status_code == 200 and "Rev.1" in pinned.text
    else:
        assert pinned.status_code == 304


def test_markup_comes_out_as_literal_text_in_icalendar_and_xml(client, db_session) -> None:
    _schemas_or_skip()
    edition = make_edition(db_session)
    item = make_agenda_item(
        db_session,
        edition,
        title_en=MARKUP,
        description_en=MARKUP,
        room=MARKUP,
        speakers=[{"name": MARKUP, "function": MARKUP}],
    )
    publish(db_session, edition)
    event = _events(client.get(f"/editions/{edition.slug}/agenda.ics").content)[
        f"{item.uid}@marrakech-platform"
    ]
    assert str(event["SUMMARY"]) == MARKUP and MARKUP in str(event["DESCRIPTION"])
    assert str(event["LOCATION"]).startswith(MARKUP)
    xml = client.get(f"/editions/{edition.slug}/schedule.xml").content
    xmlschema.XMLSchema(SCHEMAS / "schedule.xml.xsd").validate(xml)
    assert b"<script>" not in xml
    parsed = ET.fromstring(xml).find(".//event")  # noqa: S314 - our own output
    assert parsed.findtext("title") == MARKUP and parsed.findtext("room") == MARKUP
    assert parsed.findtext("persons/person") == MARKUP
    body = client.get(f"/editions/{edition.slug}/schedule.json").json()
    assert body["schedule"]["conference"]["rooms"][0]["name"] == MARKUP


def test_frab_keeps_items_when_the_edition_dates_move_after_publication(client, db_session) -> None:
    folder = _schemas_or_skip()
    edition, opening, _panel = _two_item_agenda(db_session)
    publish(db_session, edition)
    edition.start_date, edition.end_date = date(2027, 6, 3), date(2027, 6, 4)
    db_session.add(edition)
    db_session.commit()
    xml = client.get(f"/editions/{edition.slug}/schedule.xml").content
    xmlschema.XMLSchema(folder / "schedule.xml.xsd").validate(xml)
    root = ET.fromstring(xml)  # noqa: S314 - our own output
    assert [d.get("date") for d in root.findall("day")] == [
        "2027-06-02",
        "2027-06-03",
        "2027-06-04",
    ]
    assert root.find(f".//event[@guid='{opening.uid}']") is not None
