"""Versions of the public content, one per edition and one for the whole site, for caches
that must never serve stale pages for long.

Every transaction that changes a table (except those whose model sets
``__public_content__ = False``: sign-in bookkeeping and the like) raises, inside the same
transaction just before it commits, the version of each edition whose rows it changed, and
the site version when it changed what lists or summarises editions (editions, entities,
sources and the historical record; the delegation and participant statuses counted by the
home page's figures, the only part of registrations any public page shows) or rows
whose edition it cannot tell (bulk statements). A reader sees
the new versions exactly when it can see the new rows. Caches key an edition's pages on
the site version and that edition's version, every other page on the site version: a
submission to one edition leaves every other page of the site cached.
"""

import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import anyio
from sqlalchemy import Table, event, inspect, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState
from sqlmodel import Field, Session, SQLModel

SITE = 0  # the scope of the whole site; any other scope is an edition's id
TOUCHED = "content_scopes"
LOOKUPS = "content_scope_lookups"
RAISED = "content_versions_raised"

# Tables shown beyond one edition's pages: the list of editions, the home page, entities,
# sources and the historical record they back.
SITE_TABLES = frozenset(
    {
        "edition",
        "entity",
        "source",
        "person",
        "editionfact",
        "editionperson",
        "reportedfigure",
        "reportedoutcome",
        "theme",
    }
)
# Registration rows, on no public page but counted by the home page's figures (accredited
# participants of delegations still taking part; submitted or confirmed delegations; which
# editions have any delegation), by the value of one column. Only a change of that column,
# or a row inserted or deleted with a counted value (any delegation), raises a version (the
# site's and the edition's); names, emails, letters and pending members raise none, so a
# focal point's submission leaves every cached page valid and writes no version row.
SITE_COUNTED: Mapping[str, tuple[str, frozenset[str] | None]] = {
    "participant": ("status", frozenset({"accredited"})),
    "delegation": ("status", None),  # None: every value counts
}


class ContentVersion(SQLModel, table=True):
    __tablename__ = "content_version"
    __public_content__ = False

    # 0 for the whole site, otherwise an edition's id (no foreign key: a version outlives
    # the edition it counted, harmlessly).
    scope: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    version: int = 0


def _is_public_content(obj_or_class: Any) -> bool:
    return getattr(obj_or_class, "__public_content__", True)


def _counted_change(obj: Any, table: str, kind: str) -> bool:
    column, counted = SITE_COUNTED[table]
    if kind == "dirty":
        return inspect(obj).attrs[column].history.has_changes()
    return counted is None or str(getattr(obj, column, "")) in counted


def _note(db_session: Session, obj: Any, kind: str) -> None:
    scopes: set[int] = db_session.info.setdefault(TOUCHED, set())
    table: Table = obj.__table__
    if table.name in SITE_TABLES:
        scopes.add(SITE)
        if table.name == "edition" and obj.id is not None:
            scopes.add(obj.id)
        return
    if table.name in SITE_COUNTED:
        if _counted_change(obj, table.name, kind):
            scopes.update((SITE, obj.edition_id))
        return
    if "edition_id" in table.c:
        scopes.add(SITE if obj.edition_id is None else obj.edition_id)
        return
    for foreign_key in table.foreign_keys:  # a child row: its parent names the edition
        parent = foreign_key.column.table
        value = getattr(obj, foreign_key.parent.name, None)
        if "edition_id" in parent.c and value is not None:
            db_session.info.setdefault(LOOKUPS, set()).add((parent.name, value))
            return
    scopes.add(SITE)


def note_inserted(db_session: Session, table: Table, row: Mapping[str, Any]) -> None:
    """Count a row inserted with a plain statement (no ORM object, so no flush sees it) as
    a flushed new object of its model would be counted."""
    _note(db_session, SimpleNamespace(__table__=table, **row), "new")


