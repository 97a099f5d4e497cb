"""Health checks for load balancers, orchestrators and the compose health check.

``/livez``: the process answers (no database query). ``/readyz``: the database answers and
its schema is at the migrations this code expects; otherwise 503 with the reason, so that a
replica takes no traffic before ``marrakech db upgrade`` has run. ``/healthz`` is readiness,
under the name earlier probes call."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse
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


def readiness_report(db_session: Session) -> tuple[int, dict[str, str]]:
    """The status code and body of the readiness check."""
    try:
        current = migrate.current_revisions(db_session.connection())
    except SQLAlchemyError:
        return 503, {
            "status": "error",
            "database": "unreachable",
            "reason": "the database does not answer",
        }
    expected = migrate.head_revisions()
    if current == expected:
        return 200, {"status": "ok", "database": "ok", "migrations": "ok"}
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


@router.get("/readyz", name="readiness", dependencies=[allow(Access.public)], tags=["health"])
def readiness(db_session: DbSessionDep) -> JSONResponse:
    """Report whether the database answers and is at the latest migration."""
    status_code, body = readiness_report(db_session)
    return JSONResponse(body, status_code=status_code)


@router.get("/healthz", name="health", dependencies=[allow(Access.public)], tags=["health"])
def health(db_session: DbSessionDep) -> JSONResponse:
    """Readiness, under the name earlier probes call."""
    status_code, body = readiness_report(db_session)
    return JSONResponse(body, status_code=status_code)
