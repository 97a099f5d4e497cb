"""Database engine, constraint naming convention and the per-request unit of work."""

import random
import sqlite3
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Annotated, Any

import anyio
from anyio.lowlevel import RunVar
from fastapi import Depends, Request
from sqlalchemy import MetaData, event, inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import InvalidRequestError
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
# And it keeps them all once opened: a connection beyond the pool's size ("overflow") is
# closed as soon as it is given back, so a small pool with a large overflow opened and
# closed a connection for most requests of a burst (on PostgreSQL a server process each).
# Opened only when a burst needs them; at most this many a worker, as before.
POOL_SIZE = POOL_HEADROOM + 10
# A request holds its connection from its first statement to the end of its unit of work,
# across its trips to worker threads. So that a thread asking for a connection always gets
# one, at most this many requests of a process have a unit of work open at once; the others
# wait for their turn on the event loop, holding neither thread nor connection. The rest of
# the pool serves what opens its own connections: the content versions, the health checks,
# the mail delivered after a response and the PDF rendering thread.
UNITS_OF_WORK = POOL_SIZE - 10
# Seconds an SQLite writer waits for another connection's write transaction to end.
BUSY_TIMEOUT = 30


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
            kwargs.setdefault("pool_size", POOL_SIZE)
            kwargs.setdefault("max_overflow", 0)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT},
            hide_parameters=True,
            **kwargs,
        )
        _make_sqlite_transactional(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", POOL_SIZE)
    kwargs.setdefault("max_overflow", 0)
    # Bound values are names, emails and audit records: never in an error message or a log.
    return create_engine(url, hide_parameters=True, **kwargs)


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
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT * 1000}")
        cursor.close()

    # SQLite's busy handler polls with sleeps of up to 100 ms, so many writers waiting for
    # the lock leave it idle most of the time and some starve. Writers of this process
    # queue on a Python lock instead and take the database lock in turn; BEGIN IMMEDIATE
    # still guards against other processes.
    write_lock = threading.Lock()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        if mode != "IMMEDIATE":
            connection.exec_driver_sql(f"BEGIN {mode}")
            return
        if not connection.info.get("holds_write_lock"):
            write_lock.acquire()
            connection.info["holds_write_lock"] = True
        try:
            _begin_immediate(connection)
        except Exception:
            _release(connection)
            raise

    def _begin_immediate(connection: Any) -> None:
        # Between processes, SQLite's busy handler decides who writes next, and it sleeps
        # 1, 2, 5, 10 ms and more between tries: the other process's writers, taking turns
        # within a millisecond, keep the lock and this one waits for long stretches (with
        # two workers, fewer submissions a second than with one). Here the process's one
        # waiting writer tries again every 0.1 to 2 ms instead, for as long as the busy
        # timeout; SQLite still arbitrates, so a process that dies holds nothing.
        dbapi_connection = connection.connection.dbapi_connection
        dbapi_connection.execute("PRAGMA busy_timeout=0")
        try:
            deadline = time.monotonic() + BUSY_TIMEOUT
            pause = 0.0001
            while time.monotonic() < deadline:
                try:
                    dbapi_connection.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as error:
                    if (getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF != sqlite3.SQLITE_BUSY:
                        raise
                time.sleep(pause * random.uniform(0.5, 1.5))
                pause = min(2 * pause, 0.002)
            connection.exec_driver_sql("BEGIN IMMEDIATE")  # still locked: raises, as before
        finally:
            dbapi_connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT * 1000}")

    def _release(connection: Any) -> None:
        if connection.info.pop("holds_write_lock", False):
            write_lock.release()

    @event.listens_for(engine, "commit")
    def _on_commit(connection: Any) -> None:
        # SQLAlchemy tells of a commit before it commits: released here, the lock would
        # let the next writer in while this commit still waits for the disk, and that
        # writer would find the database locked and sleep in the busy handler. So the
        # writer commits here (the driver's own commit then has nothing left to do) and
        # hands the lock on once its transaction is on disk.
        if not connection.info.get("holds_write_lock"):
            return
        try:
            dbapi_connection = connection.connection.dbapi_connection
            if dbapi_connection.in_transaction:
                dbapi_connection.execute("COMMIT")
        finally:
            _release(connection)

    event.listen(engine, "rollback", _release)


@lru_cache
def get_engine() -> Engine:
    from app.config import get_settings

    return build_engine(get_settings().database_url)


