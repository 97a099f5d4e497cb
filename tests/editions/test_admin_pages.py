"""Organisers create an edition from scratch and edit it through the pages."""

from datetime import date

from sqlmodel import select

from app.audit.models import AuditEntry
from app.auth.models import Role
from app.editions.models import Edition, EditionStatus
from app.entities.models import Entity
from tests.factories import extract_csrf, make_edition, sign_in

NEW_EDITION = {
    "kind": "session",
    "number": "",
    "slug": "",
    "title_en": "4th session of the Marrakech Platform",
    "title_fr": "4e session de la Plateforme de Marrakech",
    "title_ar": "الدورة الرابعة لمنصة مراكش",
    "city_en": "Rabat",
    "city_fr": "Rabat",
    "city_ar": "الرباط",
    "country_code": "MAR",
    "venue": "Palais des congrès",
    "start_date": "2027-06-02",
    "end_date": "2027-06-03",
    "time_zone": "Africa/Casablanca",
}


def _post_form(client, get_path: str, post_path: str, data: dict[str, str]):  # noqa: ANN001, ANN202
    token = extract_csrf(client.get(get_path).text)
    return client.post(post_path, data={**data, "csrf_token": token}, follow_redirects=False)


def test_new_edition_form_proposes_the_next_session_number_and_morocco(client, db_session) -> None:
    sign_in(client, db_session)
    highest = max(n for n in db_session.exec(select(Edition.number)).all() if n is not None)
    page = client.get("/admin/editions/new")
    assert page.status_code == 200
    assert f'name="number" type="number" value="{highest + 1}"' in page.text
    assert '<option value="MAR" selected>Morocco</option>' in page.text
    assert 'value="Africa/Casablanca"' in page.text


def test_creating_an_edition_from_the_form_makes_a_logged_draft(client, db_session) -> None:
    account = sign_in(client, db_session)
    data = {**NEW_EDITION, "number": "40"}
    response = _post_form(client, "/admin/editions/new", "/admin/editions/new", data)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/admin/editions/2027-rabat"
    edition = db_session.exec(select(Edition).where(Edition.slug == "2027-rabat")).one()
    morocco = db_session.exec(select(Entity).where(Entity.code == "MAR")).one()
    assert edition.status == EditionStatus.draft and edition.number == 40
    assert edition.title_ar == "الدورة الرابعة لمنصة مراكش" and edition.country_id == morocco.id
    assert edition.start_date == date(2027, 6, 2) and edition.year == 2027
    entry = db_session.exec(
        select(AuditEntry).where(
            AuditEntry.action == "edition.create", AuditEntry.subject_id == edition.id
        )
    ).one()
    assert entry.actor_label == account.email
    admin_page = client.get(response.headers["location"])
    assert "4th session of the Marrakech Platform" in admin_page.text
    assert "Announce" in admin_page.text
    client.cookies.clear()
    assert client.get("/editions/2027-rabat").status_code == 404


def test_invalid_form_comes_back_with_messages_next_to_the_fields(client, db_session) -> None:
    sign_in(client, db_session)
    make_edition(db_session, number=41)
    data = {**NEW_EDITION, "title_en": "", "number": "41", "time_zone": "Mars/Olympus"}
    response = _post_form(client, "/admin/editions/new", "/admin/editions/new", data)
    assert response.status_code == 422
    assert 'id="error-title_en"' in response.text and "This field is required." in response.text
    assert 'id="error-time_zone"' in response.text  # every field's message at once
    assert 'value="Palais des congrès"' in response.text  # what was typed is kept
    fixed = {**data, "title_en": "A title", "time_zone": "Africa/Casablanca"}
    again = _post_form(client, "/admin/editions/new", "/admin/editions/new", fixed)
    assert again.status_code == 422
    assert 'id="error-number"' in again.text and "Session number 41 already exists." in again.text


def test_dates_out_of_order_are_refused(client, db_session) -> None:
    sign_in(client, db_session)
    data = {**NEW_EDITION, "start_date": "2027-06-05", "end_date": "2027-06-03"}
    response = _post_form(client, "/admin/editions/new", "/admin/editions/new", data)
    assert response.status_code == 422
    assert 'id="error-end_date"' in response.text
    assert "The end date must not be before the start date." in response.text


