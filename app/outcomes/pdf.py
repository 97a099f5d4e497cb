"""A published outcome statement as an A4 PDF, in the reader's language (Arabic RTL).

Rendered in the three languages in the background when the statement is published, and kept
under var/pdf/outcomes by ETag; a copy that is missing is rendered on the reader's request."""

import hashlib
import os
import threading
from pathlib import Path

from sqlmodel import Session

from app import i18n
from app.config import get_settings
from app.db import get_engine
from app.editions.models import Edition
from app.outcomes.models import OutcomeStatement, OutcomeStatus
from app.outcomes.presenters import statement_text
from app.web.pdf import document_context, render_later, render_pdf
from app.web.templating import get_environment

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


def render_statement_pdf(edition: Edition, statement: OutcomeStatement, language: str) -> bytes:
    """Render the statement to PDF bytes in this language, without a request."""
    context = document_context(language)
    context.update(
        {
            "edition": edition,
            "statement": statement,
            "text": statement_text(statement, language),
            "format_day": lambda value, fmt="long": i18n.format_day(value, language, fmt),
        }
    )
    html = get_environment().get_template("outcomes/pdf.html").render(context)
    return render_pdf(html, extra_css=PRINT_CSS)


def stored_path(etag: str) -> Path:
    """Where the copy with this ETag is kept (var/pdf/outcomes)."""
    name = etag.strip('"') + ".pdf"
    return get_settings().var_dir / "pdf" / "outcomes" / name


def statement_pdf(edition: Edition, statement: OutcomeStatement, language: str) -> bytes:
    """The statement's PDF in this language: the stored copy, or rendered and stored."""
    path = stored_path(pdf_etag(edition, statement, language))
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    content = render_statement_pdf(edition, statement, language)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.stem}.{os.getpid()}.{threading.get_ident()}.part")
    partial.write_bytes(content)
    partial.replace(path)  # readers see the whole file or none
    return content


def render_statement_pdfs(statement_id: int) -> None:
    """Store the published statement's PDF in every language that has no stored copy."""
    with Session(get_engine(), expire_on_commit=False) as db_session:
        statement = db_session.get(OutcomeStatement, statement_id)
        if statement is None or statement.status != OutcomeStatus.published:
            return
        edition = db_session.get(Edition, statement.edition_id)
    if edition is not None:
        for language in i18n.LANGUAGE_NAMES:
            statement_pdf(edition, statement, language)


def render_after_publishing(statement: OutcomeStatement) -> None:
    """Have the background thread render a published statement's PDFs in three languages."""
    statement_id = statement.id or 0
    render_later(lambda: render_statement_pdfs(statement_id))
