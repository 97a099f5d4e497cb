"""What an attacker (or a broken client) sends to the organisers' newer pages: garbage,
oversized or non-UTF-8 cookies, odd Host and X-Forwarded-* headers, and bad input in every
field of the CSV invitation upload, the bulk review, the outbox, the check-in desk and the
confirmation pages. Each gets a clear 4xx or the form again with the field's message, never
a server error (the test client raises any), and nothing is half-written."""

import logging
import re
from urllib.parse import quote

import pytest
from sqlmodel import func, select

from app.audit.models import AuditEntry
from app.auth.access import LOGIN_COOKIE
from app.badges import service as badges_service
from app.delegations.models import Delegation, Participant
from app.mail.models import OutboxMessage
from app.web.csrf import CSRF_COOKIE
from app.web.flash import FLASH_COOKIE
from tests.factories import (
    extract_csrf,
    make_delegation,
    make_edition,
    make_participant,
    open_registration,
    sign_in,
)

GARBAGE_COOKIES = [
    "garbage",
    "",
    "a" * 8000,
    "eyJtIjoiU2F2ZWQuIn0.forged",
    '"quoted;value"',
    "%FF%FE%00",
]  # non-ASCII bytes: test_non_utf8_bytes_in_cookies_are_ignored
ODD_HOSTS = [
    "evil.example",
    "evil.example:99999",
    "[::1",
    "a b",
    "x" * 1000,
    "127.0.0.1:0",
    "localhost:notaport",
]
FORWARDED = {
    "x-forwarded-for": "not-an-address, 999.1.1.1, ::::",
    "x-forwarded-proto": "javascript",
    "x-forwarded-host": "evil.example",
    "x-forwarded-port": "-1",
    "forwarded": "for=unknown;proto=gopher",
}
# Every form below is also posted with its ids, numbers and choices of the wrong kind.
ODD_NUMBERS = ["²", "١٢", "-1", "0", "9999999999", "1e3", " 7", "\x00", "9" * 40]


EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PRIVATE_LINK = re.compile(r"/register/[A-Za-z0-9_-]{20,}")
NAMES = ("Amina", "Otieno", "Awa", "Diop", "Aïssata")


@pytest.fixture(autouse=True)
def quiet_log(caplog):  # noqa: ANN001, ANN201
    """What the application logs of all this: no traceback (every answer is a client error),
    no address, private link or name."""
    caplog.set_level(logging.DEBUG)
    yield
    lines = [
        f"{record.name} {record.getMessage()} {record.exc_text or ''}"
        for record in caplog.records
        if not record.name.startswith(("httpx", "httpcore"))
    ]
    assert [r.getMessage() for r in caplog.records if r.exc_info or r.exc_text] == []
    assert [line for line in lines if EMAIL.search(line)] == []
    assert [line for line in lines if PRIVATE_LINK.search(line)] == []
    assert [line for line in lines if any(name in line for name in NAMES)] == []


@pytest.fixture
def desk(client, db_session):  # noqa: ANN001, ANN201
    """A signed-in organiser, an edition with two delegations, an accredited person in each,
    one of them checked in, and the invitations in the outbox."""
    sign_in(client, db_session)
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    kenya, _ = make_delegation(db_session, edition, code="KEN", email="focal@ken.example")
    senegal, _ = make_delegation(db_session, edition, code="SEN", email="focal@sen.example")
    amina = make_participant(db_session, edition, kenya, given_name="Amina", family_name="Otieno")
    make_participant(db_session, edition, senegal, given_name="Awa", family_name="Diop")
    base = f"/admin/editions/{edition.slug}"
    token = extract_csrf(client.get(f"{base}/check-in").text)
    client.post(
        f"{base}/check-in", data={"csrf_token": token, "code": badges_service.badge_code(amina)}
    )
    return {"edition": edition, "base": base, "token": token, "kenya": kenya, "amina": amina}


def _stored(db_session) -> tuple[int, ...]:  # noqa: ANN001
    """Rows a half-done write would leave behind."""
    return tuple(
        db_session.exec(select(func.count()).select_from(model)).one()
        for model in (Delegation, Participant, AuditEntry, OutboxMessage)
    )


def _no_server_error(response) -> None:  # noqa: ANN001
    assert 400 <= response.status_code < 500 or response.status_code in (200, 303), (
        response.status_code,
        response.text[:300],
    )


def _pages(desk: dict) -> list[str]:
    base = desk["base"]
    return [
        f"{base}/delegations",
        f"{base}/delegations/{desk['kenya'].id}",
        f"{base}/outbox",
        f"{base}/check-in?q=otieno",
        f"{base}/badges",
    ]