@event.listens_for(Session, "before_flush")
def _note_flushed_changes(db_session: Session, _context: Any, _instances: Any) -> None:
    for kind, objects in (
        ("new", db_session.new),
        ("dirty", db_session.dirty),
        ("deleted", db_session.deleted),
    ):
        for obj in objects:
            if not _is_public_content(obj) or not hasattr(obj, "__table__"):
                continue
            if kind == "dirty" and not db_session.is_modified(obj, include_collections=False):
                continue
            _note(db_session, obj, kind)


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_changes(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        mapper = state.bind_mapper
        if mapper is None or _is_public_content(mapper.class_):
            # Which rows a bulk statement changes is not known here: count it site-wide.
            state.session.info.setdefault(TOUCHED, set()).add(SITE)


def _resolve_lookups(db_session: Session, scopes: set[int]) -> None:
    for table_name, row_id in db_session.info.pop(LOOKUPS, set()):
        table = SQLModel.metadata.tables[table_name]
        edition_id = db_session.execute(
            select(table.c.edition_id).where(table.c.id == row_id)
        ).scalar_one_or_none()
        scopes.add(SITE if edition_id is None else edition_id)


def _upsert(db_session: Session, scopes: Iterable[int]) -> None:
    dialect = db_session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # One order for every writer, so that two transactions never wait for each other's rows.
    for scope in sorted(scopes):
        statement = insert(ContentVersion).values(scope=scope, version=1)
        db_session.execute(
            statement.on_conflict_do_update(
                index_elements=["scope"], set_={"version": ContentVersion.version + 1}
            )
        )


@event.listens_for(Session, "before_commit")
def _raise_versions(db_session: Session) -> None:
    db_session.flush()
    scopes = db_session.info.pop(TOUCHED, set())
    if LOOKUPS in db_session.info:
        _resolve_lookups(db_session, scopes)
    if scopes:
        _upsert(db_session, scopes)
        db_session.info[RAISED] = True
        _local.forget()


@event.listens_for(Session, "after_commit")
def _forget_after_commit(db_session: Session) -> None:
    # Forgotten again once committed: a reader of this process that re-read the versions
    # between the raise and the commit must not keep the old ones for a second.
    if db_session.info.pop(RAISED, False):
        _local.forget()


@event.listens_for(Session, "after_rollback")
def _forget_changes(db_session: Session) -> None:
    for key in (TOUCHED, LOOKUPS, RAISED):
        db_session.info.pop(key, None)


@dataclass(frozen=True)
class ContentVersions:
    """The versions at one moment: the site's, and each edition's by slug."""

    site: int = 0
    editions: Mapping[str, int] = field(default_factory=dict)

    def of(self, slug: str | None) -> tuple[int, int]:
        """What a page's content depends on: the site, and its edition if it has one."""
        return (self.site, self.editions.get(slug, 0) if slug is not None else 0)


class _LocalVersions:
    """This process's reading of the versions, trusted for ``max_age`` seconds so that
    cached pages cost no query; another process's change shows here within that time."""

    def __init__(self, max_age: float = 1.0) -> None:
        self.max_age = max_age
        self._value: ContentVersions | None = None
        self._read_at = 0.0
        self._generation = 0
        self._lock = threading.Lock()

    def forget(self) -> None:
        with self._lock:
            self._value = None
            self._generation += 1

    def fresh(self) -> ContentVersions | None:
        """The remembered versions while they are young enough, without any I/O."""
        with self._lock:
            if self._value is not None and time.monotonic() - self._read_at < self.max_age:
                return self._value
        return None

    def get(self, read: Any) -> ContentVersions:
        cached = self.fresh()
        if cached is not None:
            return cached
        with self._lock:
            generation = self._generation
        now = time.monotonic()
        value = read()
        with self._lock:
            if generation == self._generation:  # no commit of this process meanwhile
                self._value, self._read_at = value, now
        return value


_local = _LocalVersions()


def read_versions(db_session: Session) -> ContentVersions:
    """Every version, in one query."""
    rows = db_session.execute(
        text(
            "SELECT content_version.scope, content_version.version, edition.slug "
            "FROM content_version LEFT JOIN edition ON edition.id = content_version.scope"
        )
    ).all()
    site = next((version for scope, version, _slug in rows if scope == SITE), 0)
    editions = {slug: version for scope, version, slug in rows if scope != SITE and slug}
    return ContentVersions(site, editions)


def current_versions() -> ContentVersions:
    """The versions as this process knows them (at most about a second old)."""
    from app.db import get_engine

    def read() -> ContentVersions:
        with Session(get_engine()) as db_session:
            return read_versions(db_session)

    return _local.get(read)


async def current_versions_async() -> ContentVersions:
    """``current_versions`` for the event loop: the database is read in a worker thread."""
    cached = _local.fresh()
    if cached is not None:
        return cached
    return await anyio.to_thread.run_sync(current_versions)
