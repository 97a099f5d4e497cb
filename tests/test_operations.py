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
    assert Settings(environment="production", secret_key="x" * 40).secret_key == "x" * 40


def test_security_headers_are_set(client) -> None:
    headers = client.get("/").headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
