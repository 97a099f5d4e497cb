"""The editions API, read by the public and written by organisers with a token."""

from app.auth.models import Role
from app.editions.models import EditionStatus
from tests.factories import auth_headers, make_edition


def test_list_editions_in_order_with_their_fields(client) -> None:
    editions = client.get("/api/v1/editions").json()
    historical = [
        e
        for e in editions
        if e["slug"] in {"2021-marrakech", "2022-marrakech", "2023-tangier", "2024-fez"}
    ]
    assert [e["slug"] for e in historical] == [
        "2021-marrakech",
        "2022-marrakech",
        "2023-tangier",
        "2024-fez",
    ]
    fez = historical[-1]
    assert fez["kind"] == "session" and fez["number"] == 3
    assert fez["city"] == "Fez" and "Fes" in fez["city_aliases"]
    assert fez["country"] == "Morocco" and fez["country_code"] == "MAR"
    assert fez["start_date"] == "2024-06-04" and fez["end_date"] == "2024-06-05"
    assert fez["status"] == "archived"
    assert historical[1]["start_date"] is None  # the 2022 dates are not reported


def test_filters_by_year_kind_and_status(client) -> None:
    assert [e["slug"] for e in client.get("/api/v1/editions?year=2023").json()] == ["2023-tangier"]
    precursors = client.get("/api/v1/editions?kind=precursor").json()
    assert [e["slug"] for e in precursors] == ["2021-marrakech"]
    assert client.get("/api/v1/editions?status=draft").json() == []


def test_bad_parameters_are_422_naming_the_parameter(client) -> None:
    for query, name in (
        ("year=abc", "year"),
        ("kind=workshop", "kind"),
        ("status=finished", "status"),
    ):
        response = client.get(f"/api/v1/editions?{query}")
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == name


def test_detail_has_figures_people_and_sources_in_the_language_asked(client) -> None:
    detail = client.get("/api/v1/editions/2021-marrakech?lang=ar").json()
    assert detail["city"] == "مراكش"
    assert {"metric": "participants", "value": 80, "qualifier": "over"}.items() <= detail[
        "figures"
    ][-1].items() or any(
        f["metric"] == "participants" and f["value"] == 80 and f["qualifier"] == "over"
        for f in detail["figures"]
    )
    names = {p["name"] for p in detail["people"]}
    assert {"Vladimir Voronkov", "Mohamed Yassin Mansouri"} <= names
    assert [s["filename"] for s in detail["sources"]] == ["004_06adb31c1de62afd.txt"]


def test_unknown_slug_is_404_with_a_json_message(client) -> None:
    response = client.get("/api/v1/editions/1999-atlantis")
    assert response.status_code == 404
    assert "1999-atlantis" in response.json()["detail"]


def test_drafts_are_hidden_from_the_public_but_listed_for_organisers(client, db_session) -> None:
    draft = make_edition(db_session, status=EditionStatus.draft)
    assert client.get(f"/api/v1/editions/{draft.slug}").status_code == 404
    assert draft.slug not in {e["slug"] for e in client.get("/api/v1/editions").json()}
    headers = auth_headers(db_session, role=Role.viewer)
    listed = client.get("/api/v1/editions", headers=headers).json()
    assert draft.slug in {e["slug"] for e in listed}


NEW_EDITION = {
    "slug": "2027-rabat",
    "number": 7,
    "title_en": "Seventh meeting",
    "city_en": "Rabat",
    "start_date": "2027-06-01",
    "end_date": "2027-06-02",
}


def test_organiser_creates_a_draft_edition_with_a_token(client, db_session) -> None:
    response = client.post("/api/v1/editions", json=NEW_EDITION, headers=auth_headers(db_session))
    assert response.status_code == 201
    assert response.headers["location"].endswith("/api/v1/editions/2027-rabat")
    assert response.json()["status"] == "draft" and response.json()["year"] == 2027
    assert client.get("/api/v1/editions/2027-rabat").status_code == 404  # still a draft


