"""The printed programme as a PDF, issued as a UN meeting document: the organisers, the
meeting's formal title, venue and dates, the document symbol with its revision, distribution
and original language on the first page, then the days; a running header with the symbol
and a footer with the revision, its date and "page X of Y". Tagged (PDF/UA: structure for screen
readers, at no measurable cost); no spaced letters, which split Arabic joining, so that text
copied from it comes out as typed. Rendered in the three languages when a
revision is published (in the background), or on the first request for a missing copy."""

import re

from sqlmodel import Session

from app import i18n
from app.agenda import publishing
from app.agenda.exports import make_etag
from app.agenda.models import AgendaRevision
from app.agenda.presenters import AgendaView, agenda_view
from app.config import ROOT_DIR
from app.db import write_session
from app.editions.models import Edition
from app.i18n import N_
from app.web.pdf import document_context, render_later, render_pdf
from app.web.templating import get_environment

AGENDA_CSS = ROOT_DIR / "app" / "static" / "css" / "agenda.css"
PAGE_OF = N_("Page {page} of {pages}")


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


ORGANISERS = (
    N_("United Nations Office of Counter-Terrorism"),
    N_("Kingdom of Morocco"),
)
MEETING_TITLE = N_(
    "High-level meeting of heads of counter-terrorism and security agencies in Africa"
)
# The programme is drafted in English, then translated.
ORIGINAL_LANGUAGE = N_("Original: English")
DISTRIBUTION = N_("Distr.: General")

# Raise when the printed layout changes, so that stored copies are rendered again.
PDF_LAYOUT = "3"

# The agenda's constant print rules (parsed once per process), then each document's own
# running header and footer (a few lines, parsed per rendering).
PRINT_CSS = (
    AGENDA_CSS.read_text(encoding="utf-8")
    + """
.programme-head { display: flex; justify-content: space-between; gap: 8mm;
  border-bottom: 1.5pt solid #000; padding-bottom: 2mm; font-size: 9pt; }
.programme-organisers p, .programme-distribution p { margin: 0; }
.programme-symbol { font-weight: 700; font-size: 11pt; }
.programme-meeting { text-align: center; margin: 10mm 0 2mm; font-size: 13pt; font-weight: 700; }
.programme-edition { text-align: center; margin: 0 0 2mm; font-size: 11pt; }
.programme-venue { text-align: center; margin: 0 0 8mm; }
.programme-title { text-align: center; font-size: 16pt; margin: 0 0 6mm; }
.programme-symbol { string-set: symbol content(text); }
.agenda-title { string-set: edition content(text); }
.agenda-day h2 { font-size: 12pt; }
.agenda-item { padding-top: .3em; padding-bottom: .3em; }
"""
)


def symbol(view: AgendaView) -> str:
    """The programme's document symbol: MP/2027/PROG, then MP/2027/PROG/Rev.1, ..."""
    base = f"MP/{view.edition.year}/PROG"
    return base if view.revision_number == 0 else f"{base}/{view.revision_label}"


def page_css(view: AgendaView) -> str:
    """The running header (the symbol) and footer (revision, date, page X of Y)."""
    footer = _css_string(f"{view.revision_label} · {view.published_day}")
    start, end = ("right", "left") if view.direction == "rtl" else ("left", "right")
    return f"""
@page {{
  size: A4;
  margin: 18mm 16mm 18mm 16mm;
  @top-{start} {{ content: string(edition); font-size: 8.5pt; color: #333; }}
  @top-{end} {{ content: string(symbol); font-size: 8.5pt; color: #333; }}
  @bottom-{start} {{ content: {footer}; font-size: 8.5pt; }}
  @bottom-{end} {{ content: {page_counter_content(view.language)}; font-size: 8.5pt; }}
}}
@page :first {{ @top-{start} {{ content: none; }} @top-{end} {{ content: none; }} }}
"""


def pdf_etag(view: AgendaView) -> str:
    return make_etag("pdf", view, PDF_LAYOUT)


def render_agenda_pdf(view: AgendaView) -> bytes:
    """Render the programme of this view to PDF bytes, without a request."""
    context = {
        **document_context(view.language),
        "view": view,
        "symbol": symbol(view),
        "organisers": ORGANISERS,
        "meeting_title": MEETING_TITLE,
        "original_language": ORIGINAL_LANGUAGE,
        "distribution": DISTRIBUTION,
    }
    html = get_environment().get_template("agenda/print.html").render(context)
    return render_pdf(html, extra_css=PRINT_CSS, page_css=page_css(view), pdf_variant="pdf/ua-1")


def agenda_pdf(db_session: Session, *, view: AgendaView) -> bytes:
    """The PDF of this revision in this language: the stored copy, or rendered and stored."""
    etag = pdf_etag(view)
    cached = publishing.cached_pdf(db_session, etag=etag)
    if cached is not None:
        return cached
    content = render_agenda_pdf(view)
    publishing.store_pdf(
        db_session,
        revision_id=view.revision_id,
        language=view.language,
        etag=etag,
        content=content,
    )
    return content


def render_revision_pdfs(revision_id: int) -> None:
    """Render and store the revision's PDF in every language that has no stored copy."""
    with write_session() as db_session:
        revision = db_session.get(AgendaRevision, revision_id)
        if revision is None:
            return
        edition = db_session.get(Edition, revision.edition_id)
        latest = publishing.latest_revision(db_session, edition=edition)
        if edition is None or latest is None:
            return
        for language in i18n.LANGUAGE_NAMES:
            view = agenda_view(edition, revision, language, latest_number=latest.number)
            agenda_pdf(db_session, view=view)


def render_after_publishing(revision: AgendaRevision) -> None:
    """Have the background thread render a new revision's PDFs in the three languages."""
    revision_id = revision.id or 0
    render_later(lambda: render_revision_pdfs(revision_id))
