"""The registration API: organisers with a bearer token, focal points with their link."""

from sqlmodel import select

from app.audit.models import AuditEntry
from app.auth.models import Role
from app.delegations.models import Delegation, Participant
from app.editions.models import EditionStatus
from tests.factories import (
    auth_headers,
    extract_csrf,
    make_delegation,
    make_edition,
    open_registration,
    participant_data,
)


def _url(edition, delegation=None) -> str:  # noqa: ANN001
    base = f"/api/v1/editions/{edition.slug}/delegations"
    return base if delegation is None else f"{base}/{delegation.id}"


def test_invite_one_entity_returns_the_link_once_and_stores_only_its_digest(
    client, db_session
) -> None:
    edition = make_edition(db_session, status=EditionStatus.registration_open)
    headers = auth_headers(db_session)
    response = client.post(
        _url(edition),
        json={"entity_codes": ["KEN"], "focal_point_email": "fp@kenya.example"},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    [created] = response.json()
    assert created["entity_code"] == "KEN" and created["status"] == "invited"
    link = created["registration_link"]
    token = link.rsplit("/", 1)[1]
    assert len(token) >= 43  # 32 random bytes
    stored = db_session.get(Delegation, created["id"])
    assert stored.token_hash != token and token not in stored.token_hash
    listed = client.get(_url(edition), headers=headers).json()
    assert listed[0]["registration_link"] is None


def test_bulk_invite_every_african_union_member(client, db_session) -> None:
    edition = make_edition(db_session)
    headers = auth_headers(db_session)
    response = client.post(_url(edition), json={"african_union_members": True}, headers=headers)
    assert response.status_code == 201
    codes = {d["entity_code"] for d in response.json()}
    assert {"KEN", "MAR", "NGA", "ZAF"} <= codes and "FRA" not in codes
    again = client.post(_url(edition), json={"african_union_members": True}, headers=headers)
    assert again.json() == []  # nobody is invited twice


def test_reissuing_the_link_kills_the_old_one(client, db_session) -> None:
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    delegation, token = make_delegation(db_session, edition)
    assert client.get(f"/api/v1/register/{token}/participants").status_code == 200
    response = client.post(_url(edition, delegation) + "/link", headers=auth_headers(db_session))
    new_token = response.json()["registration_link"].rsplit("/", 1)[1]
    old = client.get(f"/api/v1/register/{token}/participants")
    assert old.status_code == 404 and "not valid" in old.json()["detail"]
    assert client.get(f"/api/v1/register/{new_token}/participants").status_code == 200


def test_rules_come_back_as_json_with_the_field(client, db_session) -> None:
    edition = make_edition(db_session)
    open_registration(db_session, edition, quota=2)
    delegation, token = make_delegation(db_session, edition)
    url = f"/api/v1/register/{token}/participants"
    first = client.post(url, json=participant_data(role="head", email="a@x.example"))
    assert first.status_code == 201, first.text
    second_head = client.post(url, json=participant_data(role="head"))
    assert second_head.status_code == 409
    assert second_head.json()["errors"][0]["field"] == "role"
    same_email = client.post(url, json=participant_data(email="A@X.example "))
    assert same_email.status_code == 409
    assert same_email.json()["errors"][0]["field"] == "email"
    client.post(url, json=participant_data())
    over = client.post(url, json=participant_data())
    assert over.status_code == 409 and "The delegation is full" in over.json()["detail"]
    bad = client.post(url, json=participant_data(given_name="", email="nope"))
    assert bad.status_code == 422
    fields = {(e["location"], e["field"]) for e in bad.json()["errors"]}
    assert ("body", "given_name") in fields and ("body", "email") in fields
    count = db_session.exec(select(Participant).where(Participant.delegation_id == delegation.id))
    assert len(count.all()) == 2


def test_email_is_unique_across_delegations_of_an_edition_not_across_editions(
    client, db_session
) -> None:
    edition = make_edition(db_session)
    other_edition = make_edition(db_session)
    for e in (edition, other_edition):
        open_registration(db_session, e)
    _, kenya = make_delegation(db_session, edition, code="KEN")
    _, nigeria = make_delegation(db_session, edition, code="NGA")
    _, kenya_later = make_delegation(db_session, other_edition, code="KEN")
    data = participant_data(email="same@person.example")
    assert client.post(f"/api/v1/register/{kenya}/participants", json=data).status_code == 201
    refused = client.post(f"/api/v1/register/{nigeria}/participants", json=data)
    assert refused.status_code == 409 and "already registered" in refused.json()["detail"]
    assert "same@person" not in refused.text
    assert client.post(f"/api/v1/register/{kenya_later}/participants", json=data).status_code == 201


def test_names_are_kept_exactly_in_any_script_and_nfc_normalised(client, db_session) -> None:
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    _, token = make_delegation(db_session, edition)
    decomposed = "Jose\u0301"
    response = client.post(
        f"/api/v1/register/{token}/participants",
        json=participant_data(given_name=decomposed, family_name="العلوي"),
    )
    assert response.json()["given_name"] == "Jos\u00e9"
    assert response.json()["family_name"] == "العلوي"


def test_after_the_deadline_a_focal_point_is_refused(client, db_session) -> None:
    from datetime import UTC, datetime, timedelta

    edition = make_edition(db_session)
    settings = open_registration(db_session, edition)
    _, token = make_delegation(db_session, edition)
    settings.deadline_at = datetime.now(UTC) - timedelta(minutes=1)
    db_session.add(settings)
    db_session.commit()
    response = client.post(f"/api/v1/register/{token}/participants", json=participant_data())
    assert response.status_code == 409 and "closed" in response.json()["detail"]


def test_dates_outside_the_window_are_refused(client, db_session) -> None:
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    _, token = make_delegation(db_session, edition)
    response = client.post(
        f"/api/v1/register/{token}/participants",
        json=participant_data(arrival_date="2027-01-01", departure_date="2027-06-04"),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "arrival_date"


def test_settings_are_entered_and_shown_in_the_venue_time_zone(client, db_session) -> None:
    from app.delegations.windows import deadline_of

    edition = make_edition(db_session)
    headers = auth_headers(db_session)
    assert deadline_of(db_session, edition) is None
    response = client.put(
        f"/api/v1/editions/{edition.slug}/registration",
        json={"deadline_at": "2027-05-01T18:00:00", "default_quota": 4},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["deadline_at"].startswith("2027-05-01T18:00:00")
    stored = deadline_of(db_session, edition)
    assert stored.utcoffset().total_seconds() == 0 and stored.hour == 17  # Casablanca is UTC+1
    assert deadline_of(db_session, edition) is not None


def test_submit_needs_exactly_one_head_then_accredit_in_bulk_with_audit(client, db_session) -> None:
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    delegation, token = make_delegation(db_session, edition, email="fp@kenya.example")
    headers = auth_headers(db_session)
    member = client.post(f"/api/v1/register/{token}/participants", json=participant_data()).json()
    submit = client.post(_url(edition, delegation) + "/submit", headers=headers)
    assert submit.status_code == 422 and "exactly one head" in submit.json()["detail"]
    head = client.post(
        f"/api/v1/register/{token}/participants", json=participant_data(role="head")
    ).json()
    delegation.focal_point_name = "Focal"
    db_session.add(delegation)
    db_session.commit()
    assert (
        client.post(_url(edition, delegation) + "/submit", headers=headers).json()["status"]
        == "submitted"
    )
    reviewed = client.post(
        f"/api/v1/editions/{edition.slug}/participants/review",
        json={"participant_ids": [member["id"], head["id"]], "status": "accredited"},
        headers=headers,
    )
    assert {p["status"] for p in reviewed.json()} == {"accredited"}
    rejected = client.post(
        f"/api/v1/editions/{edition.slug}/participants/review",
        json={"participant_ids": [member["id"]], "status": "rejected"},
        headers=headers,
    )
    assert rejected.status_code == 422 and rejected.json()["errors"][0]["field"] == "reason"
    confirmed = client.patch(
        _url(edition, delegation), json={"status": "confirmed"}, headers=headers
    )
    assert confirmed.json()["status"] == "confirmed" and confirmed.json()["accredited"] == 2
    actions = db_session.exec(
        select(AuditEntry.action).where(AuditEntry.edition_id == edition.id)
    ).all()
    assert {"participant.accredited", "delegation.submit", "delegation.status"} <= set(actions)


def test_viewer_reads_but_cannot_write(client, db_session) -> None:
    edition = make_edition(db_session)
    viewer = auth_headers(db_session, role=Role.viewer)
    assert client.get(_url(edition), headers=viewer).status_code == 200
    refused = client.post(_url(edition), json={"entity_codes": ["KEN"]}, headers=viewer)
    assert refused.status_code == 403
    assert client.get(_url(edition)).status_code == 401


def test_a_delegation_gets_its_own_quota_but_never_below_its_members(client, db_session) -> None:
    edition = make_edition(db_session)
    open_registration(db_session, edition, quota=1)
    delegation, token = make_delegation(db_session, edition)
    headers = auth_headers(db_session)
    url = f"/api/v1/register/{token}/participants"
    assert client.post(url, json=participant_data(role="head")).status_code == 201
    assert client.post(url, json=participant_data()).status_code == 409
    raised = client.patch(_url(edition, delegation), json={"quota_override": 3}, headers=headers)
    assert raised.json()["quota"] == 3
    assert client.post(url, json=participant_data()).status_code == 201
    lowered = client.patch(_url(edition, delegation), json={"quota_override": 1}, headers=headers)
    assert lowered.status_code == 422
    assert lowered.json()["errors"][0]["field"] == "quota_override"
    reset = client.patch(_url(edition, delegation), json={"quota_override": None}, headers=headers)
    assert reset.status_code == 422  # the default (1) is below the 2 members


def test_out_of_range_ids_and_times_are_422_not_server_errors(client, db_session) -> None:
    edition = make_edition(db_session)
    headers = auth_headers(db_session)
    huge = 2**40
    assert client.get(_url(edition) + f"/{huge}", headers=headers).status_code == 422
    review = client.post(
        f"/api/v1/editions/{edition.slug}/participants/review",
        json={"participant_ids": [huge], "status": "accredited"},
        headers=headers,
    )
    assert review.status_code == 422
    settings = client.put(
        f"/api/v1/editions/{edition.slug}/registration",
        json={"deadline_at": "0001-01-01T00:00:00"},
        headers=headers,
    )
    assert settings.status_code == 422
    assert settings.json()["errors"][0]["field"] == "deadline_at"


def test_a_focal_points_correction_of_an_accredited_person_goes_back_to_review(
    client, db_session
) -> None:
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    _, token = make_delegation(db_session, edition)
    data = participant_data(role="head")
    created = client.post(f"/api/v1/register/{token}/participants", json=data).json()
    client.post(
        f"/api/v1/editions/{edition.slug}/participants/review",
        json={"participant_ids": [created["id"]], "status": "accredited"},
        headers=auth_headers(db_session),
    )
    stored = db_session.get(Participant, created["id"])
    assert stored.status == "accredited"
    from app.delegations.participants import focal_point_actor, save_participant
    from app.delegations.schemas import ParticipantIn

    delegation = db_session.get(Delegation, stored.delegation_id)
    save_participant(
        db_session,
        edition=edition,
        delegation=delegation,
        participant_in=ParticipantIn(**{**data, "dietary_needs": "Vegetarian"}),
        actor=focal_point_actor(delegation),
        participant_id=stored.id,
    )
    assert db_session.get(Participant, stored.id).status == "accredited"  # not who they are
    save_participant(
        db_session,
        edition=edition,
        delegation=delegation,
        participant_in=ParticipantIn(**{**data, "family_name": "Corrected"}),
        actor=focal_point_actor(delegation),
        participant_id=stored.id,
    )
    assert db_session.get(Participant, stored.id).status == "pending"


def test_the_api_takes_and_returns_an_optional_gender(client, db_session) -> None:  # noqa: ANN001
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    _, token = make_delegation(db_session, edition)
    url = f"/api/v1/register/{token}/participants"
    created = client.post(url, json=participant_data(role="head", gender="undisclosed"))
    assert created.status_code == 201 and created.json()["gender"] == "undisclosed"
    without = client.post(url, json=participant_data())
    assert without.status_code == 201 and without.json()["gender"] is None
    wrong = client.post(url, json=participant_data(gender="robot"))
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "gender"


def _ask_to_join(client, edition, code: str, name: str, email: str) -> None:  # noqa: ANN001
    """Send the public request form, as an uninvited entity would."""
    url = f"/editions/{edition.slug}/participate"
    token = extract_csrf(client.get(url).text)
    data = {"csrf_token": token, "entity_code": code, "contact_name": name, "contact_email": email}
    assert "Thank you" in client.post(url, data=data).text


def test_join_requests_are_listed_and_decided_through_the_api(client, db_session) -> None:
    edition = make_edition(db_session)
    open_registration(db_session, edition, requests_open=True)
    _ask_to_join(client, edition, "GHA", "Kofi Mensah", "kofi@ghana.example")
    _ask_to_join(client, edition, "TGO", "Ama Kodjo", "ama@togo.example")
    url = f"/api/v1/editions/{edition.slug}/requests"
    assert client.get(url).status_code == 401
    viewer = auth_headers(db_session, role=Role.viewer)
    listed = client.get(url, headers=viewer)
    assert listed.status_code == 200
    by_code = {r["entity_code"]: r for r in listed.json()}
    assert by_code["GHA"]["contact_name"] == "Kofi Mensah"
    assert by_code["GHA"]["status"] == "pending"
    ghana, togo = by_code["GHA"]["id"], by_code["TGO"]["id"]
    refused_by_viewer = client.post(f"{url}/{ghana}", json={"decision": "approve"}, headers=viewer)
    assert refused_by_viewer.status_code == 403

    headers = auth_headers(db_session)
    approved = client.post(f"{url}/{ghana}", json={"decision": "approve"}, headers=headers)
    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert body["status"] == "approved" and body["decided_at"]
    link = body["registration_link"]
    assert link and "/register/" in link
    delegations = client.get(_url(edition), headers=headers).json()
    assert [(d["entity_code"], d["status"]) for d in delegations] == [("GHA", "invited")]
    token = link.rsplit("/", 1)[1]
    assert client.get(f"/api/v1/register/{token}/participants").status_code == 200

    refused = client.post(f"{url}/{togo}", json={"decision": "refuse"}, headers=headers)
    assert refused.status_code == 200
    assert refused.json()["status"] == "refused" and refused.json()["registration_link"] is None
    again = client.post(f"{url}/{togo}", json={"decision": "approve"}, headers=headers)
    assert again.status_code == 409 and "already been decided" in again.json()["detail"]
    bad = client.post(f"{url}/{togo}", json={"decision": "maybe"}, headers=headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "decision"
    unknown = client.post(f"{url}/999999", json={"decision": "approve"}, headers=headers)
    assert unknown.status_code == 404
    actions = db_session.exec(select(AuditEntry.action)).all()
    assert "join_request.approve" in actions and "join_request.refuse" in actions


def test_join_requests_of_another_edition_are_out_of_reach(client, db_session) -> None:
    edition = make_edition(db_session)
    other = make_edition(db_session)
    open_registration(db_session, edition, requests_open=True)
    _ask_to_join(client, edition, "GHA", "Kofi Mensah", "kofi@ghana.example")
    headers = auth_headers(db_session)
    [request] = client.get(f"/api/v1/editions/{edition.slug}/requests", headers=headers).json()
    assert client.get(f"/api/v1/editions/{other.slug}/requests", headers=headers).json() == []
    response = client.post(
        f"/api/v1/editions/{other.slug}/requests/{request['id']}",
        json={"decision": "approve"},
        headers=headers,
    )
    assert response.status_code == 404


def test_a_malformed_focal_point_email_is_refused_as_on_the_form(client, db_session) -> None:
    edition = make_edition(db_session)
    headers = auth_headers(db_session)
    for wrong in ("fp@kenya.", "fp@kenya@example.org", "fp@.example"):
        response = client.post(
            _url(edition),
            json={"entity_codes": ["KEN"], "focal_point_email": wrong},
            headers=headers,
        )
        assert response.status_code == 422, wrong
        assert response.json()["errors"][0]["field"] == "focal_point_email"
    assert client.get(_url(edition), headers=headers).json() == []
