"""Bad input is refused with a 4xx naming it, never a server error: ids out of range in
every path, and time zones the server does not know."""

import pytest

from tests.factories import (
    auth_headers,
    extract_csrf,
    make_agenda_item,
    make_edition,
    publish,
    sign_in,
)

HUGE = str(2**63 + 5)


def test_ids_beyond_any_integer_are_422_on_the_public_revision_route(client, db_session) -> None:
    edition = make_edition(db_session)
    make_agenda_item(db_session, edition)
    publish(db_session, edition)
    for number in (HUGE, "-1", "100001"):
        response = client.get(f"/api/v1/editions/{edition.slug}/agenda/revisions/{number}")
        assert response.status_code == 422, (number, response.text)
        assert response.json()["errors"][0]["field"] == "number"
    assert client.get(f"/api/v1/editions/{edition.slug}/agenda/revisions/0").status_code == 200


@pytest.mark.parametrize("item_id", [HUGE, "0", "2147483648"])
def test_agenda_item_ids_out_of_range_are_422_on_every_route(
    client, db_session, item_id: str
) -> None:
    edition = make_edition(db_session)
    headers = auth_headers(db_session)
    api = f"/api/v1/editions/{edition.slug}/agenda/items/{item_id}"
    for answer in (
        client.get(api, headers=headers),
        client.patch(api, json={"title_en": "X"}, headers=headers),
        client.delete(api, headers=headers),
    ):
        assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "item_id"
    sign_in(client, db_session)
    admin = f"/admin/editions/{edition.slug}/agenda/items/{item_id}"
    page = client.get(admin)
    assert page.status_code == 422 and "item_id" in page.text
    token = extract_csrf(client.get(f"/admin/editions/{edition.slug}/agenda").text)
    for path in (admin, f"{admin}/delete", f"{admin}/move"):
        response = client.post(path, data={"csrf_token": token, "direction": "up"})
        assert response.status_code == 422, path


def test_an_empty_or_unknown_time_zone_is_refused_and_the_agenda_keeps_working(
    client, db_session
) -> None:
    edition = make_edition(db_session)
    make_agenda_item(db_session, edition)
    publish(db_session, edition)
    headers = auth_headers(db_session)
    url = f"/api/v1/editions/{edition.slug}"
    for zone in ("", "   ", "Mars/Olympus", "../../etc/passwd", "Africa/Casablanca\n"):
        response = client.patch(url, json={"time_zone": zone}, headers=headers)
        assert response.status_code == 422, (zone, response.text)
        assert response.json()["errors"][0]["field"] == "time_zone"
    created = client.post(
        "/api/v1/editions",
        json={"title_en": "T", "city_en": "Rabat", "time_zone": ""},
        headers=headers,
    )
    assert created.status_code == 422
    db_session.refresh(edition)
    assert edition.time_zone == "Africa/Casablanca"
    for path in ("agenda", "agenda.ics", "agenda.json", "schedule.xml"):
        assert client.get(f"/editions/{edition.slug}/{path}").status_code == 200, path


def test_the_edit_form_refuses_an_empty_time_zone(client, db_session) -> None:
    edition = make_edition(db_session)
    sign_in(client, db_session)
    edit = f"/admin/editions/{edition.slug}/edit"
    token = extract_csrf(client.get(edit).text)
    response = client.post(
        edit,
        data={
            "csrf_token": token,
            "title_en": edition.title_en,
            "city_en": "Rabat",
            "time_zone": "Nowhere/City",
        },
    )
    assert response.status_code == 422
    assert 'id="error-time_zone"' in response.text
    assert "Enter a time zone such as Africa/Casablanca." in response.text


def test_a_moment_in_year_one_is_refused_not_a_server_error(client, db_session) -> None:
    edition = make_edition(db_session)
    response = client.post(
        f"/api/v1/editions/{edition.slug}/agenda/items",
        json={
            "kind": "meal",
            "starts_at": "0001-01-01T00:02:01Z",
            "ends_at": "2000-06-01T00:04:05Z",
            "title_en": "0",
        },
        headers=auth_headers(db_session),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "starts_at"