@lru_cache
def writer(engine: Engine) -> Engine:
    """The engine for units of work that may write: on SQLite each of their transactions
    begins IMMEDIATE, holding the write lock from its first statement (a transaction that
    reads first and writes later is refused at once when another connection committed in
    between, whatever the busy timeout); on PostgreSQL nothing changes."""
    return engine.execution_options(sqlite_begin="IMMEDIATE")


def write_session() -> Session:
    """A unit of work that may write, outside a request (command line, background work)."""
    return Session(writer(get_engine()), expire_on_commit=False)


UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# The requests of one process that may write take turns here, waiting on the event loop (no
# thread held), then hold the database's write lock for their whole unit of work.
_write_turn: RunVar[anyio.Lock] = RunVar("write_turn")


_units_of_work: RunVar[anyio.Semaphore] = RunVar("units_of_work")


def _turn() -> anyio.Lock:
    try:
        return _write_turn.get()
    except LookupError:
        lock = anyio.Lock()
        _write_turn.set(lock)
        return lock


def _unit_of_work_slot() -> anyio.Semaphore:
    try:
        return _units_of_work.get()
    except LookupError:
        slots = anyio.Semaphore(UNITS_OF_WORK)
        _units_of_work.set(slots)
        return slots


@asynccontextmanager
async def _unit_of_work(db_session: Session) -> AsyncIterator[Session]:
    """Roll back what is left open and give the connection back (in a worker thread, and
    even when the request is cancelled, so that the write lock is always released)."""
    try:
        yield db_session
    except BaseException:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(db_session.rollback)
        raise
    finally:
        if db_session.in_transaction():
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(db_session.close)
        else:  # never touched the database (a cached page, /livez): nothing to give back
            db_session.close()


async def get_db_session(request: Request) -> AsyncIterator[Session]:
    """One unit of work per request; services commit, anything left open is rolled back.

    A request that may write (POST, PUT, PATCH, DELETE) begins its transaction at once, on
    SQLite IMMEDIATE after its turn among this process's writers, so that reading then
    writing can never be refused; reads (GET, HEAD) never take the write lock and, in WAL
    mode, never wait for a writer. Every unit of work first waits for one of the process's
    ``UNITS_OF_WORK`` slots."""
    engine = get_engine()
    if request.method not in UNSAFE_METHODS:
        async with (
            _unit_of_work_slot(),
            _unit_of_work(Session(engine, expire_on_commit=False)) as db_session,
        ):
            yield db_session
        return
    db_session = Session(writer(engine), expire_on_commit=False)
    if engine.dialect.name != "sqlite":
        async with _unit_of_work_slot(), _unit_of_work(db_session):
            yield db_session
        return
    # The turn first: writers waiting for it hold no slot, so reads are not queued behind them.
    async with _turn(), _unit_of_work_slot(), _unit_of_work(db_session):
        # Wait for other processes' writers in a worker thread, not on the event loop.
        await anyio.to_thread.run_sync(db_session.connection)
        yield db_session


# Closed when the route returns, before the response is sent: a writer's turn is not held
# while the response goes out, nor during the mail delivery that follows it (which opens
# its own transactions on the same session).
DbSessionDep = Annotated[Session, Depends(get_db_session, scope="function")]


def writes_from_start(db_session: Session) -> bool:
    """Whether the unit of work's transactions hold the write lock from their start (SQLite
    BEGIN IMMEDIATE; a write session on PostgreSQL, where rows are locked as read)."""
    return db_session.get_bind().get_execution_options().get("sqlite_begin") == "IMMEDIATE"


def begin_immediate(db_session: Session) -> None:
    """Start a write transaction now: commit the reads done so far (access checks, lookups)
    and, on SQLite, BEGIN IMMEDIATE so that the write lock is held from the first statement.
    Nothing to do in a unit of work whose transactions already begin IMMEDIATE (requests
    that may write, the command line)."""
    if writes_from_start(db_session):
        return
    if db_session.in_transaction():
        db_session.commit()
    db_session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


def lock_row(db_session: Session, row: Any) -> bool:
    """Read the row again and hold it until the unit of work ends, so that a check made on
    it and the write that follows are one step: SELECT ... FOR UPDATE on PostgreSQL (a
    concurrent writer of the row waits for this one, then reads what it committed); on
    SQLite the writing transaction holds the database's write lock (BEGIN IMMEDIATE).
    False when the row is gone; True for an object never stored (defaults), with nothing
    to lock."""
    if not inspect(row).has_identity:
        return True
    begin_immediate(db_session)
    try:
        db_session.refresh(row, with_for_update=True)
    except InvalidRequestError:  # deleted meanwhile
        return False
    return True
