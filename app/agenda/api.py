"""JSON API of the agenda: organisers edit the working agenda and publish it; everyone
reads the published revisions."""

from fastapi import APIRouter, Request, Response, status
from fastapi.responses import JSONResponse

from app.agenda import publishing
from app.agenda import service as agenda_service
from app.agenda.dependencies import CurrentAgendaItem, NumberedAgenda
from app.agenda.exports import JsonExporter
from app.agenda.presenters import item_read
from app.agenda.schemas import (
    AgendaExport,
    AgendaItemCreate,
    AgendaItemRead,
    AgendaItemUpdate,
    AgendaOrder,
    AgendaRevisionRead,
    PublishIn,
)
from app.agenda.service import EditableItem
from app.auth.access import Access, CurrentAccount, allow
from app.auth.service import actor_for
from app.db import DbSessionDep
from app.editions.dependencies import VisibleEdition
from app.web.conditional import check_if_match, row_etag, set_etag
from app.web.pagination import PageDep, paged
from app.web.templating import absolute_url

router = APIRouter(prefix="/api/v1/editions/{slug}/agenda", tags=["agenda"])


def _check_if_match(
    request: Request, db_session: DbSessionDep, edition: VisibleEdition, entry: EditableItem
) -> None:
    """Lock the item, then compare its version (its row and its speakers) to If-Match."""

    def stored_etag() -> str:
        stored = agenda_service.get_item(db_session, edition=edition, item_id=entry.item.id or 0)
        return row_etag(stored.item, *stored.speakers)

    check_if_match(request, db_session, entry.item, etag_of=stored_etag)


def _revision_read(
    request: Request, slug: str, revision: publishing.RevisionSummary
) -> AgendaRevisionRead:
    return AgendaRevisionRead(
        number=revision.number,
        label=revision.label,
        published_at=revision.published_at,
        note=revision.note,
        url=absolute_url(request, "api_get_agenda_revision", slug=slug, number=revision.number),
    )


@router.get("/items", name="api_list_agenda_items", dependencies=[allow(Access.viewer)])
def list_items(
    request: Request,
    response: Response,
    edition: VisibleEdition,
    db_session: DbSessionDep,
    page: PageDep,
) -> list[AgendaItemRead]:
    """The working agenda (published or not) in programme order, for organisers."""
    entries = agenda_service.page_items(db_session, edition=edition, page=page)
    return [
        item_read(entry, edition.time_zone) for entry in paged(request, response, entries, page)
    ]


@router.post(
    "/items",
    name="api_create_agenda_item",
    status_code=status.HTTP_201_CREATED,
    dependencies=[allow(Access.organiser)],
)
def create_item(
    request: Request,
    response: Response,
    edition: VisibleEdition,
    item_in: AgendaItemCreate,
    db_session: DbSessionDep,
    account: CurrentAccount,
) -> AgendaItemRead:
    """Add an item; times without an offset are in the edition's time zone."""
    entry = agenda_service.create_item(
        db_session, edition=edition, item_in=item_in, actor=actor_for(account)
    )
    response.headers["Location"] = absolute_url(
        request, "api_get_agenda_item", slug=edition.slug, item_id=entry.item.id
    )
    set_etag(response, entry.item, *entry.speakers)
    return item_read(entry, edition.time_zone)


@router.get("/items/{item_id}", name="api_get_agenda_item", dependencies=[allow(Access.viewer)])
def get_item(
    response: Response, edition: VisibleEdition, entry: CurrentAgendaItem
) -> AgendaItemRead:
    """One item of the working agenda, with its version in the ETag header."""
    set_etag(response, entry.item, *entry.speakers)
    return item_read(entry, edition.time_zone)


@router.patch(
    "/items/{item_id}", name="api_update_agenda_item", dependencies=[allow(Access.organiser)]
)
def update_item(
    request: Request,
    response: Response,
    edition: VisibleEdition,
    entry: CurrentAgendaItem,
    item_in: AgendaItemUpdate,
    db_session: DbSessionDep,
    account: CurrentAccount,
) -> AgendaItemRead:
    """Change an item; its uid is kept so that calendars update the same event."""
    _check_if_match(request, db_session, edition, entry)
    entry = agenda_service.update_item(
        db_session, edition=edition, item=entry.item, item_in=item_in, actor=actor_for(account)
    )
    set_etag(response, entry.item, *entry.speakers)
    return item_read(entry, edition.time_zone)


@router.delete(
    "/items/{item_id}",
    name="api_delete_agenda_item",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[allow(Access.organiser)],
)
def delete_item(
    request: Request,
    edition: VisibleEdition,
    entry: CurrentAgendaItem,
    db_session: DbSessionDep,
    account: CurrentAccount,
) -> Response:
    """Remove an item from the working agenda (published revisions keep it)."""
    _check_if_match(request, db_session, edition, entry)
    agenda_service.delete_item(
        db_session, edition=edition, item=entry.item, actor=actor_for(account)
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/order", name="api_reorder_agenda", dependencies=[allow(Access.organiser)])
def reorder_items(
    edition: VisibleEdition, order: AgendaOrder, db_session: DbSessionDep, account: CurrentAccount
) -> list[AgendaItemRead]:
    """Set the order of all items; items starting together are listed in this order."""
    entries = agenda_service.reorder_items(
        db_session, edition=edition, item_ids=order.item_ids, actor=actor_for(account)
    )
    return [item_read(entry, edition.time_zone) for entry in entries]


@router.get("/revisions", name="api_list_agenda_revisions", dependencies=[allow(Access.public)])
def list_revisions(
    request: Request,
    response: Response,
    edition: VisibleEdition,
    db_session: DbSessionDep,
    page: PageDep,
) -> list[AgendaRevisionRead]:
    """Published revisions, newest first."""
    revisions = publishing.page_revisions(db_session, edition=edition, page=page)
    return [
        _revision_read(request, edition.slug, revision)
        for revision in paged(request, response, revisions, page)
    ]


@router.post(
    "/revisions",
    name="api_publish_agenda",
    status_code=status.HTTP_201_CREATED,
    dependencies=[allow(Access.organiser)],
)
def publish_agenda(
    request: Request,
    response: Response,
    edition: VisibleEdition,
    publish_in: PublishIn,
    db_session: DbSessionDep,
    account: CurrentAccount,
) -> AgendaRevisionRead:
    """Freeze the working agenda into the next revision (Rev.0, Rev.1, ...)."""
    revision = publishing.publish_agenda(
        db_session, edition=edition, note=publish_in.note, actor=actor_for(account)
    )
    summary = publishing.RevisionSummary(
        revision.id or 0, revision.number, revision.published_at, revision.note
    )
    read = _revision_read(request, edition.slug, summary)
    response.headers["Location"] = read.url
    return read


@router.get(
    "/revisions/{number}",
    name="api_get_agenda_revision",
    dependencies=[allow(Access.public)],
    response_class=JSONResponse,
    responses={200: {"model": AgendaExport, "description": "The revision's public items."}},
)
def get_revision(request: Request, view: NumberedAgenda) -> Response:
    """One published revision: its public items in the language asked (?lang=)."""
    agenda_url = absolute_url(request, "agenda_page", slug=view.edition.slug)
    exporter = JsonExporter(view, agenda_url=f"{agenda_url}?lang={view.language}")
    return Response(exporter.get_data(), media_type=exporter.content_type)
