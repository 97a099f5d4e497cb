"""The printable agenda as a PDF: the page's templates, A4, a running header with the
edition, a footer with the revision, its date and "page X of Y"; rendered once per revision
and language, then served from the cache."""

import re
from collections.abc import Callable

from sqlmodel import Session

from app import i18n
from app.agenda import publishing
from app.agenda.exports import make_etag
from app.agenda.presenters import AgendaView
from app.config import ROOT_DIR
from app.i18n import N_
from app.web.pdf import render_pdf

AGENDA_CSS = ROOT_DIR / "app" / "static" / "css" / "agenda.css"
PAGE_OF = N_("Page {page} of {pages}")


def pdf_etag(view: AgendaView) -> str:
    return make_etag("pdf", view)


def _css_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'


def page_counter_content(language: str) -> str:
    """``Page X of Y`` in the reader's language as CSS ``content`` with page counters."""
    parts = re.split(r"(\{page\}|\{pages\})", i18n.gettext(language, PAGE_OF))
    tokens = []
    for part in parts:
        if part == "{page}":
            tokens.append("counter(page)")
        elif part == "{pages}":
            tokens.append("counter(pages)")
        elif part:
            tokens.append(_css_string(part))
    return " ".join(tokens)


def print_css(view: AgendaView) -> str:
    """The agenda's stylesheet plus the running header and footer of its pages."""
    footer = _css_string(f"{view.revision_label} · {view.published_day}")
    start, end = ("right", "left") if view.direction == "rtl" else ("left", "right")
    return (
        AGENDA_CSS.read_text(encoding="utf-8")
        + f"""
.agenda-title {{ string-set: edition content(text); }}
@page {{
  size: A4;
  margin: 20mm 16mm 20mm 16mm;
  @top-center {{ content: string(edition); font-size: 8.5pt; color: #555; }}
  @bottom-{start} {{ content: {footer}; font-size: 8.5pt; }}
  @bottom-{end} {{ content: {page_counter_content(view.language)}; font-size: 8.5pt; }}
}}
@page :first {{ @top-center {{ content: none; }} }}
"""
    )


def agenda_pdf(db_session: Session, *, view: AgendaView, html: Callable[[], str]) -> bytes:
    """The PDF of this revision in this language, rendered on the first request only."""
    etag = pdf_etag(view)
    cached = publishing.cached_pdf(db_session, etag=etag)
    if cached is not None:
        return cached
    content = render_pdf(html(), extra_css=print_css(view))
    publishing.store_pdf(
        db_session,
        revision_id=view.revision_id,
        language=view.language,
        etag=etag,
        content=content,
    )
    return content
