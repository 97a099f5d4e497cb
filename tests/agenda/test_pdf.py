"""The printed agenda, read back out of the PDF."""

import re
import shutil
import subprocess
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlmodel import select

from app.agenda.models import AgendaPdf
from tests.factories import make_agenda_item, make_edition, publish
from tests.pdf_text import copied_text

MARKUP = "<script>alert(1)</script> & Co"


def _text(content: bytes) -> tuple[str, int]:
    reader = PdfReader(BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def _agenda(db_session, items: int = 2):  # noqa: ANN001, ANN202
    edition = make_edition(db_session)
    make_agenda_item(
        db_session,
        edition,
        title_en="Opening ceremony",
        title_fr="Cérémonie d'ouverture",
        title_ar="حفل الافتتاح",
        room="Plenary hall",
    )
    for hour in range(10, 10 + items - 1):
        make_agenda_item(
            db_session,
            edition,
            starts_at=f"2027-06-03T{hour:02d}:00",
            ends_at=f"2027-06-03T{hour:02d}:45",
            title_en=f"Working session {hour}",
            room="Room A",
        )
    return edition


def test_pdf_has_titles_revision_date_and_page_numbers(client, db_session) -> None:
    edition = _agenda(db_session)
    publish(db_session, edition, "First issue")
    response = client.get(f"/editions/{edition.slug}/agenda.pdf")
    assert response.headers["content-type"] == "application/pdf"
    text, pages = _text(response.content)
    assert "Opening ceremony" in text and "Working session 10" in text
    assert "Rev.0" in text and "Page 1 of 1" in text and "Test edition" in text


def test_arabic_pdf_has_the_shaped_arabic_title(client, db_session) -> None:
    edition = _agenda(db_session)
    publish(db_session, edition)
    content = client.get(f"/editions/{edition.slug}/agenda.pdf?lang=ar").content
    text, _pages = _text(content)
    assert "حفل الافتتاح" in copied_text(content)
    assert "Rev.0" in text


def test_long_agenda_numbers_every_page_and_repeats_the_edition(client, db_session) -> None:
    edition = _agenda(db_session, items=14)
    for day in ("2027-06-02",):
        for hour in range(11, 20):
            make_agenda_item(
                db_session,
                edition,
                starts_at=f"{day}T{hour}:00",
                ends_at=f"{day}T{hour}:30",
                title_en=f"Panel {hour}",
                description_en="A long description of the panel. " * 12,
                room="Room C",
            )
    publish(db_session, edition)
    content = client.get(f"/editions/{edition.slug}/agenda.pdf").content
    reader = PdfReader(BytesIO(content))
    total = len(reader.pages)
    assert total >= 2
    last = reader.pages[-1].extract_text()
    assert f"Page {total} of {total}" in last and edition.title_en in last


def test_pdf_is_rendered_once_per_revision_and_language(client, db_session) -> None:
    edition = _agenda(db_session)
    revision = publish(db_session, edition)
    first = client.get(f"/editions/{edition.slug}/agenda.pdf?lang=fr")
    second = client.get(f"/editions/{edition.slug}/agenda.pdf?lang=fr")
    assert first.content == second.content and first.headers["etag"] == second.headers["etag"]
    client.get(f"/editions/{edition.slug}/agenda.pdf?lang=en")
    cached = db_session.exec(
        select(AgendaPdf.language).where(AgendaPdf.revision_id == revision.id)
    ).all()
    assert sorted(cached) == ["en", "fr"]
    not_modified = client.get(
        f"/editions/{edition.slug}/agenda.pdf?lang=fr",
        headers={"If-None-Match": first.headers["etag"]},
    )
    assert not_modified.status_code == 304 and not_modified.content == b""


def test_markup_is_printed_as_literal_text(client, db_session) -> None:
    edition = make_edition(db_session)
    make_agenda_item(
        db_session,
        edition,
        title_en=MARKUP,
        description_en=MARKUP,
        room="Hall <b>",
        speakers=[{"name": MARKUP, "function": "Chief & Director"}],
    )
    publish(db_session, edition)
    text, _pages = _text(client.get(f"/editions/{edition.slug}/agenda.pdf").content)
    assert text.count("<script>alert(1)</script> & Co") >= 3
    assert "Hall <b>" in text and "Chief & Director" in text


FIRST_PAGE = {
    "en": (
        "High-level meeting of heads of counter-terrorism and security agencies in",
        "United Nations Office of Counter-Terrorism",
        "Kingdom of Morocco",
        "Programme",
        "Distr.: General",
        "Original: English",
        "Plenary hall",
    ),
    "fr": (
        "Bureau des Nations Unies de lutte contre le terrorisme",
        "Royaume du Maroc",
        "Programme",
        "Distr. générale",
        "Original\u202f: anglais",
        "Salle plénière",
        "Cérémonie d'ouverture",
    ),
    "ar": (
        "مكتب الأمم المتحدة لمكافحة الإرهاب",
        "المملكة المغربية",
        "البرنامج",
        "التوزيع: عام",
        "الأصل: بالإنكليزية",
        "قاعة الجلسات العامة",
        "حفل الافتتاح",
    ),
}


def test_programme_reads_as_a_meeting_document_in_each_language(client, db_session) -> None:
    """Organisers, the meeting's title, venue and dates, symbol, distribution and original
    language on the first page; the text copied out of each PDF is the text as typed
    (Arabic ligatures such as لأ and لإ included)."""
    edition = _agenda(db_session)
    publish(db_session, edition)
    for language, expected in FIRST_PAGE.items():
        content = client.get(f"/editions/{edition.slug}/agenda.pdf?lang={language}").content
        first = PdfReader(BytesIO(content)).pages[0].extract_text()
        copied = copied_text(content, 0)
        for text in expected:
            assert text in (copied if language == "ar" else first), (language, text, first)
        assert "MP/2027/PROG" in first and "Rabat" in first


def test_a_revision_carries_its_symbol_in_french_typography(client, db_session) -> None:
    edition = _agenda(db_session)
    publish(db_session, edition)
    make_agenda_item(
        db_session,
        edition,
        starts_at="2027-06-03T15:00",
        ends_at="2027-06-03T16:00",
        title_en="Closing",
    )
    publish(db_session, edition, "Closing added")
    text, _pages = _text(client.get(f"/editions/{edition.slug}/agenda.pdf?lang=fr").content)
    assert "MP/2027/PROG/Rev.1" in text and "Rév." not in text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_text_copied_with_pdftotext_is_the_text_as_typed(client, db_session) -> None:
    """pdftotext (what a reader's viewer does on copy) once gave "جدول ا ل أعمال": spaced
    letters split the Arabic joining."""
    edition = _agenda(db_session)
    publish(db_session, edition)
    for language, expected in FIRST_PAGE.items():
        content = client.get(f"/editions/{edition.slug}/agenda.pdf?lang={language}").content
        text = subprocess.run(
            [shutil.which("pdftotext") or "pdftotext", "-", "-"],
            input=content,
            capture_output=True,
            check=True,
        ).stdout.decode()
        # pdftotext marks each right-to-left run with embedding controls: not typed text.
        text = re.sub("[\u202a-\u202e\u2066-\u2069]", "", text)
        # Not the first (it wraps differently in pdftotext's lines), nor "label: value",
        # whose colon pdftotext moves beside the Arabic word ("التوزيع :عام").
        for typed in [typed for typed in expected[1:] if ":" not in typed]:
            assert typed in text, (language, typed, text)


def _x_of(content: bytes, typed: str) -> float:
    """The left edge (points) of the first occurrence of some text on the first page."""
    import pypdfium2

    document = pypdfium2.PdfDocument(content)
    try:
        text_page = document[0].get_textpage()
        searcher = text_page.search(typed)
        found = searcher.get_next()
        assert found is not None, (typed, text_page.get_text_range())
        index, _count = found
        return text_page.get_charbox(index)[0]
    finally:
        document.close()


def test_times_open_each_line_in_the_reading_direction(client, db_session) -> None:
    """An item's time begins its line: on the left in English, on the right in Arabic."""
    edition = _agenda(db_session)
    publish(db_session, edition)
    for language, title in (("en", "Opening ceremony"), ("ar", "حفل الافتتاح")):
        content = client.get(f"/editions/{edition.slug}/agenda.pdf?lang={language}").content
        time_x, title_x = _x_of(content, "09:00"), _x_of(content, title)
        if language == "ar":
            assert time_x > title_x, (time_x, title_x)
        else:
            assert time_x < title_x, (time_x, title_x)
