"""The sign-in throttle: five failures lock an account and address pair, twenty lock a
spraying address, a correct password from elsewhere always works, forwarded headers are
believed only from MARRAKECH_TRUSTED_PROXIES, and the count holds under parallel tries."""

import os
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import httpx
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.audit.service import SYSTEM
from app.auth import service as auth_service
from app.auth.models import LoginAttempt, Role
from app.config import get_settings
from app.db import build_engine, is_sqlite
from app.errors import DomainError
from tests.cli_helpers import MARRAKECH, migrated_database
from tests.factories import PASSWORD, extract_csrf, free_port, make_account

LOCKED = "Too many failed sign-in attempts. Try again in "  # then 15 minutes or fewer
WRONG = "The email or the password is not correct."


@contextmanager
def _client_at(app, address: str) -> Iterator[TestClient]:  # noqa: ANN001
    with TestClient(app, base_url="http://testserver", client=(address, 50000)) as client:
        yield client


def _try(client: TestClient, email: str, password: str, **headers: str) -> httpx.Response:
    token = extract_csrf(client.get("/admin/sign-in").text)
    return client.post(
        "/admin/sign-in",
        data={"email": email, "password": password, "csrf_token": token},
        headers=headers,
        follow_redirects=False,
    )


def test_four_failures_then_the_right_password_signs_in(app, db_session) -> None:
    account = make_account(db_session)
    with _client_at(app, "192.0.2.10") as client:
        for _ in range(4):
            assert WRONG in _try(client, account.email, "wrong").text
        signed_in = _try(client, account.email, PASSWORD)
        assert signed_in.status_code == 303 and signed_in.headers["location"] == "/admin"
        # The pair starts afresh after a success.
        for _ in range(4):
            assert _try(client, account.email, "wrong").status_code == 401
        assert _try(client, account.email, PASSWORD).status_code == 303


def test_five_failures_lock_the_pair_but_never_the_account_from_another_address(
    app, db_session
) -> None:
    account = make_account(db_session)
    with _client_at(app, "192.0.2.20") as attacker:
        for _ in range(5):
            assert _try(attacker, account.email, "wrong").status_code == 401
        locked = _try(attacker, account.email, PASSWORD)
        assert locked.status_code == 429 and LOCKED in locked.text
        minutes = int(locked.text.split(LOCKED, 1)[1].split(" ", 1)[0])
        assert 1 <= minutes <= 15  # counted from the oldest failure
        # Another account from the same address is not locked by this pair.
        other = make_account(db_session)
        assert _try(attacker, other.email, PASSWORD).status_code == 303
    with _client_at(app, "198.51.100.7") as organiser:
        signed_in = _try(organiser, account.email, PASSWORD)
        assert signed_in.status_code == 303


def test_an_address_spraying_many_accounts_is_stopped_after_twenty_failures(
    app, db_session
) -> None:
    accounts = [make_account(db_session) for _ in range(3)]
    with _client_at(app, "203.0.113.9") as sprayer:
        for index in range(20):
            response = _try(sprayer, f"guess{index}@unoct.example", "Password1234!")
            assert response.status_code == 401
        for account in accounts:  # even a correct password waits from this address
            assert LOCKED in _try(sprayer, account.email, PASSWORD).text
    with _client_at(app, "198.51.100.8") as organiser:
        assert _try(organiser, accounts[0].email, PASSWORD).status_code == 303


def test_forwarded_headers_are_believed_only_from_a_trusted_proxy(
    app, db_session, monkeypatch
) -> None:
    account = make_account(db_session)
    with _client_at(app, "127.0.0.1") as local:
        # No trusted proxy: the socket peer is the client, whatever the header says.
        for index in range(5):
            response = _try(local, account.email, "wrong", **{"X-Forwarded-For": f"10.9.0.{index}"})
            assert response.status_code == 401
        spoofed = _try(local, account.email, PASSWORD, **{"X-Forwarded-For": "10.9.9.9"})
        assert spoofed.status_code == 429
    monkeypatch.setattr(get_settings(), "trusted_proxies", ["10.0.0.0/24"])
    with _client_at(app, "10.0.0.2") as proxy:
        # Behind the proxy each client is its own address: the rightmost untrusted hop (what
        # a client writes on the left is not believed).
        for _ in range(5):
            attack = _try(
                proxy, account.email, "wrong", **{"X-Forwarded-For": "198.51.100.9, 203.0.113.5"}
            )
            assert attack.status_code == 401
        blocked = _try(
            proxy, account.email, PASSWORD, **{"X-Forwarded-For": "198.51.100.10, 203.0.113.5"}
        )
        assert blocked.status_code == 429
        elsewhere = _try(
            proxy, account.email, PASSWORD, **{"X-Forwarded-For": "203.0.113.5, 192.0.2.44"}
        )
        assert elsewhere.status_code == 303


