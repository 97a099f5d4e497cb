"""The migrations build the schema the models describe, and undo it, on each database."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

import app.models  # noqa: F401
from app import migrate
from app.db import build_engine, metadata
from tests.database import scratch_database


def test_upgrade_downgrade_upgrade_from_empty() -> None:
    with scratch_database() as url:
        migrate.upgrade(url)
        engine = build_engine(url)
        tables = set(inspect(engine).get_table_names())
        assert set(metadata.tables) <= tables
        migrate.downgrade(url, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        migrate.upgrade(url)
        assert set(metadata.tables) <= set(inspect(engine).get_table_names())
        engine.dispose()


def test_models_and_migrations_do_not_drift(database_url: str) -> None:
    engine = build_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    engine.dispose()
    assert differences == []
