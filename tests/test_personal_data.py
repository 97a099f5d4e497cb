"""No personal data on any public page, public export, log line or error message: register
recognisable people, then search every public response and the captured logs for them."""

import logging

from sqlmodel import select

from app.history.models import Source
from tests.factories import (
    extract_csrf,
    make_delegation,
    make_edition,
    open_registration,
    participant_data,
)

NEEDLES = (
    "Zyxwquartz",
    "Testperson",
    "زيكسوكوارتز",
    "zyxw.secret",
    "Qwvrtfocal",
    "qwvrt.focal",
    "+212 600 111 999",
)


def _register_recognisable_people(client, db_session):  # noqa: ANN001, ANN202
    edition = make_edition(db_session, slug="pii-check-edition")
    open_registration(db_session, edition, requests_open=True)
    _, token = make_delegation(db_session, edition, email="qwvrt.focal@pii.example")
    url = f"/api/v1/register/{token}/participants"
    head = participant_data(
        role="head",
        given_name="Zyxwquartz",
        family_name="Testperson",
        email="zyxw.secret@pii.example",
        phone="+212 600 111 999",
    )
    assert client.post(url, json=head).status_code == 201
    arabic = participant_data(given_name="زيكسوكوارتز", family_name="العلوي")
    assert client.post(url, json=arabic).status_code == 201
    # Refusals that concern these people must not echo them either.
    duplicate = client.post(url, json={**head, "role": "member"})
    assert duplicate.status_code == 409
    page = client.get(f"/register/{token}")
    csrf = extract_csrf(page.text)
    client.post(
        f"/register/{token}/details",
        data={
            "csrf_token": csrf,
            "focal_point_name": "Qwvrtfocal",
            "focal_point_email": "qwvrt.focal@pii.example",
            "focal_point_language": "en",
        },
    )
    client.post(f"/register/{token}/submit", data={"csrf_token": csrf})
    client.post(
        f"/editions/{edition.slug}/participate",
        data={
            "csrf_token": csrf,
            "entity_code": "GHA",
            "contact_name": "Qwvrtfocal Zyxwquartz",
            "contact_email": "qwvrt.focal@pii.example",
        },
    )
    return edition, token, [duplicate]


def test_no_personal_data_on_public_pages_exports_errors_or_logs(
    client, db_session, caplog, monkeypatch, tmp_path
) -> None:
    from app.config import get_settings

    monkeypatch.setattr(get_settings(), "var_dir", tmp_path)
    caplog.set_level(logging.DEBUG)
    edition, token, refusals = _register_recognisable_people(client, db_session)
    client.cookies.clear()
    source_ids = db_session.exec(select(Source.id).limit(3)).all()
    paths = [
        "/",
        "/?lang=fr",
        "/?lang=ar",
        f"/editions/{edition.slug}",
        f"/editions/{edition.slug}/participate",
        "/editions/2024-fez",
        "/api/v1/editions",
        f"/api/v1/editions/{edition.slug}",
        "/api/v1/entities",
        "/openapi.json",
        "/docs",
        "/healthz",
        f"/api/v1/editions/{edition.slug}/delegations",  # refused without a token
        f"/admin/editions/{edition.slug}/participants.csv",  # redirected to sign-in
        "/register/not-the-token",
        *[f"/sources/{source_id}" for source_id in source_ids],
        *[f"/api/v1/sources/{source_id}" for source_id in source_ids],
    ]
    responses = [client.get(path, follow_redirects=True) for path in paths]
    assert responses[0].status_code == 200 and responses[3].status_code == 200
    for path, response in zip(paths, responses, strict=True):
        for needle in NEEDLES:
            assert needle not in response.text, f"{needle!r} on {path}"
    for refusal in refusals:
        for needle in NEEDLES:
            assert needle not in refusal.text
    # The test's own HTTP client (httpx) logs the URLs it calls; only the server's logs count.
    server_records = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    logged = "\n".join(record.getMessage() for record in server_records)
    assert logged  # the request log did run
    for needle in (*NEEDLES, token):
        assert needle not in logged
