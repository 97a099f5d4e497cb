"""Health check and settings."""

import pytest
from pydantic import ValidationError

from app.config import DEVELOPMENT_SECRET, Settings


def test_health_reports_the_database(client) -> None:
    response = client.get("/healthz")
    assert response.json() == {"status": "ok", "database": "ok"}


def test_production_refuses_the_development_secret() -> None:
    with pytest.raises(ValidationError, match="MARRAKECH_SECRET_KEY"):
        Settings(environment="production", secret_key=DEVELOPMENT_SECRET)
    settings = Settings(environment="production", secret_key="x" * 40, secure_cookies=True)
    assert settings.secret_key == "x" * 40


def test_production_refuses_to_start_without_secure_cookies(monkeypatch) -> None:
    for name in ("MARRAKECH_SECURE_COOKIES", "MARRAKECH_ALLOW_INSECURE_COOKIES"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ValidationError, match="MARRAKECH_SECURE_COOKIES=true is required"):
        Settings(environment="production", secret_key="x" * 40)
    with pytest.raises(ValidationError, match="MARRAKECH_ALLOW_INSECURE_COOKIES=true"):
        Settings(environment="production", secret_key="x" * 40)
    monkeypatch.setenv("MARRAKECH_ALLOW_INSECURE_COOKIES", "true")
    allowed = Settings(environment="production", secret_key="x" * 40)
    assert allowed.secure_cookies is False  # a test deployment without TLS, said explicitly
    monkeypatch.delenv("MARRAKECH_ALLOW_INSECURE_COOKIES")
    monkeypatch.setenv("MARRAKECH_SECURE_COOKIES", "true")
    assert Settings(environment="production", secret_key="x" * 40).secure_cookies is True


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
