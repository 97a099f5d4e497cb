"""The printed agenda, read back out of the PDF."""

from io import BytesIO

from pypdf import PdfReader
from sqlmodel import select

from app.agenda.models import AgendaPdf
from tests.factories import make_agenda_item, make_edition, publish

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
    text, _pages = _text(client.get(f"/editions/{edition.slug}/agenda.pdf?lang=ar").content)
    assert "حفل الافتتاح" in text
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
