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
    public = {"base_url": "https://marrakech.example", "allowed_hosts": "marrakech.example"}
    settings = Settings(environment="production", secret_key="x" * 40, **public)
    assert settings.secret_key == "x" * 40


def test_production_needs_the_base_url_and_allowed_hosts(monkeypatch) -> None:
    monkeypatch.delenv("MARRAKECH_BASE_URL", raising=False)
    with pytest.raises(ValidationError, match="MARRAKECH_BASE_URL"):
        Settings(environment="production", secret_key="x" * 40, allowed_hosts="a.example")
    with pytest.raises(ValidationError, match="MARRAKECH_ALLOWED_HOSTS"):
        Settings(environment="production", secret_key="x" * 40, base_url="https://a.example")
    with pytest.raises(ValidationError, match="MARRAKECH_BASE_URL"):
        Settings(base_url="marrakech.example")
    development = Settings(environment="development", base_url="http://127.0.0.1:8101/")
    assert development.trusted_hosts == ["127.0.0.1", "localhost"]
    assert development.public_origin == "http://127.0.0.1:8101"


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
