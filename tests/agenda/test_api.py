"""The agenda API: organisers edit the working agenda and publish revisions; the public
reads only published revisions."""

from sqlmodel import select

from app.agenda.models import AgendaItem, AgendaRevision, AgendaSpeaker
from app.audit.models import AuditEntry
from app.auth.models import Role
from app.editions.models import EditionStatus
from tests.factories import auth_headers, make_agenda_item, make_edition, publish

ITEM = {
    "kind": "plenary",
    "starts_at": "2027-06-02T09:00",
    "ends_at": "2027-06-02T10:30",
    "title_en": "Opening plenary",
    "title_fr": "Plénière d'ouverture",
    "room": "Plenary hall",
    "speakers": [{"name": "Amina Diallo", "function": "Director"}],
    "interpretation_languages": ["ar", "fr", "ar"],
}


def _url(edition, suffix: str = "") -> str:  # noqa: ANN001
    return f"/api/v1/editions/{edition.slug}/agenda{suffix}"


def test_create_item_reads_times_in_the_venue_zone_and_stores_utc(client, db_session) -> None:
    edition = make_edition(db_session)
    response = client.post(_url(edition, "/items"), json=ITEM, headers=auth_headers(db_session))
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["Location"].endswith(f"/agenda/items/{body['id']}")
    assert body["starts_at"] == "2027-06-02T09:00:00+01:00"
    assert body["interpretation_languages"] == ["ar", "fr"]
    assert body["missing_translations"] == ["title_ar"]
    stored = db_session.get(AgendaItem, body["id"])
    assert stored.starts_at.isoformat() == "2027-06-02T08:00:00+00:00"
    speaker = db_session.exec(
        select(AgendaSpeaker).where(AgendaSpeaker.item_id == body["id"])
    ).one()
    assert (speaker.name, speaker.participant_id) == ("Amina Diallo", None)
    actions = db_session.exec(
        select(AuditEntry.action).where(AuditEntry.edition_id == edition.id)
    ).all()
    assert "agenda_item.create" in actions


def test_end_before_start_is_refused_with_a_clear_message(client, db_session) -> None:
    edition = make_edition(db_session)
    bad = {**ITEM, "ends_at": "2027-06-02T08:00"}
    response = client.post(_url(edition, "/items"), json=bad, headers=auth_headers(db_session))
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "ends_at" and "end must be after the start" in error["reason"]


def test_item_outside_the_edition_dates_is_refused(client, db_session) -> None:
    edition = make_edition(db_session)
    late = {**ITEM, "starts_at": "2027-06-04T09:00", "ends_at": "2027-06-04T10:00"}
    response = client.post(_url(edition, "/items"), json=late, headers=auth_headers(db_session))
    assert response.status_code == 422
    assert "2027-06-02 to 2027-06-03" in response.json()["detail"]
    assert (
        db_session.exec(select(AgendaItem).where(AgendaItem.edition_id == edition.id)).all() == []
    )


def test_two_items_in_one_room_at_once_are_refused(client, db_session) -> None:
    edition = make_edition(db_session)
    make_agenda_item(db_session, edition, room="Plenary hall", title_en="Keynote")
    overlapping = {**ITEM, "room": "plenary HALL", "starts_at": "2027-06-02T09:30"}
    response = client.post(
        _url(edition, "/items"), json=overlapping, headers=auth_headers(db_session)
    )
    assert response.status_code == 409
    error = response.json()["errors"][0]
    assert error["field"] == "room"
    assert "already in use from 09:00 to 10:00" in error["reason"] and "Keynote" in error["reason"]
    elsewhere = {**overlapping, "room": "Room B"}
    created = client.post(_url(edition, "/items"), json=elsewhere, headers=auth_headers(db_session))
    assert created.status_code == 201


