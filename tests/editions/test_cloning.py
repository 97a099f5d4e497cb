"""A new edition started from an earlier one: agenda moved, registration copied, nothing
personal carried over."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlmodel import SQLModel, col, select

from app.agenda.models import AgendaItem, AgendaRevision, AgendaSpeaker
from app.audit.models import AuditEntry
from app.auth.models import Role
from app.delegations.models import (
    Delegation,
    DelegationStatus,
    JoinRequest,
    Participant,
    RegistrationSettings,
)
from app.editions.models import Edition, EditionStatus
from app.mail.models import OutboxMessage
from app.outcomes.models import OutcomeStatement
from tests.factories import (
    auth_headers,
    extract_csrf,
    make_agenda_item,
    make_edition,
    make_registered_edition,
    make_statement,
    publish,
    sign_in,
)

NEW = {
    "title_en": "5th session of the Marrakech Platform",
    "city_en": "Dakhla",
    "country_code": "MAR",
    "venue": "Palais des congrès",
    "start_date": "2028-05-10",
    "end_date": "2028-05-11",
    "time_zone": "Africa/Casablanca",
}


def _clone(client, db_session, source: Edition, **fields: str):  # noqa: ANN001, ANN202
    return client.post(
        f"/api/v1/editions/{source.slug}/clone",
        json={**NEW, **fields},
        headers=auth_headers(db_session),
    )


def _source_with_everything(db_session):  # noqa: ANN001, ANN202
    source = make_registered_edition(db_session, marker="Quillon")
    item = make_agenda_item(
        db_session,
        source,
        starts_at="2027-06-03T14:30",
        ends_at="2027-06-03T16:00",
        title_en="Panel on financing",
        kind="panel",
        room="Hall A",
    )
    participant = db_session.exec(
        select(Participant).where(Participant.edition_id == source.id)
    ).first()
    db_session.add(
        AgendaSpeaker(
            item_id=item.id,
            name="Quillona Speaker",
            function="Chair",
            participant_id=participant.id,
        )
    )
    make_agenda_item(db_session, source, title_en="Opening")
    db_session.commit()
    publish(db_session, source)
    make_statement(db_session, source, status="published")
    return source


def test_cloning_copies_the_agenda_registration_and_invited_entities(client, db_session) -> None:
    source = _source_with_everything(db_session)
    response = _clone(client, db_session, source)
    assert response.status_code == 201, response.text
    assert response.headers["location"].endswith("/api/v1/editions/2028-dakhla")
    clone = db_session.exec(select(Edition).where(Edition.slug == "2028-dakhla")).one()
    assert clone.status == EditionStatus.draft and clone.venue == "Palais des congrès"
    items = db_session.exec(
        select(AgendaItem).where(AgendaItem.edition_id == clone.id).order_by(AgendaItem.starts_at)
    ).all()
    casablanca = ZoneInfo("Africa/Casablanca")
    assert [(i.title_en, i.starts_at.astimezone(casablanca).isoformat()) for i in items] == [
        ("Opening", "2028-05-10T09:00:00+01:00"),
        ("Panel on financing", "2028-05-11T14:30:00+01:00"),
    ]
    assert items[1].room == "Hall A" and items[1].kind == "panel"
    speakers = db_session.exec(select(AgendaSpeaker).where(AgendaSpeaker.item_id == items[1].id))
    assert [(s.name, s.function, s.participant_id) for s in speakers] == [
        ("Quillona Speaker", "Chair", None)
    ]
    revisions = db_session.exec(
        select(AgendaRevision).where(AgendaRevision.edition_id == clone.id)
    ).all()
    assert revisions == []
    settings = db_session.exec(
        select(RegistrationSettings).where(RegistrationSettings.edition_id == clone.id)
    ).one()
    old = db_session.exec(
        select(RegistrationSettings).where(RegistrationSettings.edition_id == source.id)
    ).one()
    days = (date(2028, 5, 10) - source.start_date).days
    assert (settings.deadline_at - old.deadline_at).days == days
    assert settings.default_quota == old.default_quota
    delegations = db_session.exec(select(Delegation).where(Delegation.edition_id == clone.id)).all()
    assert len(delegations) == 2
    assert {d.status for d in delegations} == {DelegationStatus.invited}


def test_cloning_copies_nothing_personal(client, db_session) -> None:
    source = _source_with_everything(db_session)
    assert _clone(client, db_session, source).status_code == 201
    clone = db_session.exec(select(Edition).where(Edition.slug == "2028-dakhla")).one()
    for model in (Participant, JoinRequest, OutcomeStatement, OutboxMessage):
        rows = db_session.exec(select(model).where(model.edition_id == clone.id)).all()
        assert rows == [], model
    for delegation in db_session.exec(select(Delegation).where(Delegation.edition_id == clone.id)):
        assert delegation.focal_point_name is None and delegation.focal_point_email is None
        assert delegation.focal_point_phone is None and delegation.token_hash is None
        assert delegation.letter_file is None and delegation.letter_filename is None
        assert delegation.organiser_note is None and delegation.submitted_at is None
    # No row that belongs to the new edition mentions the earlier edition's people.
    connection = db_session.connection()
    for table in SQLModel.metadata.sorted_tables:
        if "edition_id" not in table.c:
            continue
        rows = connection.execute(table.select().where(table.c.edition_id == clone.id)).all()
        for row in rows:
            assert "quillon" not in repr(tuple(row)).lower() or table.name == "agenda_item"


def test_cloning_to_shorter_dates_is_refused_with_the_end_date_needed(client, db_session) -> None:
    source = _source_with_everything(db_session)
    response = _clone(client, db_session, source, end_date="2028-05-10")
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "end_date"
    assert "2 days" in error["reason"] and "2028-05-11" in error["reason"]
    count = db_session.exec(select(Edition).where(Edition.city_en == "Dakhla")).all()
    assert count == []


def test_cloning_keeps_the_local_time_across_a_change_of_daylight_saving(
    client, db_session
) -> None:
    source = make_edition(db_session, start_date=date(2027, 1, 12), end_date=date(2027, 1, 13))
    source.time_zone = "Europe/Paris"
    db_session.add(source)
    db_session.commit()
    make_agenda_item(db_session, source, starts_at="2027-01-13T09:00", ends_at="2027-01-13T10:30")
    response = _clone(
        client,
        db_session,
        source,
        start_date="2027-07-06",
        end_date="2027-07-08",
        time_zone="Europe/Paris",
    )
    assert response.status_code == 201, response.text
    clone = db_session.exec(select(Edition).where(Edition.slug == "2027-dakhla")).one()
    item = db_session.exec(select(AgendaItem).where(AgendaItem.edition_id == clone.id)).one()
    # 09:00 in Paris is 08:00 UTC in winter and 07:00 UTC in summer.
    assert item.starts_at == datetime(2027, 7, 7, 7, 0, tzinfo=UTC)
    assert item.ends_at == datetime(2027, 7, 7, 8, 30, tzinfo=UTC)


def test_cloning_is_logged_with_its_source(client, db_session) -> None:
    source = make_edition(db_session)
    assert _clone(client, db_session, source).status_code == 201
    clone = db_session.exec(select(Edition).where(Edition.slug == "2028-dakhla")).one()
    entry = db_session.exec(
        select(AuditEntry).where(
            AuditEntry.action == "edition.clone", AuditEntry.subject_id == clone.id
        )
    ).one()
    assert entry.after["source"] == source.slug and entry.actor_type == "account"


def test_the_new_edition_page_offers_to_start_from_an_earlier_edition(client, db_session) -> None:
    source = _source_with_everything(db_session)
    sign_in(client, db_session, role=Role.organiser)
    admin = client.get(f"/admin/editions/{source.slug}")
    assert f"/admin/editions/new?clone_from={source.slug}" in admin.text
    page = client.get(f"/admin/editions/new?clone_from={source.slug}")
    assert "(nothing)" in page.text
    assert f'<option value="{source.slug}" selected>' in page.text
    data = {**NEW, "kind": "session", "number": "", "slug": "", "clone_from": source.slug}
    response = client.post(
        "/admin/editions/new",
        data={**data, "csrf_token": extract_csrf(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/admin/editions/2028-dakhla"
    clone = db_session.exec(select(Edition).where(Edition.slug == "2028-dakhla")).one()
    count = db_session.exec(select(AgendaItem).where(col(AgendaItem.edition_id) == clone.id)).all()
    assert len(count) == 2


def test_the_new_edition_page_shows_why_a_clone_is_refused(client, db_session) -> None:
    source = _source_with_everything(db_session)
    sign_in(client, db_session, role=Role.organiser)
    page = client.get("/admin/editions/new")
    data = {**NEW, "end_date": "2028-05-10", "kind": "session", "clone_from": source.slug}
    response = client.post(
        "/admin/editions/new", data={**data, "csrf_token": extract_csrf(page.text)}
    )
    assert response.status_code == 422
    assert 'id="error-end_date"' in response.text and "2028-05-11" in response.text
    assert (
        db_session.exec(text("SELECT count(*) FROM edition WHERE city_en = 'Dakhla'")).one()[0] == 0
    )


def test_cloning_an_agenda_without_new_dates_asks_for_them(client, db_session) -> None:
    source = _source_with_everything(db_session)
    response = _clone(client, db_session, source, start_date=None, end_date=None)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "start_date"
    reversed_dates = _clone(client, db_session, source, end_date="2028-05-01")
    assert reversed_dates.status_code == 422
    assert "must not be before" in reversed_dates.json()["detail"]


def test_cloning_an_edition_without_an_agenda_or_registration_makes_a_plain_draft(
    client, db_session
) -> None:
    source = make_edition(db_session, start_date=None, end_date=None)
    response = _clone(client, db_session, source)
    assert response.status_code == 201, response.text
    clone = db_session.exec(select(Edition).where(Edition.slug == "2028-dakhla")).one()
    assert (
        db_session.exec(
            select(RegistrationSettings).where(RegistrationSettings.edition_id == clone.id)
        ).all()
        == []
    )
