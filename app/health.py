"""Liveness and database health for load balancers and the compose health check."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.auth.access import Access, allow
from app.db import DbSessionDep

router = APIRouter()


@router.get("/healthz", name="health", dependencies=[allow(Access.public)], tags=["health"])
def health(db_session: DbSessionDep) -> JSONResponse:
    """Report whether the database answers."""
    try:
        db_session.exec(text("SELECT 1"))  # type: ignore[call-overload]
    except SQLAlchemyError:
        return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})