def test_the_throttle_stores_no_email_or_address(app, db_session) -> None:
    account = make_account(db_session)
    with _client_at(app, "192.0.2.33") as client:
        _try(client, account.email, "wrong")
    stored = " ".join(row.key_hash for row in db_session.exec(select(LoginAttempt)))
    assert stored and account.email not in stored and "192.0.2.33" not in stored


@contextmanager
def _marrakech_serve(url: str, var_dir) -> Iterator[str]:  # noqa: ANN001
    """``marrakech serve`` as deployed (no trusted proxy configured)."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "MARRAKECH_ENVIRONMENT": "development",
        "MARRAKECH_VAR_DIR": str(var_dir),
    }
    env.pop("MARRAKECH_TRUSTED_PROXIES", None)
    process = subprocess.Popen(
        [MARRAKECH, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240  # a busy machine imports slowly
        while True:
            try:
                if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, "the server did not start"
            assert time.monotonic() < deadline, "the server did not answer in time"
            time.sleep(0.2)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=60)


def _account(url: str) -> str:
    engine = build_engine(url)
    with Session(engine, expire_on_commit=False) as db_session:
        account = auth_service.create_account(
            db_session,
            email="target@unoct.example",
            password=PASSWORD,
            role=Role.admin,
            actor=SYSTEM,
        )
    engine.dispose()
    return account.email


def test_marrakech_serve_ignores_forwarded_headers_from_an_untrusted_peer(tmp_path) -> None:
    """Served as deployed, behind no configured proxy: a client at 127.0.0.1 claiming a new
    address in X-Forwarded-For on each try is still one address (uvicorn's own handling
    would have believed it)."""
    with migrated_database() as url:
        email = _account(url)
        with (
            _marrakech_serve(url, tmp_path) as base_url,
            httpx.Client(base_url=base_url, timeout=120) as http,
        ):
            token = extract_csrf(http.get("/admin/sign-in").text)

            def sign_in(password: str, forwarded: str) -> httpx.Response:
                return http.post(
                    "/admin/sign-in",
                    data={"email": email, "password": password, "csrf_token": token},
                    headers={"X-Forwarded-For": forwarded},
                )

            answers = [sign_in("wrong", f"10.1.{index}.1").status_code for index in range(5)]
            locked = sign_in(PASSWORD, "10.1.9.1")
    assert answers == [401] * 5
    assert locked.status_code == 429 and LOCKED in locked.text


def test_forty_wrong_passwords_at_once_are_checked_exactly_five_times() -> None:
    """Forty tries at the same moment for one account from one address, each in its own
    thread and unit of work on a real database (SQLite, or PostgreSQL with
    TEST_DATABASE_URL): five are checked against the password, the others refused."""
    tries = 40
    with migrated_database() as url:
        email = _account(url)
        engine = build_engine(url, **({} if is_sqlite(url) else {"pool_size": tries}))
        barrier = threading.Barrier(tries)

        def attempt(_: int) -> str:
            with Session(engine, expire_on_commit=False) as db_session:
                barrier.wait()
                try:
                    auth_service.authenticate(
                        db_session, email=email, password="wrong", client_address="192.0.2.99"
                    )
                except DomainError as error:
                    return type(error).__name__
            return "signed in"

        with ThreadPoolExecutor(max_workers=tries) as pool:
            answers = Counter(pool.map(attempt, range(tries)))
        with Session(engine) as db_session:
            recorded = len(db_session.exec(select(LoginAttempt)).all())
        engine.dispose()
    # NotAuthenticated: the password was checked; TooManyAttempts: refused before.
    assert answers == {"NotAuthenticated": 5, "TooManyAttempts": tries - 5}
    assert recorded == 10  # five failures, each under the pair and under the address
