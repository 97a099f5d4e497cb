"""The audit log page for organisers: read-only, filterable, paginated.

Entries hold the state before and after each change, personal data included, so this page
is for signed-in organisers only and is never public."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from app.audit.browsing import AuditFilters, search_audit_log
from app.auth.access import Access, allow
from app.db import DbSessionDep
from app.web.templating import render

router = APIRouter(prefix="/admin", include_in_schema=False)


@router.get("/audit", name="audit_log", dependencies=[allow(Access.viewer)])
def audit_log(
    request: Request, db_session: DbSessionDep, filters: Annotated[AuditFilters, Query()]
) -> HTMLResponse:
    """Who did what and when, newest first."""
    result = search_audit_log(db_session, filters=filters)
    query = {k: v for k, v in filters.model_dump(exclude={"page"}).items() if v not in (None, "")}
    return render(request, "audit/log.html", {"result": result, "filters": filters, "query": query})
