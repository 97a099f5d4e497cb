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
from app.outcomes.rendering import markdown_blocks
from app.web import labels
from app.web.pdf import TEMPLATES_DIR, render_later, render_pdf

TEMPLATE = TEMPLATES_DIR / "outcomes" / "statement.typ"

# Raise when the PDF's layout changes, so that clients drop their copies.
PDF_VERSION = "2"


def pdf_etag(edition: Edition, statement: OutcomeStatement, language: str) -> str:
    """A strong ETag from what the PDF shows: the statement (frozen once published), the
    edition's details and the language."""
    parts = (PDF_VERSION, statement.id, statement.updated_at, edition.id, edition.updated_at)
    digest = hashlib.sha256("|".join(map(str, (*parts, language))).encode()).hexdigest()
    return f'"{digest[:40]}"'


def statement_data(edition: Edition, statement: OutcomeStatement, language: str) -> dict:
    """Everything the statement's template prints, as JSON-ready data (labels translated)."""
    translations = i18n.get_translations(language)
    _ = translations.gettext
    text = statement_text(statement, language)
    meta = " · ".join(
        (
            _("Marrakech Platform"),
            i18n.localized(edition, "title", language)[0] or "",
            _(labels.outcome_kind[statement.kind]),
        )
    )
    notes = []
    if statement.adopted_date:
        day = i18n.format_day(statement.adopted_date, language, "long")
        notes.append(_("Adopted on {date}.").format(date=day))
    if text.is_fallback:
        notes.append(_("This text is not yet available in your language; it is shown in English."))
    if text.is_outdated:
        notes.append(
            _(
                "This translation may be out of date: the English text has changed since it "
                "was written."
            )
        )
    return {
        # The document's language is the text's: English where the translation is missing.
        "lang": text.language,
        "dir": text.direction,
        "title": text.title,
        "symbol": statement.symbol,
        "meta": meta,
        "notes": notes,
        "body": markdown_blocks(text.body_markdown),
    }


def render_statement_pdf(edition: Edition, statement: OutcomeStatement, language: str) -> bytes:
    """Render the statement to PDF bytes in this language, without a request."""
    return render_pdf(TEMPLATE, statement_data(edition, statement, language))


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
