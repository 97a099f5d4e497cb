"""Signing in and out of the organisers' pages."""

from app.auth.access import LOGIN_COOKIE
from app.auth.models import Role
from tests.factories import PASSWORD, extract_csrf, make_account, sign_in


def test_dashboard_sends_anonymous_visitors_to_sign_in(client) -> None:
    response = client.get("/admin", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/sign-in?next=/admin"


def test_signed_in_organiser_sees_every_edition_with_drafts(client, db_session) -> None:
    from app.editions.models import EditionStatus
    from tests.factories import make_edition

    draft = make_edition(db_session, status=EditionStatus.draft)
    account = sign_in(client, db_session, role=Role.viewer)
    page = client.get("/admin")
    assert page.status_code == 200
    assert account.email in page.text and draft.title_en in page.text
    assert "2024" in page.text


def test_login_cookie_is_signed_and_http_only(client, db_session) -> None:
    account = make_account(db_session)
    token = extract_csrf(client.get("/admin/sign-in").text)
    response = client.post(
        "/admin/sign-in",
        data={"email": account.email, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    cookie_header = next(
        v
        for k, v in response.headers.multi_items()
        if k == "set-cookie" and v.startswith(LOGIN_COOKIE)
    )
    assert "HttpOnly" in cookie_header and "SameSite=lax" in cookie_header
    value = response.cookies[LOGIN_COOKIE]
    assert "." in value  # secret.signature
    client.cookies.set(LOGIN_COOKIE, value[:-2] + "xx")
    assert client.get("/admin", follow_redirects=False).status_code == 303


def test_wrong_password_shows_the_form_again_with_a_message(client, db_session) -> None:
    account = make_account(db_session)
    token = extract_csrf(client.get("/admin/sign-in").text)
    response = client.post(
        "/admin/sign-in", data={"email": account.email, "password": "nope", "csrf_token": token}
    )
    assert response.status_code == 401
    assert "The email or the password is not correct." in response.text
    assert f'value="{account.email}"' in response.text


def test_repeated_failures_are_throttled(client, db_session) -> None:
    account = make_account(db_session)
    token = extract_csrf(client.get("/admin/sign-in").text)
    for _ in range(5):
        client.post(
            "/admin/sign-in",
            data={"email": account.email, "password": "wrong", "csrf_token": token},
        )
    blocked = client.post(
        "/admin/sign-in", data={"email": account.email, "password": PASSWORD, "csrf_token": token}
    )
    assert blocked.status_code == 429
    assert "Too many failed sign-in attempts" in blocked.text


def test_a_form_without_its_csrf_token_is_refused(client, db_session) -> None:
    account = make_account(db_session)
    client.get("/admin/sign-in")
    response = client.post("/admin/sign-in", data={"email": account.email, "password": PASSWORD})
    assert response.status_code == 403
    assert LOGIN_COOKIE not in response.cookies
    forged = client.post(
        "/admin/sign-in",
        data={"email": account.email, "password": PASSWORD, "csrf_token": "0" * 64},
    )
    assert forged.status_code == 403


def test_sign_out_ends_the_login_session_on_the_server(client, db_session) -> None:
    sign_in(client, db_session)
    stolen = client.cookies.get(LOGIN_COOKIE)
    token = extract_csrf(client.get("/admin").text)
    response = client.post("/admin/sign-out", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"
    client.cookies.set(LOGIN_COOKIE, stolen)
    replayed = client.get("/admin", follow_redirects=False)
    assert replayed.status_code == 303
    assert replayed.headers["location"].startswith("/admin/sign-in")  # the dashboard is not shown


def test_sign_in_never_redirects_off_site(client, db_session) -> None:
    account = make_account(db_session)
    token = extract_csrf(client.get("/admin/sign-in").text)
    response = client.post(
        "/admin/sign-in",
        data={
            "email": account.email,
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/admin"
