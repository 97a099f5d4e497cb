"""Database engine, constraint naming convention and the per-request unit of work."""

import threading
from collections.abc import Iterator
from functools import lru_cache
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel, create_engine

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata: MetaData = SQLModel.metadata


# The pool must hold more connections than the threads that can use them at once (AnyIO's
# 40 worker threads run sync routes and the teardown of the request's db_session): with
# fewer, every worker can end up waiting for a connection that only a queued teardown
# would give back, and the process stalls until the pool timeout.
POOL_HEADROOM = 40


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def build_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets real transactions, WAL, foreign keys and a busy timeout."""
    if is_sqlite(url):
        path = make_url(url).database
        if path and path != ":memory:":
            from pathlib import Path

            Path(path).parent.mkdir(parents=True, exist_ok=True)
        if path and path != ":memory:":
            kwargs.setdefault("pool_size", 10)
            kwargs.setdefault("max_overflow", POOL_HEADROOM)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
        )
        _make_sqlite_transactional(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", POOL_HEADROOM)
    return create_engine(url, **kwargs)


def _make_sqlite_transactional(engine: Engine) -> None:
    """pysqlite's own transaction handling breaks SAVEPOINTs and lets two writers race
    between a read and a write; take over BEGIN ourselves (SQLAlchemy's documented recipe),
    and begin IMMEDIATE so a writing transaction holds the write lock from its start."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit reaches the disk before it is acknowledged, so an acknowledged
        # registration survives a power cut too, not only a crash of the process (NORMAL).
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    # SQLite's busy handler polls with sleeps of up to 100 ms, so many writers waiting for
    # the lock leave it idle most of the time and some starve. Writers of this process
    # queue on a Python lock instead and take the database lock in turn; BEGIN IMMEDIATE
    # still guards against other processes.
    write_lock = threading.Lock()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        if mode == "IMMEDIATE" and not connection.info.get("holds_write_lock"):
            write_lock.acquire()
            connection.info["holds_write_lock"] = True
        try:
            connection.exec_driver_sql(f"BEGIN {mode}")
        except Exception:
            _release(connection)
            raise

    def _release(connection: Any) -> None:
        if connection.info.pop("holds_write_lock", False):
            write_lock.release()

    event.listen(engine, "commit", _release)
    event.listen(engine, "rollback", _release)


@lru_cache
def get_engine() -> Engine:
    from app.config import get_settings

    return build_engine(get_settings().database_url)


def get_db_session() -> Iterator[Session]:
    """One unit of work per request; services commit, anything left open is rolled back."""
    with Session(get_engine(), expire_on_commit=False) as db_session:
        try:
            yield db_session
        except Exception:
            db_session.rollback()
            raise


DbSessionDep = Annotated[Session, Depends(get_db_session)]


def begin_immediate(db_session: Session) -> None:
    """Start a write transaction now: commit the reads done so far (access checks, lookups)
    and, on SQLite, BEGIN IMMEDIATE so that the write lock is held from the first statement."""
    if db_session.in_transaction():
        db_session.commit()
    db_session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
