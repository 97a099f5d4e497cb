"""Outcome statements as the API and the pages show them, in the reader's language."""

from dataclasses import dataclass

from fastapi import Request
from markupsafe import Markup

from app.editions.models import Edition
from app.i18n import LANGUAGES, direction, localized
from app.outcomes.models import OutcomeStatement, OutcomeStatus
from app.outcomes.rendering import render_markdown
from app.outcomes.schemas import OutcomeDetail, OutcomeRead
from app.web.templating import absolute_url


@dataclass(frozen=True)
class StatementText:
    """The title and rendered text in one language, saying when it fell back to English."""

    title: str
    body_html: Markup
    body_markdown: str
    language: str
    direction: str
    is_fallback: bool
    # The translation was written before the English last changed (see translation_status).
    is_outdated: bool


def statement_text(statement: OutcomeStatement, language: str) -> StatementText:
    title = localized(statement, "title", language)[0] or ""
    body, is_fallback = localized(statement, "body", language)
    shown_language = "en" if is_fallback else language
    return StatementText(
        title=title,
        body_html=render_markdown(body),
        body_markdown=body or "",
        language=shown_language,
        direction=direction(shown_language),
        is_fallback=is_fallback,
        is_outdated=language != "en" and bool(getattr(statement, f"{language}_outdated", False)),
    )


def outcome_read(
    request: Request, edition: Edition, statement: OutcomeStatement, language: str
) -> OutcomeRead:
    published = statement.status == OutcomeStatus.published
    path = {"slug": edition.slug, "statement_id": statement.id}
    return OutcomeRead(
        id=statement.id or 0,
        edition=edition.slug,
        kind=statement.kind,
        symbol=statement.symbol,
        title=localized(statement, "title", language)[0] or "",
        status=statement.status,
        adopted_date=statement.adopted_date,
        published_at=statement.published_at,
        url=absolute_url(request, "outcome_page", **path) if published else None,
        pdf_url=absolute_url(request, "outcome_pdf", **path) if published else None,
    )


def outcome_detail(
    request: Request, edition: Edition, statement: OutcomeStatement, language: str
) -> OutcomeDetail:
    text = statement_text(statement, language)
    return OutcomeDetail(
        **outcome_read(request, edition, statement, language).model_dump(),
        language=text.language,
        is_fallback=text.is_fallback,
        translation_outdated=text.is_outdated,
        body_markdown=text.body_markdown,
        body_html=str(text.body_html),
        texts={
            code: {
                "title": getattr(statement, f"title_{code}"),
                "body": getattr(statement, f"body_{code}"),
            }
            for code in LANGUAGES
        },
    )
