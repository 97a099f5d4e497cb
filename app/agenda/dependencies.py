"""Loading the agenda objects a route works on, from the path and the query."""

from typing import Annotated

from fastapi import Depends, Path, Query, Request

from app.agenda import publishing
from app.agenda import service as agenda_service
from app.agenda.presenters import AgendaView, agenda_view
from app.agenda.service import EditableItem
from app.db import DbSessionDep
from app.editions.dependencies import VisibleEdition
from app.web.params import RowId


def _published_agenda(
    request: Request,
    edition: VisibleEdition,
    db_session: DbSessionDep,
    rev: Annotated[int | None, Query(ge=0, le=100000, description="Revision number")] = None,
) -> AgendaView:
    revision, latest_number = publishing.revision_for_reading(
        db_session, edition=edition, number=rev
    )
    return agenda_view(edition, revision, request.state.language, latest_number=latest_number)


PublishedAgenda = Annotated[AgendaView, Depends(_published_agenda)]


def _numbered_agenda(
    request: Request,
    edition: VisibleEdition,
    db_session: DbSessionDep,
    number: Annotated[int, Path(ge=0, le=100000, description="Revision number")],
) -> AgendaView:
    return _published_agenda(request, edition, db_session, rev=number)


NumberedAgenda = Annotated[AgendaView, Depends(_numbered_agenda)]


def _agenda_item(item_id: RowId, edition: VisibleEdition, db_session: DbSessionDep) -> EditableItem:
    return agenda_service.get_item(db_session, edition=edition, item_id=item_id)


CurrentAgendaItem = Annotated[EditableItem, Depends(_agenda_item)]
