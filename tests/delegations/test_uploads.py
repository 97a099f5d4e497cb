"""Nomination letters: PDFs that could run code or carry files are refused; file names lose
their control and bidi characters."""

import io
from collections.abc import Callable

import pytest
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)

from tests.factories import extract_csrf, make_delegation, make_edition, open_registration

JAVASCRIPT = "The file contains JavaScript, which is not accepted."
EMBEDDED = "The file contains embedded files, which are not accepted."
ACTION = "The file contains actions that run by themselves or open other programs"


def _name(value: str) -> NameObject:
    return NameObject(value)


def _action(kind: str, **entries: object) -> DictionaryObject:
    action = DictionaryObject({_name("/S"): _name(kind)})
    for key, value in entries.items():
        action[_name(f"/{key}")] = value
    return action


def _pdf(build: Callable[[PdfWriter], None] | None = None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if build is not None:
        build(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _annotation(writer: PdfWriter, action: DictionaryObject) -> None:
    link = DictionaryObject(
        {
            _name("/Type"): _name("/Annot"),
            _name("/Subtype"): _name("/Link"),
            _name("/Rect"): ArrayObject([FloatObject(v) for v in (10, 10, 50, 50)]),
            _name("/A"): action,
        }
    )
    writer.add_annotation(page_number=0, annotation=link)


def _open_action_javascript(writer: PdfWriter) -> None:
    script = _action("/JavaScript", JS=TextStringObject("app.alert('hello')"))
    writer.root_object[_name("/OpenAction")] = script


def _names_tree_javascript(writer: PdfWriter) -> None:
    script = writer._add_object(_action("/JavaScript", JS=TextStringObject("app.alert(1);")))
    tree = DictionaryObject({_name("/Names"): ArrayObject([TextStringObject("hello"), script])})
    writer.root_object[_name("/Names")] = DictionaryObject({_name("/JavaScript"): tree})


def _embedded_file(writer: PdfWriter) -> None:
    writer.add_attachment("payload.exe", b"MZ\x90\x00 not really a program")


def _launch_in_a_link(writer: PdfWriter) -> None:
    _annotation(writer, _action("/Launch", F=TextStringObject("calc.exe")))


def _page_additional_action(writer: PdfWriter) -> None:
    page = writer.pages[0]
    page[_name("/AA")] = DictionaryObject(
        {_name("/O"): _action("/URI", URI=TextStringObject("https://example.org/"))}
    )


def _ordinary_link(writer: PdfWriter) -> None:
    _annotation(writer, _action("/URI", URI=TextStringObject("https://www.un.org/")))


def _upload(client, token: str, content: bytes, filename: str = "letter.pdf"):  # noqa: ANN001, ANN202
    csrf = extract_csrf(client.get(f"/register/{token}").text)
    return client.post(
        f"/register/{token}/letter",
        data={"csrf_token": csrf},
        files={"letter": (filename, content, "application/pdf")},
        follow_redirects=False,
    )


@pytest.fixture
def focal_point(client, db_session, tmp_path, monkeypatch):  # noqa: ANN001, ANN201
    from app.config import get_settings

    monkeypatch.setattr(get_settings(), "var_dir", tmp_path)
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    delegation, token = make_delegation(db_session, edition)
    return delegation, token, tmp_path


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (_open_action_javascript, JAVASCRIPT),
        (_names_tree_javascript, JAVASCRIPT),
        (_embedded_file, EMBEDDED),
        (_launch_in_a_link, ACTION),
        (_page_additional_action, ACTION),
    ],
)
def test_a_letter_that_could_run_code_or_carry_files_is_refused(
    client, db_session, focal_point, build, message
) -> None:
    delegation, token, var_dir = focal_point
    response = _upload(client, token, _pdf(build))
    assert response.status_code == 422
    assert message in response.text
    field = response.text[response.text.index('id="field-letter"') :]
    assert message in field[:2000]  # shown next to the file field
    db_session.refresh(delegation)
    assert delegation.letter_file is None
    assert not (var_dir / "uploads").exists() or not any((var_dir / "uploads").iterdir())


def test_javascript_hidden_behind_escaped_names_is_found(client, focal_point) -> None:
    _, token, _ = focal_point
    content = _pdf(_open_action_javascript)
    assert b"/JavaScript" in content
    escaped = content.replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/J#53 ")
    assert b"/JavaScript" not in escaped
    response = _upload(client, token, escaped)
    assert response.status_code == 422 and JAVASCRIPT in response.text


def test_a_plain_letter_with_an_ordinary_link_is_accepted(client, db_session, focal_point) -> None:
    delegation, token, _ = focal_point
    response = _upload(client, token, _pdf(_ordinary_link))
    assert response.status_code == 303
    db_session.refresh(delegation)
    assert delegation.letter_file is not None


def test_bidi_and_control_characters_are_stripped_from_letter_names(
    client, db_session, focal_point
) -> None:
    delegation, token, _ = focal_point
    response = _upload(client, token, _pdf(), filename="invoice\u202efdp.exe")
    assert response.status_code == 303
    db_session.refresh(delegation)
    assert delegation.letter_filename == "invoicefdp.exe"
    page = client.get(f"/register/{token}").text
    assert "invoicefdp.exe" in page and "\u202e" not in page
    served = client.get(f"/register/{token}/letter")
    disposition = served.headers["content-disposition"]
    assert "invoicefdp.exe" in disposition and "%E2%80%AE" not in disposition.upper()


def test_a_name_stored_before_the_cleaning_is_served_clean(client, db_session, focal_point) -> None:
    delegation, token, _ = focal_point
    assert _upload(client, token, _pdf()).status_code == 303
    db_session.refresh(delegation)
    delegation.letter_filename = "\u2067note\u2069 \u200everbale\x07\x85.pdf"
    db_session.add(delegation)
    db_session.commit()
    page = client.get(f"/register/{token}").text
    assert "note verbale.pdf" in page
    disposition = client.get(f"/register/{token}/letter").headers["content-disposition"]
    assert "note%20verbale.pdf" in disposition or "note verbale.pdf" in disposition
    for mark in ("%E2%81%A7", "%E2%81%A9", "%E2%80%8E", "%07", "%C2%85"):
        assert mark not in disposition.upper()
