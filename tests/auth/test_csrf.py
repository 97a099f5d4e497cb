"""CSRF tokens bound to what authenticates the request: a planted pair does not work."""

from fastapi.testclient import TestClient

from app.web.csrf import CSRF_COOKIE
from tests.factories import (
    extract_csrf,
    make_delegation,
    make_edition,
    open_registration,
    participant_data,
    sign_in,
)

EXPIRED = "This form has expired or did not come from this site."


def test_a_planted_cookie_and_token_pair_is_refused_for_a_signed_in_organiser(
    app, client, db_session
) -> None:
    sign_in(client, db_session)
    with TestClient(app, base_url="http://testserver") as attacker:
        planted_token = extract_csrf(attacker.get("/admin/sign-in").text)
        planted_cookie = attacker.cookies[CSRF_COOKIE]
    client.cookies.set(CSRF_COOKIE, planted_cookie)
    response = client.post(
        "/admin/sign-out", data={"csrf_token": planted_token}, follow_redirects=False
    )
    assert response.status_code == 403
    assert EXPIRED in response.text
    still = client.get("/admin", follow_redirects=False)
    assert still.status_code == 200  # the login session was not ended


def test_another_login_sessions_token_is_refused(app, client, db_session) -> None:
    sign_in(client, db_session)
    with TestClient(app, base_url="http://testserver") as other:
        sign_in(other, db_session)
        other_token = extract_csrf(other.get("/admin").text)
    response = client.post(
        "/admin/sign-out", data={"csrf_token": other_token}, follow_redirects=False
    )
    assert response.status_code == 403 and EXPIRED in response.text
    own = extract_csrf(client.get("/admin").text)
    assert own != other_token
    signed_out = client.post("/admin/sign-out", data={"csrf_token": own}, follow_redirects=False)
    assert signed_out.status_code == 303


def test_a_token_from_before_sign_in_no_longer_works_after_it(client, db_session) -> None:
    anonymous_token = extract_csrf(client.get("/admin/sign-in").text)
    sign_in(client, db_session)
    response = client.post(
        "/admin/sign-out", data={"csrf_token": anonymous_token}, follow_redirects=False
    )
    assert response.status_code == 403 and EXPIRED in response.text


def test_focal_point_forms_are_bound_to_their_private_link(client, db_session) -> None:
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    _, token = make_delegation(db_session, edition)
    _, other_token = make_delegation(db_session, edition, code="NGA")
    other_csrf = extract_csrf(client.get(f"/register/{other_token}").text)
    page = client.get(f"/register/{token}")
    assert CSRF_COOKIE not in page.cookies  # the link is the credential: no cookie needed
    data = participant_data(role="head")
    crossed = client.post(
        f"/register/{token}/participants",
        data={**data, "csrf_token": other_csrf},
        follow_redirects=False,
    )
    assert crossed.status_code == 403 and EXPIRED in crossed.text
    missing = client.post(f"/register/{token}/participants", data=data, follow_redirects=False)
    assert missing.status_code == 403
    client.cookies.clear()
    saved = client.post(
        f"/register/{token}/participants",
        data={**data, "csrf_token": extract_csrf(page.text)},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert data["family_name"] in client.get(f"/register/{token}").text


def test_anonymous_forms_still_need_the_cookie_their_token_was_made_for(
    app, client, db_session
) -> None:
    edition = make_edition(db_session)
    open_registration(db_session, edition, requests_open=True)
    with TestClient(app, base_url="http://testserver") as other:
        other_token = extract_csrf(other.get("/admin/sign-in").text)
    client.get("/admin/sign-in")
    response = client.post(
        "/admin/sign-in",
        data={"email": "a@b.example", "password": "x" * 12, "csrf_token": other_token},
    )
    assert response.status_code == 403 and EXPIRED in response.text


def test_each_visitor_of_a_public_form_gets_a_token_of_their_own(app, client, db_session) -> None:
    """A form page is never replayed from the public cache with someone else's token."""
    edition = make_edition(db_session)
    open_registration(db_session, edition, requests_open=True)
    path = f"/editions/{edition.slug}/participate"
    client.get(path)
    client.get(path)  # a second visit, with the cookie of the first
    with TestClient(app, base_url="http://testserver") as newcomer:
        page = newcomer.get(path)
        sent = newcomer.post(
            path,
            data={
                "csrf_token": extract_csrf(page.text),
                "entity_code": "GHA",
                "contact_name": "Kofi",
                "contact_email": "kofi@ghana.example",
            },
        )
    assert sent.status_code == 200 and "Thank you" in sent.text
