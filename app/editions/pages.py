"""Public edition pages and the organisers' dashboard."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from app import i18n
from app.agenda import publishing as agenda_publishing
from app.auth.access import Access, CurrentAccount, allow, may
from app.db import DbSessionDep
from app.delegations import windows as registration_windows
from app.editions import service as editions_service
from app.editions.dependencies import VisibleEdition
from app.editions.models import Edition, EditionStatus
from app.history import service as history_service
from app.history.record_html import RecordHtml
from app.outcomes import service as outcomes_service
from app.statistics import service as statistics_service
from app.web.memo import per_content_version, row_copy
from app.web.templating import cited_html, render

router = APIRouter(include_in_schema=False)


@router.get("/editions/{slug}", name="edition_page", dependencies=[allow(Access.public)])
def edition_page(
    request: Request, edition: VisibleEdition, db_session: DbSessionDep
) -> HTMLResponse:
    """One edition: dates, place, people, themes, outcomes, figures and sources."""
    data = per_content_version(
        request,
        ("edition_page", edition.id),
        lambda: _edition_page_data(db_session, edition),
        edition=edition.slug,
        keep=_public_copies,
    )
    # Its long lists as HTML, built once for each language at the same content versions,
    # like the data they show.
    language = getattr(request.state, "language", i18n.DEFAULT_LANGUAGE)
    lists = per_content_version(
        request,
        ("edition_page_lists", edition.id, language),
        lambda: RecordHtml(cited_html(request, language)).edition_page(
            record=data["record"],
            edition=data["edition"],
            country=data["country"],
            disputed=data["disputed"],
            statements=data["statements"],
        ),
        edition=edition.slug,
    )
    return render(request, "editions/page.html", {"edition": edition, **data, "lists": lists})


def _public_copies(data: dict[str, Any]) -> dict[str, Any]:
    """The page's rows as plain copies, the edition's among them, to be kept for the public."""
    return {
        **data,
        "edition": row_copy(data["edition"]),
        "record": data["record"].copied(),
        "country": row_copy(data["country"]),
        "statements": [row_copy(statement) for statement in data["statements"]],
        "agenda_revision": row_copy(data["agenda_revision"]),
    }


def _edition_page_data(db_session: Session, edition: Edition) -> dict[str, Any]:
    record = history_service.records_for(db_session, [edition])[edition.id or 0]
    return {
        "edition": edition,
        "record": record,
        "country": editions_service.countries_by_id(db_session, [edition]).get(
            edition.country_id or 0
        ),
        "disputed": record.disputed_fields(edition),
        # The counts the home page shows for it, kept after its personal data is purged.
        "counted": statistics_service.registration_totals(db_session, [edition]).get(
            edition.id or 0
        ),
        "statements": outcomes_service.list_statements(
            db_session, edition=edition, published_only=True
        ),
        "agenda_revision": agenda_publishing.latest_revision(db_session, edition=edition),
        "requests_open": edition.status == EditionStatus.registration_open
        and registration_windows.settings_of(db_session, edition).requests_open,
    }


@router.get("/admin", name="dashboard", dependencies=[allow(Access.viewer)])
def dashboard(request: Request, db_session: DbSessionDep, account: CurrentAccount) -> HTMLResponse:
    """Every edition, drafts and demo included, for organisers."""
    editions = editions_service.list_editions(db_session, include_drafts=True)
    return render(
        request,
        "editions/dashboard.html",
        {"editions": list(reversed(editions)), "can_write": may(account, Access.organiser)},
    )
