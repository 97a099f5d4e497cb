"""The check-in endpoint for scanner apps."""

from app.audit.service import SYSTEM
from app.badges import service as badges_service
from tests.factories import (
    auth_headers,
    make_delegation,
    make_edition,
    make_participant,
    open_registration,
)


def test_api_check_in_then_refusals_with_their_status(client, db_session) -> None:  # noqa: ANN001
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    delegation, _ = make_delegation(db_session, edition, code="GHA")
    person = make_participant(db_session, edition, delegation, given_name="Kofi", role="head")
    headers = auth_headers(db_session)
    url = f"/api/v1/editions/{edition.slug}/check-in"
    code = badges_service.badge_code(person)
    arrived = client.post(url, json={"code": code}, headers=headers)
    assert arrived.status_code == 200
    assert arrived.json()["name"].endswith("Kofi " + person.family_name)
    assert arrived.json()["delegation"] == "Ghana" and arrived.json()["checked_in_at"]
    again = client.post(url, json={"code": code}, headers=headers)
    assert again.status_code == 409
    assert again.json()["errors"][0]["field"] == "code"
    assert "Already checked in at" in again.json()["detail"]
    forged = client.post(url, json={"code": "B" * 26}, headers=headers)
    assert forged.status_code == 404 and "Unknown badge" in forged.json()["detail"]
    badges_service.reissue_badge(
        db_session, edition=edition, participant_id=person.id, actor=SYSTEM
    )
    revoked = client.post(url, json={"code": code}, headers=headers)
    assert revoked.status_code == 410 and "Revoked badge" in revoked.json()["detail"]


def test_api_check_in_needs_an_organiser_token(client, db_session) -> None:  # noqa: ANN001
    from app.auth.models import Role

    edition = make_edition(db_session)
    url = f"/api/v1/editions/{edition.slug}/check-in"
    assert client.post(url, json={"code": "x"}).status_code == 401
    viewer = auth_headers(db_session, role=Role.viewer)
    assert client.post(url, json={"code": "x"}, headers=viewer).status_code == 403
