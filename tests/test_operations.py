"""Health checks and settings."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlmodel import Session

from app import migrate
from app.config import DEVELOPMENT_SECRET, Settings
from app.db import build_engine, get_db_session
from app.main import create_app
from tests.database import scratch_database

READY = {"status": "ok", "database": "ok", "migrations": "ok"}


@contextmanager
def client_on(database_url: str) -> Iterator[TestClient]:
    """A client of the app served from the database at ``database_url``."""
    engine = build_engine(database_url)
    application = create_app()

    def _db_session() -> Iterator[Session]:
        with Session(engine, expire_on_commit=False) as db_session:
            yield db_session

    application.dependency_overrides[get_db_session] = _db_session
    try:
        with TestClient(application) as test_client:
            yield test_client
    finally:
        engine.dispose()


def test_live_and_ready_on_a_database_at_the_latest_migration(client) -> None:
    assert client.get("/livez").json() == {"status": "ok"}
    assert client.get("/readyz").json() == READY
    # /healthz, which the compose file and older probes call, is readiness.
    assert client.get("/healthz").json() == READY
    for path in ("/livez", "/readyz", "/healthz"):
        refused = client.post(path)
        assert refused.status_code == 405 and refused.json() == {"detail": "Method Not Allowed"}


def test_a_readiness_probe_logs_nothing_but_its_request(client, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    assert client.get("/readyz").status_code == 200
    logged = {record.name for record in caplog.records} - {"marrakech.requests", "httpx"}
    assert logged == set()


def test_not_ready_while_the_database_is_behind_the_migrations() -> None:
    with scratch_database() as url:
        migrate.upgrade(url)
        migrate.downgrade(url, "-1")
        head = migrate.head_revisions()
        with client_on(url) as test_client:
            live = test_client.get("/livez")
            ready = test_client.get("/readyz")
            health = test_client.get("/healthz")
            assert live.status_code == 200 and live.json() == {"status": "ok"}
            assert ready.status_code == 503 and health.status_code == 503
            body = ready.json()
            assert body["status"] == "error" and body["migrations"] == "behind"
            assert body["database"] == "ok" and health.json() == body
            assert "pending" in body["reason"] and ", ".join(sorted(head)) in body["reason"]
            migrate.upgrade(url)
            after = test_client.get("/readyz")
            assert after.status_code == 200 and after.json() == READY


def test_not_ready_on_an_empty_database() -> None:
    with scratch_database() as url, client_on(url) as test_client:
        ready = test_client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["migrations"] == "behind"
        assert "no migration" in ready.json()["reason"]


def test_not_ready_but_alive_when_the_database_is_unreachable() -> None:
    nothing_listens = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"
    with client_on(nothing_listens) as test_client:
        assert test_client.get("/livez").json() == {"status": "ok"}
        ready = test_client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["database"] == "unreachable" and ready.json()["status"] == "error"
        assert test_client.get("/healthz").status_code == 503


def test_production_refuses_the_development_secret() -> None:
    with pytest.raises(ValidationError, match="MARRAKECH_SECRET_KEY"):
        Settings(environment="production", secret_key=DEVELOPMENT_SECRET)
    public = {"base_url": "https://marrakech.example", "allowed_hosts": "marrakech.example"}
    settings = Settings(
        environment="production", secret_key="x" * 40, secure_cookies=True, **public
    )
    assert settings.secret_key == "x" * 40


def test_production_needs_the_base_url_and_allowed_hosts(monkeypatch) -> None:
    monkeypatch.delenv("MARRAKECH_BASE_URL", raising=False)
    with pytest.raises(ValidationError, match="MARRAKECH_BASE_URL"):
        Settings(
            environment="production",
            secret_key="x" * 40,
            secure_cookies=True,
            allowed_hosts="a.example",
        )
    with pytest.raises(ValidationError, match="MARRAKECH_ALLOWED_HOSTS"):
        Settings(
            environment="production",
            secret_key="x" * 40,
            secure_cookies=True,
            base_url="https://a.example",
        )
    with pytest.raises(ValidationError, match="MARRAKECH_BASE_URL"):
        Settings(base_url="marrakech.example")
    development = Settings(environment="development", base_url="http://127.0.0.1:8101/")
    assert development.trusted_hosts == ["127.0.0.1", "localhost"]
    assert development.public_origin == "http://127.0.0.1:8101"


def test_production_refuses_to_start_without_secure_cookies(monkeypatch) -> None:
    public = {"base_url": "https://marrakech.example", "allowed_hosts": "marrakech.example"}
    for name in ("MARRAKECH_SECURE_COOKIES", "MARRAKECH_ALLOW_INSECURE_COOKIES"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ValidationError, match="MARRAKECH_SECURE_COOKIES=true is required"):
        Settings(environment="production", secret_key="x" * 40, **public)
    with pytest.raises(ValidationError, match="MARRAKECH_ALLOW_INSECURE_COOKIES=true"):
        Settings(environment="production", secret_key="x" * 40, **public)
    monkeypatch.setenv("MARRAKECH_ALLOW_INSECURE_COOKIES", "true")
    allowed = Settings(environment="production", secret_key="x" * 40, **public)
    assert allowed.secure_cookies is False  # a test deployment without TLS, said explicitly
    monkeypatch.delenv("MARRAKECH_ALLOW_INSECURE_COOKIES")
    monkeypatch.setenv("MARRAKECH_SECURE_COOKIES", "true")
    assert Settings(environment="production", secret_key="x" * 40, **public).secure_cookies is True


def test_the_documented_deployment_serves_with_secure_cookies() -> None:
    from app.config import ROOT_DIR

    assert "MARRAKECH_SECURE_COOKIES=true" in (ROOT_DIR / "Dockerfile").read_text()


def test_security_headers_are_set(client) -> None:
    headers = client.get("/").headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"


def test_a_request_body_over_the_limit_is_refused_with_413(client, db_session) -> None:
    from tests.factories import auth_headers

    headers = {**auth_headers(db_session), "Content-Type": "application/json"}
    huge = b'{"title_en": "' + b"x" * (5 * 1024 * 1024) + b'"}'
    declared = client.post("/api/v1/editions", content=huge, headers=headers)
    assert declared.status_code == 413
    assert "too large" in declared.json()["detail"] and "4 MB" in declared.json()["detail"]

    def chunks():  # no Content-Length: the size is counted as the body arrives
        yield b'{"title_en": "'
        for _ in range(6):
            yield b"x" * (1024 * 1024)
        yield b'"}'

    streamed = client.post("/api/v1/editions", content=chunks(), headers=headers)
    assert streamed.status_code == 413
    french = client.post("/api/v1/editions?lang=fr", content=huge, headers=headers)
    assert french.status_code == 413 and "trop volumineuse" in french.json()["detail"]


def test_sqlite_commits_reach_the_disk_before_they_are_acknowledged(tmp_path) -> None:
    from sqlalchemy import text

    from app.db import build_engine

    engine = build_engine(f"sqlite:///{tmp_path / 'durable.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar_one() == 2  # FULL
        assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
    engine.dispose()


def test_probes_arriving_together_share_one_readiness_check() -> None:
    """A storm of probes costs the database one check at a time, not one a probe."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    import httpx
    from sqlalchemy import event

    with scratch_database() as url:
        migrate.upgrade(url)
        engine = build_engine(url)
        checkouts = []
        event.listen(engine.pool, "checkout", lambda *_: checkouts.append(1))
        application = create_app()

        async def _db_session() -> Iterator[Session]:
            with Session(engine, expire_on_commit=False) as db_session:
                yield db_session

        application.dependency_overrides[get_db_session] = _db_session

        async def probes() -> list[httpx.Response]:
            transport = httpx.ASGITransport(app=application)
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
                return await asyncio.gather(*(c.get(p) for p in ["/healthz", "/readyz"] * 10))

        def in_own_loop() -> list[httpx.Response]:
            # A thread of its own: the browser tests' Playwright keeps an event loop marked
            # as running in the main thread of the same test process.
            with ThreadPoolExecutor(1) as thread:
                return thread.submit(asyncio.run, probes()).result()

        try:
            answers = in_own_loop()
            assert [a.json() for a in answers] == [READY] * 20
            assert 1 <= len(checkouts) < 20
            checkouts.clear()
            assert in_own_loop()[0].json() == READY  # a later probe checks again
            assert checkouts
        finally:
            engine.dispose()
