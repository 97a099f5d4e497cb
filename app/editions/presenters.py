"""Turning editions and their record into API payloads in the reader's language."""

from fastapi import Request

from app.editions.models import Edition
from app.editions.schemas import (
    EditionDetail,
    EditionRead,
    FactRead,
    FigureRead,
    PersonRead,
    SourceRef,
)
from app.entities.models import Entity
from app.history.service import EditionRecord
from app.i18n import localized
from app.web.templating import absolute_url


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
        figures=[
            FigureRead(
                metric=figure.metric,
                value=figure.value,
                qualifier=figure.qualifier,
                source_id=figure.source_id,
                quote=figure.quote,
            )
            for figure in record.figures
        ],
        people=[
            PersonRead(
                name=person.name,
                role=role.role,
                function=localized(role, "function", language)[0],
                source_id=role.source_id,
            )
            for role, person in record.people
        ],
        themes=[localized(theme, "text", language)[0] or "" for theme in record.themes],
        reported_outcomes=[
            localized(outcome, "text", language)[0] or "" for outcome in record.outcomes
        ],
        facts=[
            FactRead(field=fact.field, value=fact.value, source_id=fact.source_id, quote=fact.quote)
            for fact in record.facts
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
