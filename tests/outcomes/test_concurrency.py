"""Organisers creating statements at the same moment, with real commits on a real database
(SQLite, or PostgreSQL with TEST_DATABASE_URL): each gets the next free symbol, none a 409."""

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app import migrate
from app.audit.service import COMMAND_LINE
from app.db import build_engine, is_sqlite, writer
from app.editions.models import Edition
from app.outcomes import service as outcomes_service
from app.outcomes.models import OutcomeKind, OutcomeStatement
from app.outcomes.schemas import OutcomeCreate
from tests.database import scratch_database
from tests.served_app import add_open_edition

AT_ONCE = 8


@pytest.fixture(scope="module")
def real_engine() -> Iterator[Engine]:
    with scratch_database() as url:
        migrate.upgrade(url)
        options = {} if is_sqlite(url) else {"pool_size": AT_ONCE, "max_overflow": 2}
        engine = build_engine(url, **options)
        yield engine
        engine.dispose()


def _create(engine: Engine, barrier: threading.Barrier, edition_id: int, serial: int) -> str:
    barrier.wait()
    with Session(writer(engine), expire_on_commit=False) as db_session:
        edition = db_session.get(Edition, edition_id)
        statement = outcomes_service.create_statement(
            db_session,
            edition=edition,
            statement_in=OutcomeCreate(kind=OutcomeKind.declaration, title_en=f"Text {serial}"),
            actor=COMMAND_LINE,
        )
        return statement.symbol


def test_statements_created_at_once_each_get_the_next_free_symbol(real_engine) -> None:
    with Session(real_engine, expire_on_commit=False) as db_session:
        edition = add_open_edition(db_session, slug="symbols", title="Symbols", quota=5)
    barrier = threading.Barrier(AT_ONCE)
    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        futures = [
            pool.submit(_create, real_engine, barrier, edition.id, serial)
            for serial in range(AT_ONCE)
        ]
        symbols = [future.result() for future in futures]  # a 409 would raise here
    assert sorted(symbols) == sorted(f"MP/2027/{n}" for n in range(1, AT_ONCE + 1))
    with Session(real_engine) as db_session:
        stored = db_session.exec(select(OutcomeStatement.symbol)).all()
    assert sorted(stored) == sorted(symbols)
