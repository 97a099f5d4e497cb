"""The published agenda for everyone (page, PDF, calendar and schedule feeds, changes).
Every output answers If-None-Match with 304 when the revision and language are unchanged."""

from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse

from app.agenda import publishing
from app.agenda.dependencies import PublishedAgenda
from app.agenda.exports import Exporter, ICalendarExporter, JsonExporter, make_etag
from app.agenda.frab import FrabJsonExporter, FrabXmlExporter
from app.agenda.pdf import agenda_pdf, pdf_etag
from app.agenda.presenters import AgendaView, change_views
from app.auth.access import Access, allow
from app.db import DbSessionDep
from app.editions.dependencies import VisibleEdition
from app.web.conditional import not_modified
from app.web.templating import absolute_url, render

router = APIRouter(include_in_schema=False)

# Clients may keep a copy but must ask again (cheaply, with the ETag) before using it.
CACHE_CONTROL = "no-cache"


def _validators(etag: str) -> dict[str, str]:
    return {"ETag": etag, "Cache-Control": CACHE_CONTROL, "Vary": "Accept-Language, Cookie"}


def _agenda_url(request: Request, view: AgendaView) -> str:
    return f"{absolute_url(request, 'agenda_page', slug=view.edition.slug)}?lang={view.language}"


def _export(request: Request, exporter: Exporter) -> Response:
    if not_modified(request, exporter.etag):
        return Response(status_code=304, headers=_validators(exporter.etag))
    headers = _validators(exporter.etag)
    headers["Content-Disposition"] = f'inline; filename="{exporter.filename}"'
    return Response(exporter.get_data(), media_type=exporter.content_type, headers=headers)


def _downloads(request: Request, view: AgendaView) -> list[tuple[str, str]]:
    query = f"?rev={view.revision_number}&lang={view.language}"
    slug = view.edition.slug
    return [
        ("PDF (A4)", request.app.url_path_for("agenda_pdf", slug=slug) + query),
        ("iCalendar", request.app.url_path_for("agenda_ics", slug=slug) + query),
        ("JSON", request.app.url_path_for("agenda_json", slug=slug) + query),
        ("frab XML", request.app.url_path_for("schedule_xml", slug=slug) + query),
        ("frab JSON", request.app.url_path_for("schedule_json", slug=slug) + query),
    ]


@router.get("/editions/{slug}/agenda", name="agenda_page", dependencies=[allow(Access.public)])
def agenda_page(
    request: Request, view: PublishedAgenda, edition: VisibleEdition, db_session: DbSessionDep
) -> Response:
    """The published agenda, print-ready (?rev=N for an earlier revision)."""
    account = getattr(request.state, "account", None)
    etag = make_etag("page", view, view.latest_number, account.id if account else "-")
    if not_modified(request, etag):
        return Response(status_code=304, headers=_validators(etag))
    revisions = publishing.list_revisions(db_session, edition=edition)
    context = {
        "view": view,
        "revisions": revisions,
        "downloads": _downloads(request, view),
        "zone": ZoneInfo(edition.time_zone),
    }
    response = render(request, "agenda/page.html", context)
    response.headers.update(_validators(etag))
    return response


@router.get("/editions/{slug}/agenda.pdf", name="agenda_pdf", dependencies=[allow(Access.public)])
def agenda_pdf_file(request: Request, view: PublishedAgenda, db_session: DbSessionDep) -> Response:
    """The agenda as an A4 PDF, rendered once per revision and language."""
    etag = pdf_etag(view)
    if not_modified(request, etag):
        return Response(status_code=304, headers=_validators(etag))
    content = agenda_pdf(db_session, view=view)
    filename = f"{view.edition.slug}-agenda-rev{view.revision_number}-{view.language}.pdf"
    headers = {**_validators(etag), "Content-Disposition": f'inline; filename="{filename}"'}
    return Response(content, media_type="application/pdf", headers=headers)


@router.get("/editions/{slug}/agenda.ics", name="agenda_ics", dependencies=[allow(Access.public)])
def agenda_ics(request: Request, view: PublishedAgenda) -> Response:
    """The public items as an iCalendar feed to subscribe to."""
    return _export(request, ICalendarExporter(view, agenda_url=_agenda_url(request, view)))


@router.get("/editions/{slug}/agenda.json", name="agenda_json", dependencies=[allow(Access.public)])
def agenda_json(request: Request, view: PublishedAgenda) -> Response:
    """The public items as JSON."""
    return _export(request, JsonExporter(view, agenda_url=_agenda_url(request, view)))


@router.get(
    "/editions/{slug}/schedule.xml", name="schedule_xml", dependencies=[allow(Access.public)]
)
def schedule_xml(request: Request, view: PublishedAgenda) -> Response:
    """The public items as a frab schedule (XML) for schedule clients."""
    return _export(request, FrabXmlExporter(view, agenda_url=_agenda_url(request, view)))


@router.get(
    "/editions/{slug}/schedule.json", name="schedule_json", dependencies=[allow(Access.public)]
)
def schedule_json(request: Request, view: PublishedAgenda) -> Response:
    """The public items as a frab schedule (JSON) for schedule clients."""
    return _export(request, FrabJsonExporter(view, agenda_url=_agenda_url(request, view)))


@router.get(
    "/editions/{slug}/agenda/changes",
    name="agenda_changes",
    dependencies=[allow(Access.public)],
)
def agenda_changes(
    request: Request,
    edition: VisibleEdition,
    db_session: DbSessionDep,
    from_number: Annotated[int, Query(alias="from", ge=0, le=100000)],
    to_number: Annotated[int, Query(alias="to", ge=0, le=100000)],
) -> HTMLResponse:
    """What changed in the public agenda between two revisions."""
    comparison = publishing.compare_revisions(
        db_session, edition=edition, older=from_number, newer=to_number, public_only=True
    )
    changes = change_views(comparison.changes, request.state.language, edition.time_zone)
    return render(
        request,
        "agenda/changes.html",
        {"edition": edition, "comparison": comparison, "changes": changes},
    )
