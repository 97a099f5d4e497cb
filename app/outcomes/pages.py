"""Public pages of published outcome statements: HTML and PDF."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.auth.access import Access, allow
from app.editions.dependencies import VisibleEdition
from app.outcomes.dependencies import PublishedStatement
from app.outcomes.pdf import pdf_etag, statement_pdf
from app.outcomes.presenters import statement_text
from app.web.conditional import not_modified
from app.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get(
    "/editions/{slug}/outcomes/{statement_id}.pdf",
    name="outcome_pdf",
    dependencies=[allow(Access.public)],
)
def outcome_pdf(
    request: Request, edition: VisibleEdition, statement: PublishedStatement
) -> Response:
    """A published statement as a PDF, in the reader's language (304 to its ETag)."""
    etag = pdf_etag(edition, statement, request.state.language)
    headers = {"ETag": etag, "Cache-Control": "no-cache", "Vary": "Accept-Language, Cookie"}
    if not_modified(request, etag):
        return Response(status_code=304, headers=headers)
    filename = statement.symbol.replace("/", "-") + f"-{request.state.language}.pdf"
    headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return Response(
        statement_pdf(edition, statement, request.state.language),
        media_type="application/pdf",
        headers=headers,
    )


@router.get(
    "/editions/{slug}/outcomes/{statement_id}",
    name="outcome_page",
    dependencies=[allow(Access.public)],
)
def outcome_page(
    request: Request, edition: VisibleEdition, statement: PublishedStatement
) -> HTMLResponse:
    """A published statement, its text rendered from Markdown."""
    text = statement_text(statement, request.state.language)
    return render(
        request,
        "outcomes/page.html",
        {"edition": edition, "statement": statement, "text": text},
    )