def test_update_keeps_the_uid_and_checks_the_rules(client, db_session) -> None:
    edition = make_edition(db_session)
    item = make_agenda_item(db_session, edition, room="Room A")
    make_agenda_item(
        db_session, edition, room="Room B", starts_at="2027-06-02T11:00", ends_at="2027-06-02T12:00"
    )
    headers = auth_headers(db_session)
    url = _url(edition, f"/items/{item.id}")
    moved = client.patch(
        url, json={"starts_at": "2027-06-03T09:00", "ends_at": "2027-06-03T10:00"}, headers=headers
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["uid"] == item.uid and moved.json()["starts_at"].startswith("2027-06-03")
    clash = client.patch(
        url,
        json={"room": "Room B", "starts_at": "2027-06-02T11:30", "ends_at": "2027-06-02T12:30"},
        headers=headers,
    )
    assert clash.status_code == 409
    assert client.get(url, headers=headers).json()["room"] == "Room A"


def test_delete_and_reorder(client, db_session) -> None:
    edition = make_edition(db_session)
    first = make_agenda_item(db_session, edition, room="A", title_en="First")
    second = make_agenda_item(db_session, edition, room="B", title_en="Second")
    headers = auth_headers(db_session)
    reordered = client.put(
        _url(edition, "/order"), json={"item_ids": [second.id, first.id]}, headers=headers
    )
    assert [i["title_en"] for i in reordered.json()] == ["Second", "First"]
    incomplete = client.put(_url(edition, "/order"), json={"item_ids": [first.id]}, headers=headers)
    assert incomplete.status_code == 422
    deleted = client.delete(_url(edition, f"/items/{first.id}"), headers=headers)
    assert deleted.status_code == 204
    remaining = client.get(_url(edition, "/items"), headers=headers).json()
    assert [i["title_en"] for i in remaining] == ["Second"]


def test_the_public_can_neither_write_nor_read_the_working_agenda(client, db_session) -> None:
    edition = make_edition(db_session)
    make_agenda_item(db_session, edition)
    assert client.get(_url(edition, "/items")).status_code == 401
    assert client.post(_url(edition, "/items"), json=ITEM).status_code == 401
    viewer = auth_headers(db_session, role=Role.viewer)
    assert client.get(_url(edition, "/items"), headers=viewer).status_code == 200
    assert client.post(_url(edition, "/items"), json=ITEM, headers=viewer).status_code == 403


def test_publishing_numbers_revisions_and_refuses_an_unchanged_agenda(client, db_session) -> None:
    edition = make_edition(db_session)
    headers = auth_headers(db_session)
    empty = client.post(_url(edition, "/revisions"), json={"note": "x"}, headers=headers)
    assert empty.status_code == 422 and "empty" in empty.json()["detail"]
    make_agenda_item(db_session, edition)
    first = client.post(_url(edition, "/revisions"), json={"note": "First"}, headers=headers)
    assert first.status_code == 201 and first.json()["label"] == "Rev.0"
    again = client.post(_url(edition, "/revisions"), json={"note": "Again"}, headers=headers)
    assert again.status_code == 409 and "Rev.0" in again.json()["detail"]
    make_agenda_item(db_session, edition, starts_at="2027-06-03T09:00", ends_at="2027-06-03T10:00")
    second = client.post(_url(edition, "/revisions"), json={"note": "Second"}, headers=headers)
    assert second.json()["label"] == "Rev.1"
    listed = client.get(_url(edition, "/revisions")).json()
    assert [(r["number"], r["note"]) for r in listed] == [(1, "Second"), (0, "First")]


def test_a_published_revision_never_changes(client, db_session) -> None:
    edition = make_edition(db_session)
    item = make_agenda_item(db_session, edition, title_en="Original title")
    publish(db_session, edition)
    client.patch(
        _url(edition, f"/items/{item.id}"),
        json={"title_en": "New title"},
        headers=auth_headers(db_session),
    )
    rev0 = client.get(_url(edition, "/revisions/0")).json()
    assert [i["title"] for i in rev0["items"]] == ["Original title"]
    stored = db_session.exec(
        select(AgendaRevision).where(AgendaRevision.edition_id == edition.id)
    ).one()
    assert stored.items[0]["title_en"] == "Original title"


def test_public_revision_shows_only_public_items_in_the_language_asked(client, db_session) -> None:
    edition = make_edition(db_session)
    make_agenda_item(db_session, edition, title_en="Open", title_fr="Ouvert")
    make_agenda_item(
        db_session,
        edition,
        title_en="Secret",
        visibility="closed",
        room="D",
    )
    make_agenda_item(
        db_session,
        edition,
        title_en="Members",
        visibility="participants",
        room="E",
    )
    publish(db_session, edition)
    revision = client.get(_url(edition, "/revisions/0?lang=fr")).json()
    assert [i["title"] for i in revision["items"]] == ["Ouvert"]
    assert client.get(_url(edition, "/revisions/5")).status_code == 404


def test_a_draft_edition_agenda_is_invisible_to_the_public(client, db_session) -> None:
    edition = make_edition(db_session, status=EditionStatus.draft)
    make_agenda_item(db_session, edition)
    publish(db_session, edition)
    assert client.get(_url(edition, "/revisions")).status_code == 404
    assert client.get(f"/editions/{edition.slug}/agenda.json").status_code == 404


def test_a_speaker_can_be_linked_only_to_a_participant_of_the_edition(client, db_session) -> None:
    from app.delegations.models import Participant
    from tests.factories import make_delegation

    def participant(edition) -> Participant:  # noqa: ANN001
        delegation, _token = make_delegation(db_session, edition)
        person = Participant(
            delegation_id=delegation.id,
            edition_id=edition.id,
            given_name="Amina",
            family_name="Speaker",
            function="Director",
            email=f"speaker{edition.id}@agency.example",
            email_normalized=f"speaker{edition.id}@agency.example",
        )
        db_session.add(person)
        db_session.commit()
        return person

    edition = make_edition(db_session, status=EditionStatus.announced)
    other = make_edition(db_session, status=EditionStatus.announced)
    item = make_agenda_item(db_session, edition)
    ours, theirs = participant(edition), participant(other)
    headers = auth_headers(db_session)
    url = f"/api/v1/editions/{edition.slug}/agenda/items/{item.id}"
    refused = client.patch(
        url, json={"speakers": [{"name": "X", "participant_id": theirs.id}]}, headers=headers
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "speakers"
    linked = client.patch(
        url, json={"speakers": [{"name": "Y", "participant_id": ours.id}]}, headers=headers
    )
    assert linked.status_code == 200
    assert linked.json()["speakers"][0]["participant_id"] == ours.id