def test_viewers_cannot_create_editions(client, db_session) -> None:
    sign_in(client, db_session, role=Role.viewer)
    assert client.get("/admin/editions/new").status_code == 403
    dashboard = client.get("/admin")
    assert "/admin/editions/new" not in dashboard.text and "/admin/audit" in dashboard.text


def test_dashboard_links_to_new_edition_and_each_edition(client, db_session) -> None:
    sign_in(client, db_session)
    edition = make_edition(db_session, status=EditionStatus.draft)
    page = client.get("/admin")
    assert 'href="/admin/editions/new"' in page.text
    assert f'href="/admin/editions/{edition.slug}"' in page.text


def test_editing_an_edition_saves_and_logs_the_change(client, db_session) -> None:
    sign_in(client, db_session)
    edition = make_edition(db_session, status=EditionStatus.draft)
    form = client.get(f"/admin/editions/{edition.slug}/edit")
    assert 'value="Rabat"' in form.text
    data = {
        **NEW_EDITION,
        "title_en": "Renamed edition",
        "city_en": "Agadir",
        "country_code": "",
        "summary_en": "",
        "summary_fr": "",
        "summary_ar": "Résumé",
    }
    path = f"/admin/editions/{edition.slug}/edit"
    response = _post_form(client, path, path, data)
    assert response.status_code == 303
    db_session.refresh(edition)
    assert edition.title_en == "Renamed edition" and edition.city_en == "Agadir"
    assert edition.country_id is None and edition.summary_ar == "Résumé"
    entry = db_session.exec(
        select(AuditEntry).where(
            AuditEntry.action == "edition.update", AuditEntry.subject_id == edition.id
        )
    ).one()
    assert entry.before["city_en"] == "Rabat" and entry.after["city_en"] == "Agadir"


def test_editing_refuses_an_empty_title_and_keeps_the_edition(client, db_session) -> None:
    sign_in(client, db_session)
    edition = make_edition(db_session)
    path = f"/admin/editions/{edition.slug}/edit"
    response = _post_form(client, path, path, {**NEW_EDITION, "title_en": ""})
    assert response.status_code == 422 and 'id="error-title_en"' in response.text
    db_session.refresh(edition)
    assert edition.title_en.startswith("Test edition")


def test_api_creates_an_edition_with_a_proposed_slug(client, db_session) -> None:
    from tests.factories import auth_headers

    headers = auth_headers(db_session)
    body = {"title_en": "Next session", "city_en": "Oujda", "start_date": "2028-05-10"}
    first = client.post("/api/v1/editions", json=body, headers=headers)
    second = client.post("/api/v1/editions", json=body, headers=headers)
    precursor = client.post(
        "/api/v1/editions", json={**body, "kind": "precursor", "number": 9}, headers=headers
    )
    assert precursor.status_code == 422
    assert precursor.headers["content-type"] == "application/problem+json"
    assert precursor.json()["errors"] == [
        {
            "location": "body",
            "field": "number",
            "reason": "A precursor event has no session number.",
            "type": "invalid-input",
        }
    ]
    assert first.status_code == 201 and first.json()["slug"] == "2028-oujda"
    assert second.json()["slug"] == "2028-oujda-2"


def test_api_update_changes_country_and_time_zone_but_never_removes_the_title(
    client, db_session
) -> None:
    from tests.factories import auth_headers

    headers = auth_headers(db_session)
    edition = make_edition(db_session)
    url = f"/api/v1/editions/{edition.slug}"
    moved = client.patch(
        url, json={"country_code": "tun", "time_zone": "Africa/Tunis"}, headers=headers
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["country_code"] == "TUN" and moved.json()["time_zone"] == "Africa/Tunis"
    bad_zone = client.patch(url, json={"time_zone": "Mars/Olympus"}, headers=headers)
    assert bad_zone.status_code == 422 and bad_zone.json()["errors"][0]["field"] == "time_zone"
    removed = client.patch(url, json={"title_en": None}, headers=headers)
    assert removed.status_code == 422
    db_session.refresh(edition)
    assert edition.title_en.startswith("Test edition") and edition.time_zone == "Africa/Tunis"
