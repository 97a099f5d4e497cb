"""The printed programme as a PDF, issued as a UN meeting document: the organisers, the
meeting's formal title, venue and dates, the document symbol with its revision, distribution
and original language on the first page, then the days; a running header with the edition and
the symbol and a footer with the revision, its date and "page X of Y". Tagged PDF/UA-1
(structure for screen readers, the title and the language), so that text copied from it comes
out as typed. Laid out by Typst from templates/agenda/programme.typ and the data below (every
label translated here; nothing typed is read as markup). Rendered in the three languages when
a revision is published (in the background), or on the first request for a missing copy."""

from typing import Any

from sqlmodel import Session

from app import i18n
from app.agenda import publishing
from app.agenda.exports import make_etag
from app.agenda.models import AgendaRevision
from app.agenda.presenters import AgendaView, ItemView, agenda_view
from app.db import write_session
from app.editions.models import Edition
from app.i18n import N_
from app.web.pdf import TEMPLATES_DIR, isolated, render_later, render_pdf

TEMPLATE = TEMPLATES_DIR / "agenda" / "programme.typ"
PAGE_OF = N_("Page {page} of {pages}")

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
FALLBACK_NOTE = N_("This text is not yet available in your language; it is shown in English.")
OUTDATED_NOTE = N_(
    "This translation may be out of date: the English text has changed since it was written."
)

# Raise when the printed layout changes, so that stored copies are rendered again.
PDF_LAYOUT = "4"


def symbol(view: AgendaView) -> str:
    """The programme's document symbol: MP/2027/PROG, then MP/2027/PROG/Rev.1, ..."""
    base = f"MP/{view.edition.year}/PROG"
    return base if view.revision_number == 0 else f"{base}/{view.revision_label}"


def pdf_etag(view: AgendaView) -> str:
    return make_etag("pdf", view, PDF_LAYOUT)


def _item_data(item: ItemView, view: AgendaView, _: Any) -> dict[str, Any]:
    """One item as the template sets it: every text final, in the reader's language."""
    direction = view.direction
    notes = []
    if item.title_fallback or item.description_fallback:
        notes.append(_(FALLBACK_NOTE))
    if item.translation_outdated:
        notes.append(_(OUTDATED_NOTE))
    kind = item.kind_label
    if item.room_text:
        kind += " · " + isolated(item.room_text, direction)
    speakers = []
    for speaker in item.speakers:
        function = isolated(speaker.function, direction, always=speaker.function_fallback)
        speakers.append(
            {
                "name": isolated(speaker.name, direction, always=speaker.name_fallback),
                "function": _(", ") + function if function else "",
            }
        )
    interpretation = ""
    if item.interpretation:
        interpretation = _("Interpretation") + _(": ") + item.interpretation_text
    return {
        "time": f"{item.start_text}–{item.end_text}",
        "kind": kind,
        "title": item.title,
        "title_english": item.title_fallback,
        "description": item.description or "",
        "description_english": item.description_fallback,
        "notes": notes,
        "chair_label": _("Chair") + _(": ") if item.chair else "",
        "chair": isolated(item.chair, direction, always=item.chair_fallback),
        "speakers": speakers,
        "interpretation": interpretation,
        "shaded": item.kind in ("break", "meal"),
    }


def programme_data(view: AgendaView) -> dict[str, Any]:
    """Everything the programme's template prints, as JSON-ready data."""
    translations = i18n.get_translations(view.language)

    def _(message: str) -> str:
        return translations.gettext(message)

    venue = view.city
    if view.edition.venue:
        venue += _(", ") + view.edition.venue
    if view.dates_text:
        venue += " · " + view.dates_text
    superseded = ""
    if not view.is_latest:
        superseded = _("This revision has been superseded by Rev.{number}.").format(
            number=view.latest_number
        )
    document_symbol = symbol(view)
    return {
        "lang": view.language,
        "dir": view.direction,
        "title": f"{_('Programme')} · {view.edition_title} · {document_symbol}",
        "organisers": [_(organiser) for organiser in ORGANISERS],
        "symbol": document_symbol,
        "distribution": _(DISTRIBUTION),
        "published_day": view.published_day,
        "original_language": _(ORIGINAL_LANGUAGE),
        "meeting": _(MEETING_TITLE),
        "edition": view.edition_title,
        "venue": venue,
        "heading": _("Programme"),
        "time_zone": _("Times are in the venue's time zone ({zone}).").format(zone=view.time_zone),
        "note": view.note or "",
        "superseded": superseded,
        "empty": "" if view.days else _("No public items in this revision."),
        "days": [
            {"label": day.label, "items": [_item_data(item, view, _) for item in day.items]}
            for day in view.days
        ],
        "footer": f"{view.revision_label} · {view.published_day}",
        "page_of": _(PAGE_OF),
    }


def render_agenda_pdf(view: AgendaView) -> bytes:
    """Render the programme of this view to PDF bytes, without a request."""
    return render_pdf(TEMPLATE, programme_data(view))


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
