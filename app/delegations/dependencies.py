"""Loading registration objects from the path: an organiser's edition and delegation, or
a focal point's delegation from the private link (a 404 for any other token)."""

from typing import Annotated

from fastapi import Depends, Request

from app import i18n
from app.db import UNSAFE_METHODS, DbSessionDep
from app.delegations import service as delegations_service
from app.delegations.models import Delegation
from app.editions import service as editions_service
from app.editions.models import Edition
from app.web.params import RowId


def _organiser_edition(slug: str, db_session: DbSessionDep) -> Edition:
    return editions_service.get_edition(db_session, slug, include_drafts=True)


def _edition_delegation(
    delegation_id: RowId,
    edition: Annotated[Edition, Depends(_organiser_edition)],
    db_session: DbSessionDep,
) -> Delegation:
    return delegations_service.get_delegation(
        db_session, edition=edition, delegation_id=delegation_id
    )


def _focal_access(
    token: str, request: Request, db_session: DbSessionDep
) -> tuple[Delegation, Edition]:
    # A request that writes reads its delegation locked, once (see service.begin_write), on
    # SQLite, where its unit of work holds the write lock from its start anyway. On
    # PostgreSQL the write locks the row itself, in the route's own trip to a worker thread:
    # locked here, the row would stay locked while the request waits for that next trip,
    # and sixty submissions on one link would fill every thread waiting for the row while
    # its holder waits for a thread.
    lock = request.method in UNSAFE_METHODS and db_session.get_bind().dialect.name == "sqlite"
    delegation, edition = delegations_service.delegation_for_token(db_session, token, lock=lock)
    # Until the reader picks a language, the form speaks the browser's, or else the focal
    # point's as the organisers recorded it.
    chosen = request.query_params.get("lang") or request.cookies.get(i18n.LANGUAGE_COOKIE)
    if chosen in i18n.LANGUAGES or i18n.accepted_language(request.headers.get("accept-language")):
        return delegation, edition
    if delegation.focal_point_language in i18n.LANGUAGES:
        request.state.language = delegation.focal_point_language
    return delegation, edition


FocalAccess = Annotated[tuple[Delegation, Edition], Depends(_focal_access)]


# Picking from what is already loaded: on the event loop, not a trip to a worker thread
# each (a writer holds its turn across every such trip).


async def _focal_delegation(access: FocalAccess) -> Delegation:
    return access[0]


async def _focal_edition(access: FocalAccess) -> Edition:
    return access[1]


OrganiserEdition = Annotated[Edition, Depends(_organiser_edition)]
EditionDelegation = Annotated[Delegation, Depends(_edition_delegation)]
FocalDelegation = Annotated[Delegation, Depends(_focal_delegation)]
FocalEdition = Annotated[Edition, Depends(_focal_edition)]


ParticipantId = RowId
