"""JSON API for the sources of the historical record."""

from fastapi import APIRouter, Request
from pydantic import BaseModel

from app.auth.access import Access, allow
from app.db import DbSessionDep
from app.history import service as history_service
from app.web.params import RowId
from app.web.templating import absolute_url

router = APIRouter(prefix="/api/v1/sources", tags=["sources"])


class BackedFactRead(BaseModel):
    edition: str
    kind: str
    summary: str


class SourceRead(BaseModel):
    id: int
    key: str
    filename: str
    title: str
    kind: str
    language: str
    publisher: str | None
    place: str | None
    published_on: str | None
    text: str
    facts: list[BackedFactRead]
    url: str


@router.get("/{source_id}", name="api_get_source", dependencies=[allow(Access.public)])
def get_source(source_id: RowId, request: Request, db_session: DbSessionDep) -> SourceRead:
    """A source document, its full text and the facts of public editions it backs."""
    source = history_service.get_source(db_session, source_id)
    facts = [
        BackedFactRead(
            edition=item.edition.slug, kind=item.kind, summary=history_service.describe_fact(item)
        )
        for item in history_service.facts_backed_by(db_session, source)
    ]
    return SourceRead(
        **source.model_dump(
            include={
                "id",
                "key",
                "filename",
                "title",
                "kind",
                "language",
                "publisher",
                "place",
                "published_on",
                "text",
            }
        ),
        facts=facts,
        url=absolute_url(request, "source_page", source_id=source.id),
    )
