"""JSON API of the historical record: sources, subjects (the Platform...) and conflicts."""

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from app.auth.access import Access, allow
from app.db import DbSessionDep
from app.editions.presenters import cited
from app.editions.schemas import StatementRead
from app.history import service as history_service
from app.history import subjects as history_subjects
from app.i18n import localized
from app.web.pagination import PageDep, paginate
from app.web.params import RowId, SlugPath
from app.web.templating import absolute_url

router = APIRouter(prefix="/api/v1/sources", tags=["sources"])
record_router = APIRouter(prefix="/api/v1/record", tags=["record"])


def _language(request: Request) -> str:
    return request.state.language


class BackedFactRead(BaseModel):
    edition: str | None
    subject: str | None
    kind: str
    summary: str
    strength: str | None


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
    date_strength: str
    date_note: str | None
    text: str
    facts: list[BackedFactRead]
    url: str


@router.get("/{source_id}", name="api_get_source", dependencies=[allow(Access.public)])
def get_source(source_id: RowId, request: Request, db_session: DbSessionDep) -> SourceRead:
    """A source document, its full text and the facts of public editions it backs."""
    source = history_service.get_source(db_session, source_id)
    facts = [
        BackedFactRead(
            edition=item.edition.slug if item.edition else None,
            subject=item.subject.key if item.subject else None,
            kind=item.kind,
            summary=history_service.describe_fact(item),
            strength=None if item.kind == "summary" else item.cited.strength,
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
        date_strength=str(source.date_strength),
        date_note=localized(source, "date_note", _language(request))[0],
        facts=facts,
        url=absolute_url(request, "source_page", source_id=source.id),
    )


class SubjectRead(BaseModel):
    key: str
    name: str
    facts: list[StatementRead]
    url: str


class ConflictSideRead(BaseModel):
    value: str
    facts: list[StatementRead]


class ConflictRead(BaseModel):
    key: str
    title: str
    summary: str | None
    edition: str | None
    subject: str | None
    sides: list[ConflictSideRead]


def _statement(fact, language: str) -> StatementRead:  # noqa: ANN001
    text = localized(fact, "text", language)[0] if hasattr(fact, "text_en") else None
    return StatementRead(
        topic=getattr(fact, "topic", None) or getattr(fact, "field", ""),
        value=fact.value,
        text=text or fact.value,
        conflict=getattr(fact, "conflict", None),
        **cited(fact, language),
    )


@record_router.get("/conflicts", name="api_conflicts", dependencies=[allow(Access.public)])
def list_conflicts(
    request: Request, response: Response, db_session: DbSessionDep, page: PageDep
) -> list[ConflictRead]:
    """Every point on which the sources disagree, each side with its cited facts."""
    language = _language(request)
    conflicts = history_subjects.list_conflicts(db_session).conflicts
    return [
        ConflictRead(
            key=item.key,
            title=(
                localized(item.conflict, "title", language)[0] or ""
                if item.conflict
                else f"{item.edition.slug if item.edition else ''}: {item.field}"
            ),
            summary=localized(item.conflict, "summary", language)[0] if item.conflict else None,
            edition=item.edition.slug if item.edition else None,
            subject=item.subject.key if item.subject else None,
            sides=[
                ConflictSideRead(
                    value=side.value, facts=[_statement(fact, language) for fact in side.facts]
                )
                for side in item.sides
            ],
        )
        for item in paginate(request, response, conflicts, page)
    ]


@record_router.get("/{key}", name="api_get_subject", dependencies=[allow(Access.public)])
def get_subject(key: SlugPath, request: Request, db_session: DbSessionDep) -> SubjectRead:
    """A subject of the record (``platform``, ``rabat-office``...) and its cited facts."""
    language = _language(request)
    record = history_subjects.get_subject(db_session, key)
    return SubjectRead(
        key=record.subject.key,
        name=localized(record.subject, "name", language)[0] or "",
        facts=[_statement(fact, language) for facts in record.topics.values() for fact in facts],
        url=(
            absolute_url(request, "platform_page")
            if key == history_subjects.PLATFORM
            else absolute_url(request, "subject_page", key=key)
        ),
    )
