"""A counter of committed changes to the content, for caches that must never serve stale
pages for long.

Every transaction that changes a table (except those whose model sets
``__public_content__ = False``: sign-in bookkeeping and the like) raises the counter inside
the same transaction, just before it commits: a reader sees the new counter exactly when it
can see the new rows. Caches key their entries on the counter.
"""

import threading
import time
from typing import Any

import anyio
from sqlalchemy import event, update
from sqlalchemy.orm import ORMExecuteState
from sqlmodel import Field, Session, SQLModel, select

CHANGED = "content_changed"


class ContentVersion(SQLModel, table=True):
    __tablename__ = "content_version"
    __public_content__ = False

    id: int = Field(default=1, primary_key=True)
    version: int = 0


def _is_public_content(obj_or_class: Any) -> bool:
    return getattr(obj_or_class, "__public_content__", True)


@event.listens_for(Session, "before_flush")
def _note_flushed_changes(db_session: Session, _context: Any, _instances: Any) -> None:
    changed = (*db_session.new, *db_session.dirty, *db_session.deleted)
    if any(_is_public_content(obj) for obj in changed):
        db_session.info[CHANGED] = True


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_changes(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        mapper = state.bind_mapper
        if mapper is None or _is_public_content(mapper.class_):
            state.session.info[CHANGED] = True


@event.listens_for(Session, "before_commit")
def _raise_version(db_session: Session) -> None:
    db_session.flush()
    if db_session.info.pop(CHANGED, False):
        result = db_session.execute(
            update(ContentVersion)
            .where(ContentVersion.id == 1)
            .values(version=ContentVersion.version + 1)
        )
        if result.rowcount == 0:  # a database restored without the counter row
            db_session.add(ContentVersion(id=1, version=1))
            db_session.flush()
        _local.forget()


@event.listens_for(Session, "after_rollback")
def _forget_changes(db_session: Session) -> None:
    db_session.info.pop(CHANGED, None)


class _LocalVersion:
    """This process's reading of the counter, trusted for ``max_age`` seconds so that cached
    pages cost no query; another process's change shows here within that time."""

    def __init__(self, max_age: float = 1.0) -> None:
        self.max_age = max_age
        self._value: int | None = None
        self._read_at = 0.0
        self._lock = threading.Lock()

    def forget(self) -> None:
        with self._lock:
            self._value = None

    def fresh(self) -> int | None:
        """The remembered value while it is young enough, without any I/O."""
        with self._lock:
            if self._value is not None and time.monotonic() - self._read_at < self.max_age:
                return self._value
        return None

    def get(self, read: Any) -> int:
        cached = self.fresh()
        if cached is not None:
            return cached
        now = time.monotonic()
        value = read()
        with self._lock:
            self._value, self._read_at = value, now
        return value


_local = _LocalVersion()


def read_version(db_session: Session) -> int:
    row = db_session.exec(select(ContentVersion.version).where(ContentVersion.id == 1)).first()
    return row or 0


def current_version() -> int:
    """The counter as this process knows it (at most about a second old)."""
    from app.db import get_engine

    def read() -> int:
        with Session(get_engine()) as db_session:
            return read_version(db_session)

    return _local.get(read)


async def current_version_async() -> int:
    """``current_version`` for the event loop: the database is read in a worker thread."""
    cached = _local.fresh()
    if cached is not None:
        return cached
    return await anyio.to_thread.run_sync(current_version)
