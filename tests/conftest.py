"""Test fixtures: one migrated and seeded database per run (SQLite by default, PostgreSQL
with TEST_DATABASE_URL), each test inside a transaction that is rolled back."""

import os
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

warnings.filterwarnings("ignore", message=".*httpx.*starlette.testclient.*")
os.environ.setdefault("MARRAKECH_ENVIRONMENT", "test")
os.environ.setdefault("MARRAKECH_BASE_URL", "http://testserver")  # TestClient's address
# Outbox .eml files and uploads written during the tests stay out of the working tree.
os.environ.setdefault("MARRAKECH_VAR_DIR", tempfile.mkdtemp(prefix="marrakech-test-var-"))
# Published PDFs are rendered on demand here: a background thread would write outside the
# test's transaction. tests/agenda/test_pdf_background.py serves the app to test it.
os.environ.setdefault("MARRAKECH_PDF_BACKGROUND", "false")

from fastapi.testclient import TestClient  # noqa: E402

from app import migrate  # noqa: E402
from app.content_version import ContentVersions, read_versions  # noqa: E402
from app.db import build_engine, get_db_session  # noqa: E402
from app.history.seeding import seed_all  # noqa: E402
from app.main import create_app  # noqa: E402
from tests.database import scratch_database  # noqa: E402


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    with scratch_database() as url:
        migrate.upgrade(url)
        yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = build_engine(database_url)
    with Session(engine) as db_session:
        seed_all(db_session)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        if transaction.is_active:
            transaction.rollback()


@pytest.fixture
def db_session(connection: Connection) -> Iterator[Session]:
    """A session whose commits release savepoints inside the test's transaction."""
    with Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    ) as db_session:
        yield db_session


@pytest.fixture
def app(db_session: Session):  # noqa: ANN201
    application = create_app()

    def _test_db_session() -> Iterator[Session]:
        try:
            yield db_session
        except Exception:
            db_session.rollback()
            raise

    application.dependency_overrides[get_db_session] = _test_db_session

    async def _read_content_version() -> ContentVersions:
        return read_versions(db_session)

    application.state.read_content_version = _read_content_version
    return application


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # noqa: ANN001
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(connection: Connection):  # noqa: ANN201
    """``with count_queries() as counter:`` counts the SQL statements run inside."""

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()

        def _before(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
                counter.statements.append(statement)

        event.listen(connection, "before_cursor_execute", _before)
        try:
            yield counter
        finally:
            event.remove(connection, "before_cursor_execute", _before)

    return counting
