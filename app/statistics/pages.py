"""The organisers' statistics page of an edition."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.auth.access import Access, allow
from app.db import DbSessionDep
from app.delegations.dependencies import OrganiserEdition
from app.statistics import service as statistics_service
from app.web.templating import render

router = APIRouter(prefix="/admin/editions/{slug}", include_in_schema=False)


@router.get("/statistics", name="edition_statistics", dependencies=[allow(Access.viewer)])
def edition_statistics(
    request: Request, edition: OrganiserEdition, db_session: DbSessionDep
) -> HTMLResponse:
    """Counts of the edition's registrations by status, entity type, role, language, gender."""
    statistics = statistics_service.edition_statistics(db_session, edition=edition)
    return render(
        request, "statistics/edition.html", {"edition": edition, "statistics": statistics}
    )
