"""Throwaway databases for the tests: a temporary SQLite file, or a fresh PostgreSQL
database on the server named by ``TEST_DATABASE_URL``."""

import os
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def configured_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL") or None


@contextmanager
def scratch_database(base_url: str | None = None) -> Iterator[str]:
    """Yield the URL of a new empty database, removed afterwards."""
    base_url = base_url if base_url is not None else configured_url()
    if not base_url or make_url(base_url).get_backend_name() == "sqlite":
        with tempfile.TemporaryDirectory(prefix="marrakech-test-") as folder:
            yield f"sqlite:///{Path(folder) / 'test.db'}"
        return
    url = make_url(base_url)
    name = f"{url.database or 'marrakech'}_{secrets.token_hex(4)}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"
                ),
                {"name": name},
            )
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()
