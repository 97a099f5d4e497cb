"""Health checks for load balancers, orchestrators and the compose health check.

``/livez``: the process answers (no database query). ``/readyz``: the database answers and
its schema is at the migrations this code expects; otherwise 503 with the reason, so that a
replica takes no traffic before ``marrakech db upgrade`` has run. ``/healthz`` is readiness,
under the name earlier probes call.

A probe at the latest migration costs one statement on a pooled driver connection, without
an ORM transaction, in a worker thread; anything else (no version table, another version)
takes the full check that says why. Probes that arrive while a check of the same database is
running wait for it and share its answer, so a storm of probes (or a load balancer probing
every replica often) costs the database one check at a time, not one a probe."""

import asyncio
import json

import anyio
from anyio.lowlevel import RunVar
from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from app import migrate
from app.auth.access import Access, allow
from app.db import DbSessionDep

router = APIRouter()
PATHS = ("/livez", "/readyz", "/healthz")


@router.get("/livez", name="liveness", dependencies=[allow(Access.public)], tags=["health"])
async def liveness() -> Response:
    """Report that the process answers."""
    return Response(LIVE_BODY, media_type="application/json")


READY = {"status": "ok", "database": "ok", "migrations": "ok"}
# The usual answers, encoded once (what JSONResponse would write).
LIVE_BODY = json.dumps({"status": "ok"}, separators=(",", ":")).encode()
READY_BODY = json.dumps(READY, separators=(",", ":")).encode()
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


def _versions_at(engine: Engine) -> frozenset[str] | None | bool:
    """The database's migration versions in one statement on a pooled driver connection;
    False when it does not answer, None when the statement fails (no version table yet: the
    full check says why)."""
    try:
        connection = engine.raw_connection()
    except (SQLAlchemyError, engine.dialect.loaded_dbapi.Error):
        return False
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT version_num FROM alembic_version")
        current = frozenset(row[0] for row in cursor.fetchall())
        cursor.close()
    except engine.dialect.loaded_dbapi.Error:
        current = None
    finally:
        connection.close()  # back to the pool, its transaction rolled back
    return current


# The check of each engine running in this event loop, which later probes wait for.
_running: RunVar[dict[Engine, asyncio.Future[frozenset[str] | None | bool]]] = RunVar(
    "health_checks"
)


async def _shared_versions(engine: Engine) -> frozenset[str] | None | bool:
    try:
        running = _running.get()
    except LookupError:
        running = {}
        _running.set(running)
    check = running.get(engine)
    if check is None:
        check = asyncio.ensure_future(anyio.to_thread.run_sync(_versions_at, engine))
        running[engine] = check
        check.add_done_callback(lambda _done: running.pop(engine, None))
    # Shielded: a probe that gives up does not cancel the check the others wait for.
    return await asyncio.shield(check)


async def _readiness_response(db_session: Session) -> Response:
    bind = db_session.get_bind()
    # A unit of work on a given connection (the tests') is checked on that connection.
    if isinstance(bind, Engine):
        versions = await _shared_versions(bind)
        if versions == migrate.head_revisions():
            return Response(READY_BODY, media_type="application/json")
        if versions is False:
            return JSONResponse(UNREACHABLE, status_code=503)
    status_code, body = await anyio.to_thread.run_sync(readiness_report, db_session)
    return JSONResponse(body, status_code=status_code)


@router.get("/readyz", name="readiness", dependencies=[allow(Access.public)], tags=["health"])
async def readiness(db_session: DbSessionDep) -> Response:
    """Report whether the database answers and is at the latest migration."""
    return await _readiness_response(db_session)


@router.get("/healthz", name="health", dependencies=[allow(Access.public)], tags=["health"])
async def health(db_session: DbSessionDep) -> Response:
    """Readiness, under the name earlier probes call."""
    return await _readiness_response(db_session)
