"""Turning editions and their record into API payloads in the reader's language."""

from typing import Any

from fastapi import Request

from app.editions.models import Edition
from app.editions.schemas import (
    EditionDetail,
    EditionRead,
    FactRead,
    FigureRead,
    PersonRead,
    SourceRef,
    StatementRead,
    SummarySourceRead,
)
from app.entities.models import Entity
from app.history.models import Cited
from app.history.service import EditionRecord
from app.i18n import localized
from app.web.templating import absolute_url


def cited(row: Cited, language: str) -> dict[str, Any]:
    """The source, quote, strength and reasoning of a fact, for the API."""
    return {
        "source_id": row.source_id,
        "quote": row.quote,
        "strength": str(row.strength),
        "note": localized(row, "note", language)[0],
    }


def edition_read(
    request: Request, edition: Edition, country: Entity | None, language: str
) -> EditionRead:
    return EditionRead(
        slug=edition.slug,
        kind=edition.kind,
        number=edition.number,
        year=edition.year,
        title=localized(edition, "title", language)[0] or "",
        city=localized(edition, "city", language)[0] or "",
        city_aliases=edition.city_aliases,
        country=localized(country, "name", language)[0] if country else None,
        country_code=country.code if country else None,
        venue=edition.venue,
        start_date=edition.start_date,
        end_date=edition.end_date,
        time_zone=edition.time_zone,
        status=edition.status,
        is_demo=edition.is_demo,
        url=absolute_url(request, "edition_page", slug=edition.slug),
    )


def edition_detail(
    request: Request,
    edition: Edition,
    country: Entity | None,
    record: EditionRecord,
    language: str,
) -> EditionDetail:
    base = edition_read(request, edition, country, language)
    return EditionDetail(
        **base.model_dump(),
        summary=localized(edition, "summary", language)[0],
        summary_sources=[
            SummarySourceRead(source_id=citation.source_id, quote=citation.quote)
            for citation in record.summary_citations
        ],
        figures=[
            FigureRead(
                metric=figure.metric,
                value=figure.value,
                qualifier=figure.qualifier,
                **cited(figure, language),
            )
            for figure in record.figures
        ],
        people=[
            PersonRead(
                name=person.name,
                name_ar=person.name_ar,
                name_ar_is_transliteration=bool(person.name_ar)
                and person.name_ar_source_id is None,
                role=role.role,
                function=localized(role, "function", language)[0],
                **cited(role, language),
            )
            for role, person in record.people
        ],
        themes=[localized(theme, "text", language)[0] or "" for theme in record.themes],
        reported_outcomes=[
            localized(outcome, "text", language)[0] or "" for outcome in record.outcomes
        ],
        facts=[
            FactRead(field=fact.field, value=fact.value, **cited(fact, language))
            for fact in record.facts
        ],
        statements=[
            StatementRead(
                topic=statement.topic,
                value=statement.value,
                text=localized(statement, "text", language)[0] or "",
                conflict=statement.conflict,
                **cited(statement, language),
            )
            for statement in record.statements
        ],
        sources=[
            SourceRef(
                id=source.id or 0,
                title=source.title,
                filename=source.filename,
                language=source.language,
                url=absolute_url(request, "source_page", source_id=source.id),
            )
            for source in record.sources.values()
        ],
    )
