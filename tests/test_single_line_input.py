"""One-line fields (titles, names, functions, places, addresses) refuse line feeds, control
characters and bidi overrides, on the API and the forms alike, naming the field."""

import pytest
from sqlmodel import select

from app.agenda.models import AgendaItem
from app.delegations.models import JoinRequest, Participant
from app.editions.models import Edition
from app.outcomes.models import OutcomeStatement
from tests.factories import (
    auth_headers,
    extract_csrf,
    make_delegation,
    make_edition,
    open_registration,
    participant_data,
    sign_in,
)

MESSAGE = "Enter this on one line, without line breaks or control characters."
POISONS = ["Rabat\nBcc: all@evil.example", "Rabat\r", "Ra\x85bat", "Ra\u2028bat", "Rabat\u202e"]
NEW_EDITION = {
    "number": "77",
    "title_en": "77th session",
    "city_en": "Rabat",
    "country_code": "MAR",
    "start_date": "2027-06-02",
    "end_date": "2027-06-03",
    "time_zone": "Africa/Casablanca",
}


def _api_error(response) -> list:  # noqa: ANN001
    assert response.status_code == 422, response.text
    return [
        (error["field"].rsplit(".", 1)[-1], error["type"]) for error in response.json()["errors"]
    ]


@pytest.mark.parametrize("poison", POISONS)
def test_edition_titles_and_places_refuse_line_feeds_on_the_api(
    client, db_session, poison: str
) -> None:
    headers = auth_headers(db_session)
    for field in ("title_en", "city_fr", "venue"):
        created = client.post(
            "/api/v1/editions", json={**NEW_EDITION, field: f"x{poison}x"}, headers=headers
        )
        assert _api_error(created) == [(field, "single_line")]
    edition = make_edition(db_session)
    changed = client.patch(
        f"/api/v1/editions/{edition.slug}", json={"title_ar": f"x{poison}x"}, headers=headers
    )
    assert _api_error(changed) == [("title_ar", "single_line")]
    assert changed.json()["detail"] == MESSAGE
    db_session.refresh(edition)
    assert "\n" not in edition.title_en


def test_a_title_in_arabic_with_its_marks_is_kept(client, db_session) -> None:
    title = "الدورة السابعة\u200f (Rabat)"  # a right-to-left mark, as Arabic keyboards type
    created = client.post(
        "/api/v1/editions",
        json={**NEW_EDITION, "title_ar": title},
        headers=auth_headers(db_session),
    )
    assert created.status_code == 201, created.text
    assert db_session.exec(select(Edition).where(Edition.title_ar == title)).one()


def test_the_edition_form_shows_the_message_next_to_the_field(client, db_session) -> None:
    sign_in(client, db_session)
    token = extract_csrf(client.get("/admin/editions/new").text)
    response = client.post(
        "/admin/editions/new",
        data={**NEW_EDITION, "title_en": "77th\nsession", "csrf_token": token},
    )
    assert response.status_code == 422
    assert 'id="error-title_en"' in response.text and MESSAGE in response.text
    assert db_session.exec(select(Edition).where(Edition.number == 77)).first() is None


def test_agenda_items_refuse_line_feeds_in_titles_rooms_and_speakers(client, db_session) -> None:
    edition = make_edition(db_session)
    url = f"/api/v1/editions/{edition.slug}/agenda/items"
    item = {
        "kind": "plenary",
        "starts_at": "2027-06-02T09:00",
        "ends_at": "2027-06-02T10:00",
        "title_en": "Opening",
    }
    headers = auth_headers(db_session)
    assert _api_error(
        client.post(url, json={**item, "title_en": "Open\ning"}, headers=headers)
    ) == [("title_en", "single_line")]
    assert _api_error(client.post(url, json={**item, "room": "Hall\u202eA"}, headers=headers)) == [
        ("room", "single_line")
    ]
    speakers = [{"name": "Amina", "function": "Director\rGeneral"}]
    assert _api_error(client.post(url, json={**item, "speakers": speakers}, headers=headers)) == [
        ("function", "single_line")
    ]
    sign_in(client, db_session)
    new = f"/admin/editions/{edition.slug}/agenda/items/new"
    token = extract_csrf(client.get(new).text)
    form = {
        "kind": "plenary",
        "day": "2027-06-02",
        "starts_at": "09:00",
        "ends_at": "10:00",
        "title_en": "Opening",
        "chair": "Amina\x85Diallo",
        "visibility": "public",
        "csrf_token": token,
    }
    response = client.post(new, data=form)
    assert response.status_code == 422 and MESSAGE in response.text
    assert 'id="error-chair"' in response.text
    stored = select(AgendaItem).where(AgendaItem.edition_id == edition.id)
    assert db_session.exec(stored).first() is None


def test_outcome_titles_refuse_line_feeds(client, db_session) -> None:
    from app.editions.models import EditionStatus

    edition = make_edition(db_session, status=EditionStatus.held)
    response = client.post(
        f"/api/v1/editions/{edition.slug}/outcomes",
        json={"kind": "declaration", "title_en": "Rabat\nDeclaration", "body_en": "Text"},
        headers=auth_headers(db_session),
    )
    assert _api_error(response) == [("title_en", "single_line")]
    assert db_session.exec(select(OutcomeStatement)).first() is None


def test_participants_and_focal_points_refuse_line_feeds(client, db_session) -> None:
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    _, token = make_delegation(db_session, edition)
    url = f"/api/v1/register/{token}/participants"
    for field in ("given_name", "family_name", "function", "agency", "email"):
        value = participant_data()[field] if field != "agency" else "Agency"
        response = client.post(url, json=participant_data(**{field: f"{value}\nX"}))
        assert _api_error(response) == [(field, "single_line")], field
    page = client.get(f"/register/{token}")
    csrf = extract_csrf(page.text)
    form = client.post(
        f"/register/{token}/participants",
        data={**participant_data(function="Director\nGeneral"), "csrf_token": csrf},
    )
    assert form.status_code == 422 and MESSAGE in form.text
    details = client.post(
        f"/register/{token}/details",
        data={
            "csrf_token": csrf,
            "focal_point_name": "Wanjiru\u202eKamau",
            "focal_point_email": "fp@kenya.example",
            "focal_point_language": "en",
        },
    )
    assert details.status_code == 422 and MESSAGE in details.text
    assert db_session.exec(select(Participant)).first() is None


def test_invitations_and_join_requests_refuse_line_feeds(client, db_session) -> None:
    edition = make_edition(db_session)
    open_registration(db_session, edition, requests_open=True)
    invited = client.post(
        f"/api/v1/editions/{edition.slug}/delegations",
        json={"entity_codes": ["KEN"], "focal_point_email": "fp@kenya.example\nBcc: x@y.z"},
        headers=auth_headers(db_session),
    )
    assert _api_error(invited) == [("focal_point_email", "single_line")]
    url = f"/editions/{edition.slug}/participate"
    token = extract_csrf(client.get(url).text)
    asked = client.post(
        url,
        data={
            "csrf_token": token,
            "entity_code": "GHA",
            "contact_name": "Kofi\nMensah",
            "contact_email": "kofi@ghana.example",
        },
    )
    assert asked.status_code == 422 and MESSAGE in asked.text
    assert db_session.exec(select(JoinRequest)).first() is None
