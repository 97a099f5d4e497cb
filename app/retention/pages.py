"""The retention page of an edition: when its personal data may be purged, what remains,
and the purge itself (admins only)."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.auth.access import Access, CurrentAccount, allow
from app.auth.service import actor_for
from app.db import DbSessionDep
from app.editions.dependencies import AnyEdition
from app.editions.models import Edition
from app.errors import DomainError
from app.i18n import N_
from app.retention import service as retention_service
from app.timestamps import utcnow
from app.web.forms import domain_errors, form_values
from app.web.templating import render

router = APIRouter(prefix="/admin/editions", include_in_schema=False)


def _page(
    request: Request,
    db_session: DbSessionDep,
    edition: Edition,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    purged: bool = False,
    status_code: int = 200,
) -> HTMLResponse:
    view = retention_service.retention_view(db_session, edition=edition, now=utcnow())
    return render(
        request,
        "retention/page.html",
        {
            "edition": edition,
            "view": view,
            "values": values or {},
            "errors": errors or {},
            "purged": purged,
        },
        status_code=status_code,
    )


@router.get("/{slug}/retention", name="edition_retention", dependencies=[allow(Access.admin)])
def retention_page(
    request: Request, edition: AnyEdition, db_session: DbSessionDep, purged: bool = False
) -> HTMLResponse:
    """When the edition's personal data may be purged, and the form to purge it."""
    return _page(request, db_session, edition, purged=purged)


@router.post("/{slug}/retention", name="edition_purge", dependencies=[allow(Access.admin)])
async def purge_personal_data(
    request: Request, edition: AnyEdition, db_session: DbSessionDep, account: CurrentAccount
) -> Response:
    """Purge the personal data after confirmation, or show the page again with why not."""
    values = form_values(await request.form(), ("confirm", "force", "reason"))
    try:
        if values["confirm"] != "yes":
            raise _NotConfirmed(N_("Tick the box to confirm the purge."), field="confirm")
        retention_service.purge_personal_data(
            db_session,
            edition=edition,
            actor=actor_for(account),
            force_reason=values["reason"] if values["force"] == "yes" else None,
            now=utcnow(),
        )
    except DomainError as error:
        errors = domain_errors(request, error)
        return _page(
            request,
            db_session,
            edition,
            values=values,
            errors=errors,
            status_code=error.status_code,
        )
    url = request.app.url_path_for("edition_retention", slug=edition.slug)
    return RedirectResponse(f"{url}?purged=1", status_code=303)


class _NotConfirmed(DomainError):
    status_code = 422
