"""The lifecycle of an edition: explicit, checked, logged transitions."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from app.audit.models import AuditEntry
from app.audit.service import SYSTEM
from app.editions import lifecycle
from app.editions.models import Edition, EditionStatus
from app.errors import Conflict
from tests.factories import auth_headers, extract_csrf, make_edition, sign_in

S = EditionStatus
NOW = datetime(2027, 6, 4, 12, 0, tzinfo=UTC)


def _transition(client, headers, slug: str, to: str):  # noqa: ANN001, ANN202
    return client.post(f"/api/v1/editions/{slug}/transitions", json={"to": to}, headers=headers)


def test_announcing_a_draft_makes_it_public_and_logs_it(client, db_session) -> None:
    headers = auth_headers(db_session)
    edition = make_edition(db_session, status=S.draft, city="Laayoune")
    assert client.get(f"/editions/{edition.slug}").status_code == 404
    response = _transition(client, headers, edition.slug, "announced")
    assert response.status_code == 200 and response.json()["status"] == "announced"
    entry = db_session.exec(
        select(AuditEntry).where(
            AuditEntry.action == "edition.announce", AuditEntry.subject_id == edition.id
        )
    ).one()
    assert entry.before == {"status": "draft"} and entry.after == {"status": "announced"}
    public = client.get(f"/editions/{edition.slug}")
    assert public.status_code == 200 and "Announced; registration is not open yet" in public.text


def test_announcing_needs_dates(client, db_session) -> None:
    headers = auth_headers(db_session)
    edition = make_edition(db_session, status=S.draft, start_date=None, end_date=None)
    response = _transition(client, headers, edition.slug, "announced")
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "Give the city and the start and end dates before announcing the edition."
    )
    db_session.refresh(edition)
    assert edition.status == S.draft


def test_opening_registration_without_a_deadline_is_refused(client, db_session) -> None:
    headers = auth_headers(db_session)
    edition = make_edition(db_session, status=S.announced)
    response = _transition(client, headers, edition.slug, "registration_open")
    assert response.status_code == 409
    assert response.json()["detail"] == ("Set a registration deadline before opening registration.")
    assert response.json()["errors"][0]["field"] == "to"


def test_opening_registration_reads_the_deadline_of_the_registration_settings(
    client, db_session
) -> None:
    headers = auth_headers(db_session)
    edition = make_edition(db_session, status=S.announced)
    deadline = datetime.now(UTC) + timedelta(days=20)
    settings = client.put(
        f"/api/v1/editions/{edition.slug}/registration",
        json={"deadline_at": deadline.strftime("%Y-%m-%dT%H:%M"), "default_quota": 4},
        headers=headers,
    )
    assert settings.status_code == 200, settings.text
    response = _transition(client, headers, edition.slug, "registration_open")
    assert response.status_code == 200 and response.json()["status"] == "registration_open"


def test_deadline_check_accepts_a_future_deadline_and_refuses_a_past_one() -> None:
    announced = Edition(
        slug="x-y-z", kind="session", year=2027, title_en="t", city_en="c", status=S.announced
    )
    moved = lifecycle.check_transition(
        announced, S.registration_open, registration_deadline=NOW + timedelta(days=3), now=NOW
    )
    assert moved.action == "open_registration"
    with pytest.raises(Conflict, match="deadline has passed"):
        lifecycle.check_transition(
            announced, S.registration_open, registration_deadline=NOW, now=NOW
        )


def test_held_needs_the_start_date_reached_in_the_venue_time_zone(db_session) -> None:
    edition = make_edition(
        db_session, status=S.registration_closed, start_date=date(2027, 6, 5), end_date=None
    )
    # 23:30 UTC on 4 June is 00:30 on 5 June in Casablanca (UTC+1).
    before = datetime(2027, 6, 4, 22, 30, tzinfo=UTC)
    after = datetime(2027, 6, 4, 23, 30, tzinfo=UTC)
    with pytest.raises(Conflict, match="start date is reached"):
        lifecycle.transition_edition(
            db_session, edition=edition, target=S.held, actor=SYSTEM, now=before
        )
    lifecycle.transition_edition(
        db_session, edition=edition, target=S.held, actor=SYSTEM, now=after
    )
    assert edition.status == S.held


def test_concluding_needs_the_end_date_passed(db_session) -> None:
    edition = make_edition(
        db_session, status=S.held, start_date=date(2027, 6, 3), end_date=date(2027, 6, 4)
    )
    with pytest.raises(Conflict, match="end date has passed"):
        lifecycle.transition_edition(
            db_session, edition=edition, target=S.concluded, actor=SYSTEM, now=NOW
        )
    lifecycle.transition_edition(
        db_session,
        edition=edition,
        target=S.concluded,
        actor=SYSTEM,
        now=NOW + timedelta(days=1),
    )
    assert edition.status == S.concluded


def test_archiving_only_from_concluded_and_no_skipping(client, db_session) -> None:
    headers = auth_headers(db_session)
    edition = make_edition(db_session, status=S.held)
    archived = _transition(client, headers, edition.slug, "archived")
    assert archived.status_code == 409
    assert archived.json()["detail"] == "Only a concluded edition can be archived."
    skipped = _transition(client, headers, edition.slug, "announced")
    assert skipped.status_code == 409
    assert "cannot go from 'held' to 'announced'" in skipped.json()["detail"]


def test_corrections_close_then_reopen_and_withdraw(db_session) -> None:
    closed = make_edition(db_session, status=S.registration_closed)
    actions = [t.action for t in lifecycle.available_transitions(closed)]
    assert actions == ["mark_held", "reopen_registration"]
    announced = make_edition(db_session, status=S.announced)
    lifecycle.transition_edition(db_session, edition=announced, target=S.draft, actor=SYSTEM)
    assert announced.status == S.draft


def test_unknown_status_and_viewers_are_refused(client, db_session) -> None:
    edition = make_edition(db_session, status=S.draft)
    bad = _transition(client, auth_headers(db_session), edition.slug, "cancelled")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "to"
    from app.auth.models import Role

    viewer = _transition(
        client, auth_headers(db_session, role=Role.viewer), edition.slug, "announced"
    )
    assert viewer.status_code == 403
    anonymous = client.post(
        f"/api/v1/editions/{edition.slug}/transitions", json={"to": "announced"}
    )
    assert anonymous.status_code == 401


def test_buttons_on_the_admin_page_move_the_edition(client, db_session) -> None:
    sign_in(client, db_session)
    edition = make_edition(db_session, status=S.draft)
    page = client.get(f"/admin/editions/{edition.slug}")
    assert 'name="to" value="announced"' in page.text and ">Announce</button>" in page.text
    token = extract_csrf(page.text)
    response = client.post(
        f"/admin/editions/{edition.slug}/transitions",
        data={"to": "announced", "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/admin/editions/{edition.slug}?moved=announced"
    moved = client.get(response.headers["location"])
    assert "The edition is now: Announced." in moved.text
    assert ">Open registration</button>" in moved.text


def test_a_refused_button_says_why(client, db_session) -> None:
    sign_in(client, db_session)
    edition = make_edition(db_session, status=S.announced)
    token = extract_csrf(client.get(f"/admin/editions/{edition.slug}").text)
    response = client.post(
        f"/admin/editions/{edition.slug}/transitions",
        data={"to": "registration_open", "csrf_token": token},
    )
    assert response.status_code == 409
    assert "Set a registration deadline before opening registration." in response.text
    db_session.refresh(edition)
    assert edition.status == S.announced


def test_a_transition_without_the_csrf_token_is_refused(client, db_session) -> None:
    sign_in(client, db_session)
    edition = make_edition(db_session, status=S.draft)
    response = client.post(f"/admin/editions/{edition.slug}/transitions", data={"to": "announced"})
    assert response.status_code == 403
    db_session.refresh(edition)
    assert edition.status == S.draft


def test_public_page_says_registration_is_open(client, db_session) -> None:
    edition = make_edition(db_session, status=S.registration_open)
    page = client.get(f"/editions/{edition.slug}")
    assert '<p class="status" id="edition-status">Registration open</p>' in page.text
