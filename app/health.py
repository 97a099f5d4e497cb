"""Health checks for load balancers, orchestrators and the compose health check.

``/livez``: the process answers (no database query). ``/readyz``: the database answers and
its schema is at the migrations this code expects; otherwise 503 with the reason, so that a
replica takes no traffic before ``marrakech db upgrade`` has run. ``/healthz`` is readiness,
under the name earlier probes call.

A probe at the latest migration costs one statement on a pooled driver connection, without
an ORM transaction, in a worker thread; anything else (no version table, another version)
takes the full check that says why."""

import anyio
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from app import migrate
from app.auth.access import Access, allow
from app.db import DbSessionDep

router = APIRouter()
PATHS = ("/livez", "/readyz", "/healthz")


@router.get("/livez", name="liveness", dependencies=[allow(Access.public)], tags=["health"])
async def liveness() -> JSONResponse:
    """Report that the process answers."""
    return JSONResponse({"status": "ok"})


READY = {"status": "ok", "database": "ok", "migrations": "ok"}
UNREACHABLE = {
    "status": "error",
    "database": "unreachable",
    "reason": "the database does not answer",
}


def readiness_report(db_session: Session) -> tuple[int, dict[str, str]]:
    """The status code and body of the readiness check."""
    try:
        current = migrate.current_revisions(db_session.connection())
    except SQLAlchemyError:
        return 503, UNREACHABLE
    expected = migrate.head_revisions()
    if current == expected:
        return 200, READY
    heads = ", ".join(sorted(expected))
    if not current:
        reason = f"no migration has run; run 'marrakech db upgrade' (to {heads})"
        state = "behind"
    elif current <= migrate.known_revisions():
        at = ", ".join(sorted(current))
        reason = f"the database is at {at}; migrations up to {heads} are pending"
        state = "behind"
    else:
        at = ", ".join(sorted(current))
        reason = f"the database is at {at}, which this version does not know (it expects {heads})"
        state = "unknown"
    return 503, {"status": "error", "database": "ok", "migrations": state, "reason": reason}


def _quick_readiness(db_session: Session) -> tuple[int, dict[str, str]]:
    """The readiness check, in one statement when the database is at the latest migration."""
    bind = db_session.get_bind()
    if not isinstance(bind, Engine):  # a unit of work on a given connection (the tests')
        return readiness_report(db_session)
    try:
        connection = bind.raw_connection()
    except (SQLAlchemyError, bind.dialect.loaded_dbapi.Error):
        return 503, UNREACHABLE
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT version_num FROM alembic_version")
        current = frozenset(row[0] for row in cursor.fetchall())
        cursor.close()
    except bind.dialect.loaded_dbapi.Error:
        current = None  # no version table yet, or the query failed: the full check says
    finally:
        connection.close()  # back to the pool, its transaction rolled back
    if current == migrate.head_revisions():
        return 200, READY
    return readiness_report(db_session)


async def _readiness_response(db_session: Session) -> JSONResponse:
    status_code, body = await anyio.to_thread.run_sync(_quick_readiness, db_session)
    return JSONResponse(body, status_code=status_code)


@router.get("/readyz", name="readiness", dependencies=[allow(Access.public)], tags=["health"])
async def readiness(db_session: DbSessionDep) -> JSONResponse:
    """Report whether the database answers and is at the latest migration."""
    return await _readiness_response(db_session)


@router.get("/healthz", name="health", dependencies=[allow(Access.public)], tags=["health"])
async def health(db_session: DbSessionDep) -> JSONResponse:
    """Readiness, under the name earlier probes call."""
    return await _readiness_response(db_session)