def test_writing_needs_a_valid_token_and_the_organiser_role(client, db_session) -> None:
    assert client.post("/api/v1/editions", json=NEW_EDITION).status_code == 401
    bad = client.post(
        "/api/v1/editions", json=NEW_EDITION, headers={"Authorization": "Bearer mpt_not-a-token"}
    )
    assert bad.status_code == 401 and "not valid" in bad.json()["detail"]
    viewer = client.post(
        "/api/v1/editions", json=NEW_EDITION, headers=auth_headers(db_session, role=Role.viewer)
    )
    assert viewer.status_code == 403


def test_create_refuses_bad_input_field_by_field(client, db_session) -> None:
    headers = auth_headers(db_session)
    taken = client.post(
        "/api/v1/editions", json={**NEW_EDITION, "slug": "2024-fez", "number": 40}, headers=headers
    )
    assert taken.status_code == 409 and taken.json()["errors"][0]["field"] == "slug"
    reversed_dates = client.post(
        "/api/v1/editions",
        json={**NEW_EDITION, "start_date": "2027-06-05", "end_date": "2027-06-01"},
        headers=headers,
    )
    assert reversed_dates.status_code == 422
    bad_slug = client.post(
        "/api/v1/editions", json={**NEW_EDITION, "slug": "Not A Slug"}, headers=headers
    )
    assert bad_slug.status_code == 422
    assert bad_slug.json()["errors"][0]["field"] == "slug"
    zone = client.post(
        "/api/v1/editions", json={**NEW_EDITION, "time_zone": "Mars/Olympus"}, headers=headers
    )
    assert zone.status_code == 422 and zone.json()["errors"][0]["field"] == "time_zone"


def test_update_changes_the_edition_and_keeps_dates_in_order(client, db_session) -> None:
    edition = make_edition(db_session, status=EditionStatus.announced)
    headers = auth_headers(db_session)
    response = client.patch(
        f"/api/v1/editions/{edition.slug}", json={"venue": "Palais des Congrès"}, headers=headers
    )
    assert response.status_code == 200 and response.json()["venue"] == "Palais des Congrès"
    refused = client.patch(
        f"/api/v1/editions/{edition.slug}", json={"end_date": "2020-01-01"}, headers=headers
    )
    assert refused.status_code == 422
    assert client.get(f"/api/v1/editions/{edition.slug}").json()["end_date"] == "2027-06-03"


def test_openapi_and_docs_are_served(client) -> None:
    schema = client.get("/openapi.json").json()
    assert "/api/v1/editions" in schema["paths"] and "/api/v1/entities" in schema["paths"]
    assert client.get("/docs").status_code == 200


def test_search_finds_a_city_by_any_of_its_spellings(client) -> None:
    for spelling in ("Fez", "fes", "Fès", "فاس"):
        found = client.get("/api/v1/editions", params={"q": spelling}).json()
        assert [e["slug"] for e in found] == ["2024-fez"], spelling
    marrakesh = client.get("/api/v1/editions", params={"q": "Marrakesh"}).json()
    assert [e["slug"] for e in marrakesh] == ["2021-marrakech", "2022-marrakech"]


def test_a_revoked_token_is_refused(client, db_session) -> None:
    from app.audit.service import SYSTEM
    from app.auth import service as auth_service
    from tests.factories import make_account, make_token

    token = make_token(db_session, make_account(db_session))
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/v1/editions", json=NEW_EDITION, headers=headers).status_code == 201
    auth_service.revoke_api_token(
        db_session, token=auth_service.find_api_token(db_session, token), actor=SYSTEM
    )
    refused = client.patch("/api/v1/editions/2027-rabat", json={"venue": "x"}, headers=headers)
    assert refused.status_code == 401


def test_control_characters_are_refused_naming_the_field(client, db_session) -> None:
    response = client.post(
        "/api/v1/editions",
        json={**NEW_EDITION, "title_en": "Bad\x00title"},
        headers=auth_headers(db_session),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "title_en"
    assert client.get("/api/v1/editions/bad%00slug").status_code == 422
