"""A published outcome statement as an A4 PDF, in the reader's language (Arabic RTL)."""

import hashlib

from fastapi import Request

from app.editions.models import Edition
from app.outcomes.models import OutcomeStatement
from app.outcomes.presenters import statement_text
from app.web.pdf import render_pdf
from app.web.templating import get_environment, page_context

PRINT_CSS = """
@page { @bottom-center { content: counter(page) " / " counter(pages); font-size: 8.5pt; }
        @top-right { content: string(symbol); font-size: 8.5pt; } }
.symbol { string-set: symbol content(); }
h1 { font-size: 16pt; } h2 { font-size: 13pt; }
.meta { color: #444; }
"""


# Raise when the PDF's layout changes, so that clients drop their copies.
PDF_VERSION = "1"


def pdf_etag(edition: Edition, statement: OutcomeStatement, language: str) -> str:
    """A strong ETag from what the PDF shows: the statement (frozen once published), the
    edition's details and the language."""
    parts = (PDF_VERSION, statement.id, statement.updated_at, edition.id, edition.updated_at)
    digest = hashlib.sha256("|".join(map(str, (*parts, language))).encode()).hexdigest()
    return f'"{digest[:40]}"'


def statement_pdf(request: Request, edition: Edition, statement: OutcomeStatement) -> bytes:
    """Render the statement to PDF bytes."""
    context = page_context(request)
    text = statement_text(statement, context["lang"])
    context.update({"edition": edition, "statement": statement, "text": text})
    html = get_environment().get_template("outcomes/pdf.html").render(context)
    return render_pdf(html, extra_css=PRINT_CSS)