@pytest.mark.parametrize("value", GARBAGE_COOKIES)
def test_garbage_flash_and_csrf_cookies_leave_the_pages_working(client, desk, value) -> None:
    client.cookies.set(FLASH_COOKIE, value)
    client.cookies.set(CSRF_COOKIE, value)
    for path in _pages(desk):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert 'role="status"' not in response.text.split("<main", 1)[1][:400]  # no message


@pytest.mark.parametrize("value", GARBAGE_COOKIES)
def test_a_garbage_login_cookie_is_sent_to_sign_in(client, desk, value) -> None:
    client.cookies.clear()
    client.cookies.set(LOGIN_COOKIE, value)
    for path in _pages(desk):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and "/admin/sign-in" in response.headers["location"]
    posted = client.post(
        f"{desk['base']}/check-in", data={"csrf_token": desk["token"]}, follow_redirects=False
    )
    assert posted.status_code in (303, 403)


def test_non_utf8_bytes_in_cookies_are_ignored(client, desk, db_session) -> None:
    raw = b"mp_flash=\xff\xfe\x80; mp_csrf=\xc3\x28; lang=\xe9\xe9"
    for path in _pages(desk):
        response = client.get(path, headers=[(b"cookie", raw)])
        assert response.status_code in (200, 303), path
    before = _stored(db_session)
    response = client.post(
        "/admin/sign-in",
        headers=[(b"cookie", raw), (b"content-type", b"application/x-www-form-urlencoded")],
        content=b"email=a%40b.example&password=x&csrf_token=%FF%FE",
    )
    assert response.status_code == 403 and "This form has expired" in response.text
    assert _stored(db_session) == before


@pytest.mark.parametrize("submitted", ["é", "%C3%A9" * 40, "\u0000", "ab" * 5000])
def test_a_forged_csrf_token_of_any_characters_is_refused(client, desk, submitted) -> None:
    response = client.post(f"{desk['base']}/check-in", data={"csrf_token": submitted, "code": "X"})
    assert response.status_code == 403 and "This form has expired" in response.text


@pytest.mark.parametrize("host", ODD_HOSTS)
def test_odd_host_and_forwarded_headers_get_a_page_or_a_4xx(client, desk, host) -> None:
    for path in [*_pages(desk), "/", "/api/v1/editions", "/admin/sign-in"]:
        response = client.get(path, headers={"host": host, **FORWARDED})
        _no_server_error(response)
        assert "evil.example" not in response.headers.get("location", "")


def test_a_forged_flash_message_is_never_shown(client, desk) -> None:
    from itsdangerous import URLSafeSerializer

    forged = URLSafeSerializer("not the secret", salt="flash").dumps({"m": "Pwned {x}"})
    client.cookies.set(FLASH_COOKIE, forged)
    assert "Pwned" not in client.get(f"{desk['base']}/delegations").text


# ---- The CSV of focal points ---------------------------------------------------------------

