"""The printed programme and the outcome statements are laid out by Typst from static
templates and JSON data: what people type is printed as typed, never read as Typst markup,
and every character of the shipped records prints with the shipped fonts."""

import json
import tomllib
from io import BytesIO

from pypdf import PdfReader

from app import i18n
from app.agenda.demo import DAY_PLAN
from app.config import ROOT_DIR
from app.outcomes.pdf import TEMPLATE as STATEMENT_TEMPLATE
from app.web.pdf import compile_typst
from tests.factories import make_agenda_item, make_edition, make_statement, publish
from tests.pdf_text import extracted_text

TYPST_MARKUP = '#panic("x") *bold* _it_ $x$ <lbl> @ref #{1+1} \\'


def test_typst_markup_in_the_programme_is_printed_verbatim(client, db_session) -> None:
    edition = make_edition(db_session)
    make_agenda_item(
        db_session,
        edition,
        title_en=TYPST_MARKUP,
        description_en=TYPST_MARKUP,
        room="Hall #set",
        chair=TYPST_MARKUP,
        speakers=[{"name": TYPST_MARKUP, "function": "= Director"}],
    )
    publish(db_session, edition, TYPST_MARKUP)
    response = client.get(f"/editions/{edition.slug}/agenda.pdf")
    assert response.status_code == 200
    text = extracted_text(response.content)
    assert text.count(TYPST_MARKUP) >= 5, text
    assert "Hall #set" in text and "= Director" in text


def test_typst_markup_in_a_statement_is_printed_verbatim(client, db_session) -> None:
    edition = make_edition(db_session)
    statement = make_statement(
        db_session,
        edition,
        status="published",
        title_en=TYPST_MARKUP,
        body_en='We #panic("y") agree $x$ <lbl> @ref, and **firmly**.',
    )
    response = client.get(f"/editions/{edition.slug}/outcomes/{statement.id}.pdf")
    assert response.status_code == 200
    text = extracted_text(response.content)
    assert TYPST_MARKUP in text, text
    assert 'We #panic("y") agree $x$ <lbl> @ref, and firmly.' in text, text


def test_the_programme_is_a_tagged_pdf_ua_document_in_the_readers_language(
    client, db_session
) -> None:
    edition = make_edition(db_session)
    make_agenda_item(db_session, edition, title_en="Opening ceremony")
    publish(db_session, edition)
    content = client.get(f"/editions/{edition.slug}/agenda.pdf?lang=ar").content
    reader = PdfReader(BytesIO(content))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "ar" and "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"] and root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert "pdfuaid:part" in root["/Metadata"].get_object().get_data().decode()
    assert (
        reader.metadata.title.startswith("البرنامج · ") and "MP/2027/PROG" in reader.metadata.title
    )


def test_a_character_the_fonts_lack_still_prints_the_programme(client, db_session) -> None:
    """PDF/UA forbids a character no font holds; the programme is printed all the same."""
    edition = make_edition(db_session)
    make_agenda_item(db_session, edition, title_en="Opening 漢字 😀")
    publish(db_session, edition)
    response = client.get(f"/editions/{edition.slug}/agenda.pdf")
    assert response.status_code == 200 and "Opening" in extracted_text(response.content)


def _printed_characters() -> str:
    """Every character of the shipped records, the demo agenda and the translations."""
    texts = [path.read_text(encoding="utf-8") for path in (ROOT_DIR / "seed").rglob("*.*")]
    for path in (ROOT_DIR / "seed").rglob("*.toml"):
        texts.append(json.dumps(tomllib.loads(path.read_text(encoding="utf-8")), default=str))
    texts += [json.dumps(row, ensure_ascii=False) for row in DAY_PLAN]
    for language in i18n.LANGUAGE_NAMES:
        catalogue = i18n.get_translations(language)
        texts += [str(text) for text in getattr(catalogue, "_catalog", {}).values()]
    # The arrows of "Revision 1 → revision 2" are on the comparison page only (a browser's
    # fonts), never printed.
    characters = set("".join(texts)) - set("\t\n\r\ufeff←→")
    return "".join(sorted(characters))


def test_every_character_of_the_records_prints_with_the_shipped_fonts() -> None:
    """The fonts are cut down to the characters printed: Typst refuses, in a PDF/UA
    document, a character that no shipped font holds (it warns of none here)."""
    characters = _printed_characters()
    assert "ع" in characters and "é" in characters and len(characters) > 150
    for language, direction in (("en", "ltr"), ("ar", "rtl")):
        data = {
            "lang": language,
            "dir": direction,
            "title": "Characters",
            "symbol": "MP/TEST",
            "meta": "",
            "notes": [],
            "body": [{"kind": "paragraph", "spans": [_span(characters)]}],
        }
        _content, warnings = compile_typst(STATEMENT_TEMPLATE, data)
        assert warnings == [], warnings
    weights = {"kind": "paragraph", "spans": [_span(characters, strong=True)]}
    _content, warnings = compile_typst(STATEMENT_TEMPLATE, {**data, "body": [weights]})
    assert warnings == [], warnings


def _span(text: str, *, strong: bool = False) -> dict:
    return {"text": text, "strong": strong, "em": False, "code": False, "link": ""}
