"""Nothing personal in the log: the organisers' year walked end to end (tests/test_journeys.py)
with every logger of the application at DEBUG leaves no email, name or private link in any
line, and the database engine never prints bound values (names, emails, audit records), in
its statement log or in its errors. The served application under a burst of writes is
checked the same way in tests/test_write_burst.py (its output, uvicorn's access log
included)."""

import logging
import re

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app.db import build_engine
from tests.test_journeys import test_the_organisers_year_from_cloning_to_the_purge as walk

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PRIVATE_LINK = re.compile(r"/register/[A-Za-z0-9_-]{20,}")
# The people of the journey, as they typed their names.
NAMES = ("Amina", "Odhiambo", "Otieno", "Mwangi", "Wanjiru", "Kamau", "محمد", "العلمي")
# The test's own HTTP client logs the URLs it asks for: that is not the application's log.
CLIENT_LOGGERS = ("httpx", "httpcore")


def test_the_organisers_year_logs_no_personal_data(
    app, client, db_session, tmp_path, monkeypatch, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    try:
        walk(app, client, db_session, tmp_path, monkeypatch)
    finally:
        lines = [
            f"{record.name} {record.getMessage()} {record.exc_text or ''}"
            for record in caplog.records
            if not record.name.startswith(CLIENT_LOGGERS)
        ]
        assert any(line.startswith("marrakech.requests") for line in lines)
        assert [line for line in lines if EMAIL.search(line)] == []
        assert [line for line in lines if PRIVATE_LINK.search(line)] == []
        assert [line for line in lines if any(name in line for name in NAMES)] == []


def test_database_errors_are_logged_without_the_values(database_url, app, caplog) -> None:
    """Statements are logged without their bound values; an unexpected database error (a
    500) is logged without the values PostgreSQL quotes in its DETAIL line."""
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    engine = build_engine(database_url)
    values = {"email": "PIIMARK.duplicate@agency.example"}
    with pytest.raises(IntegrityError) as refused, engine.connect() as connection:
        connection.execute(text("CREATE TEMPORARY TABLE marked (email VARCHAR(100) UNIQUE)"))
        for _ in range(2):
            connection.execute(text("INSERT INTO marked (email) VALUES (:email)"), values)
    engine.dispose()
    # As uvicorn logs an exception raised by a request (the app installed the scrubber).
    logging.getLogger("uvicorn.error").error(
        "Exception in ASGI application", exc_info=refused.value
    )
    assert "INSERT INTO marked" in caplog.text  # the statement is logged, not its values
    assert "IntegrityError" in caplog.text
    assert "PIIMARK" not in caplog.text