BAD_FILES = {
    "empty": (b"", "Choose a CSV file."),
    "blank lines": (b"\n\n \n", "The file holds no focal point."),
    "latin-1": ("KEN,Aïssata,a@b.example,fr\n".encode("latin-1"), "Save the file as CSV in UTF-8."),
    "utf-16": ("KEN,A,a@b.example,fr\n".encode("utf-16"), "Save the file as CSV in UTF-8."),
    "huge": (b"KEN,A,a@b.example,fr\n" * 20_000, "The file is too large"),
    "one huge cell": (b'KEN,"' + b"A" * 150_000 + b'",a@b.example,fr\n', None),
    "nul bytes": (b"KEN,A\x00B,a@b.example,fr\n", None),
    "binary": (bytes(range(256)) * 4, None),
    "unclosed quote": (b'KEN,"Amina,a@b.example,fr\n', None),
    "formula": (b"=cmd|' /C calc'!A0,Amina,a@b.example,fr\n", None),
    "formula name": (b'KEN,=HYPERLINK("http://evil.example"),a@b.example,fr\n', None),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_csv_of_focal_points_is_refused_and_nothing_is_invited(
    client, db_session, desk, case
) -> None:
    content, message = BAD_FILES[case]
    before = _stored(db_session)
    response = client.post(
        f"{desk['base']}/delegations/import",
        data={"csrf_token": desk["token"]},
        files={"file": ("focal-points.csv", content, "text/csv")},
    )
    assert response.status_code == 422, (case, response.status_code, response.text[:300])
    if message:
        assert message in response.text
    assert _stored(db_session) == before


def test_a_csv_field_sent_as_text_or_twice_is_refused(client, db_session, desk) -> None:
    before = _stored(db_session)
    url = f"{desk['base']}/delegations/import"
    as_text = client.post(url, data={"csrf_token": desk["token"], "file": "KEN,A,a@b.example"})
    assert as_text.status_code == 422 and "file" in as_text.text
    assert _stored(db_session) == before


# ---- Bulk review, the outbox, the desk and the confirmations -------------------------------


@pytest.mark.parametrize("number", ODD_NUMBERS)
def test_odd_ids_and_choices_on_the_review_forms_are_refused(
    client, db_session, desk, number
) -> None:
    base, token = desk["base"], desk["token"]
    before = _stored(db_session)
    in_path = quote(number)
    posts = [
        (f"{base}/delegations/bulk", {"delegation_ids": number, "action": "confirm"}),
        (f"{base}/delegations/bulk", {"scope": number, "action": number, "status": number}),
        (
            f"{base}/delegations/{desk['kenya'].id}/review",
            {"participant_ids": number, "status": "accredited"},
        ),
        (
            f"{base}/delegations/{desk['kenya'].id}/review",
            {"participant_ids": str(desk["amina"].id), "status": number},
        ),
        (f"{base}/delegations/{desk['kenya'].id}/quota", {"quota_override": number + "x"}),
        (f"{base}/delegations/links.csv", {"link": f"{number}:abcdef"}),
        (f"{base}/requests/{in_path}", {"decision": "approve"}),
        (f"{base}/outbox/{in_path}/resend", {}),
        (f"{base}/check-in/{in_path}", {}),
        (f"{base}/check-in/{in_path}/undo", {"reason": "Wrong person"}),
        (f"{base}/badges/{in_path}/reissue", {"confirm": "yes"}),
        (f"{base}/check-in", {"code": number}),
    ]
    for path, data in posts:
        response = client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)
        assert 400 <= response.status_code < 500 or path.endswith(("bulk", "links.csv")), (
            path,
            data,
            response.status_code,
        )
    for path in (f"{base}/outbox/{in_path}", f"{base}/check-in?arrived={in_path}"):
        _no_server_error(client.get(path))
    assert _stored(db_session)[:2] == before[:2]
    assert _stored(db_session)[3] == before[3]


def test_wrong_values_on_the_desk_and_the_confirmations_are_4xx(client, db_session, desk) -> None:
    base, token, amina = desk["base"], desk["token"], desk["amina"]
    before = _stored(db_session)
    cases = [
        (f"{base}/check-in/{amina.id}/undo", {"reason": "x" * 5000}),
        (f"{base}/check-in", {"code": "é" * 26}),
        (f"{base}/check-in", {"code": "A" * 100_000}),
        (f"{base}/badges/{amina.id}/reissue", {"confirm": "yes" * 50}),
        (f"{base}/delegations/{desk['kenya'].id}/status", {"status": "exploded"}),
        (
            f"{base}/delegations/{desk['kenya'].id}/focal-point",
            {"focal_point_email": "not an address", "focal_point_language": "klingon"},
        ),
    ]
    for path, data in cases:
        response = client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)
        assert 400 <= response.status_code < 500, (path, response.status_code)
    assert client.get(f"{base}/check-in?q={'x' * 500}").status_code == 422
    # A confirmation posted with a value other than "yes": asked again, nothing done.
    link = f"{base}/delegations/{desk['kenya'].id}/link"
    asked = client.post(link, data={"confirm": ["yes", "no"], "csrf_token": token})
    assert asked.status_code == 200 and "Issue a new private link?" in asked.text
    db_session.refresh(amina)
    assert amina.checked_in_at is not None and amina.badge_serial == 1
    assert _stored(db_session) == before


def test_a_content_length_of_other_digits_is_not_a_server_error(client, desk) -> None:
    """ "²" is a digit to ``str.isdigit`` but not to ``int``."""
    response = client.post(
        f"{desk['base']}/check-in",
        headers=[
            (b"content-length", b"\xb2"),
            (b"content-type", b"application/x-www-form-urlencoded"),
        ],
    )
    _no_server_error(response)


@pytest.mark.parametrize("editing", ["²", "9" * 40, "-3"])
def test_a_focal_point_editing_an_odd_member_id_gets_the_form(client, db_session, editing) -> None:
    """The member being corrected is carried in a hidden field: any other value is none."""
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    _delegation, link = make_delegation(db_session, edition, code="KEN")
    form = client.get(f"/register/{link}")
    details = {"focal_point_name": "Aïssata Diallo", "focal_point_email": "a@sen.example"}
    response = client.post(
        f"/register/{link}/details",
        data={"csrf_token": extract_csrf(form.text), "editing": editing, **details},
    )
    assert response.status_code == 200 and "Aïssata Diallo" in response.text
