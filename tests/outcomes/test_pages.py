"""Outcome statements in the browser: organisers write and publish, the public reads."""

import io

from pypdf import PdfReader
from sqlmodel import select

from app.editions.models import EditionStatus
from app.outcomes.models import OutcomeRevision, OutcomeStatement, OutcomeStatus
from tests.factories import extract_csrf, make_edition, make_statement, sign_in

FORM = {
    "kind": "declaration",
    "symbol": "MP/2027/7",
    "title_en": "Rabat Declaration",
    "title_fr": "Déclaration de Rabat",
    "title_ar": "إعلان الرباط",
    "body_en": "# Preamble\n\n1. We, the heads of agencies, **agree**.",
    "body_fr": "1. Nous, chefs d'agences, **convenons**.",
    "body_ar": "١. نحن، رؤساء الأجهزة، **نتفق**.",
}


def _post(client, form_path: str, post_path: str, data: dict[str, str]):  # noqa: ANN001, ANN202
    token = extract_csrf(client.get(form_path).text)
    return client.post(post_path, data={**data, "csrf_token": token}, follow_redirects=False)


def test_organiser_writes_edits_adopts_and_publishes(client, db_session) -> None:
    account = sign_in(client, db_session)
    edition = make_edition(db_session, status=EditionStatus.held)
    new = f"/admin/editions/{edition.slug}/outcomes/new"
    assert 'value="MP/2027/1"' in client.get(new).text  # the proposed symbol
    created = _post(client, new, new, FORM)
    assert created.status_code == 303, created.text
    statement = db_session.exec(
        select(OutcomeStatement).where(OutcomeStatement.symbol == "MP/2027/7")
    ).one()
    admin = f"/admin/editions/{edition.slug}/outcomes/{statement.id}"
    assert created.headers["location"] == admin

    edit = f"{admin}/edit"
    changed = {**FORM, "body_en": FORM["body_en"] + "\n\n2. We meet again in 2028."}
    assert _post(client, edit, edit, changed).status_code == 303
    page = client.get(admin)
    assert "<h2>Preamble</h2>" in page.text and "We meet again in 2028." in page.text
    assert account.email in page.text and "Compare with revision 1" in page.text

    adopted = _post(client, admin, f"{admin}/adopt", {"adopted_date": "2026-06-03"})
    assert adopted.status_code == 303
    asked = _post(client, admin, f"{admin}/publish", {})
    assert asked.status_code == 200 and "Publish this statement?" in asked.text
    db_session.refresh(statement)
    assert statement.status != OutcomeStatus.published
    published = _post(client, admin, f"{admin}/publish", {"confirm": "yes"})
    assert published.status_code == 303
    db_session.refresh(statement)
    assert statement.status == OutcomeStatus.published and statement.published_at is not None

    public_edition = client.get(f"/editions/{edition.slug}")
    assert (
        "Outcome statements" in public_edition.text and "Rabat Declaration" in public_edition.text
    )
    assert f"/editions/{edition.slug}/outcomes/{statement.id}.pdf" in public_edition.text
    arabic = client.get(f"/editions/{edition.slug}/outcomes/{statement.id}?lang=ar")
    assert '<div class="statement-body" lang="ar" dir="rtl">' in arabic.text
    assert "إعلان الرباط" in arabic.text and "<strong>نتفق</strong>" in arabic.text


def test_form_errors_come_back_next_to_the_fields(client, db_session) -> None:
    sign_in(client, db_session)
    edition = make_edition(db_session)
    make_statement(db_session, edition)  # takes MP/2027/1
    new = f"/admin/editions/{edition.slug}/outcomes/new"
    missing = _post(client, new, new, {**FORM, "title_en": "", "symbol": "bad symbol"})
    assert missing.status_code == 422
    assert 'id="error-title_en"' in missing.text and 'id="error-symbol"' in missing.text
    assert "إعلان الرباط" in missing.text  # what was typed is kept
    taken = _post(client, new, new, {**FORM, "symbol": "MP/2027/1"})
    assert taken.status_code == 422  # the form comes back with the message next to the field
    assert "The symbol MP/2027/1 is already used by another statement." in taken.text


def test_publishing_too_early_says_why(client, db_session) -> None:
    sign_in(client, db_session)
    edition = make_edition(db_session)
    statement = make_statement(db_session, edition)
    admin = f"/admin/editions/{edition.slug}/outcomes/{statement.id}"
    response = _post(client, admin, f"{admin}/publish", {"confirm": "yes"})
    assert response.status_code == 409
    assert "Adopt the statement before publishing it." in response.text


def test_diff_between_revisions_is_shown_escaped(client, db_session) -> None:
    sign_in(client, db_session)
    edition = make_edition(db_session)
    statement = make_statement(db_session, edition, body_en="Line one\nLine two")
    edit = f"/admin/editions/{edition.slug}/outcomes/{statement.id}/edit"
    values = {**FORM, "symbol": statement.symbol, "body_en": "Line one\n<b>Line 2</b>"}
    assert _post(client, edit, edit, values).status_code == 303
    diff = client.get(
        f"/admin/editions/{edition.slug}/outcomes/{statement.id}/diff?older=1&newer=2"
    )
    assert diff.status_code == 200
    assert "<del>- Line two</del>" in diff.text
    assert "<ins>+ &lt;b&gt;Line 2&lt;/b&gt;</ins>" in diff.text
    assert "  Line one" in diff.text
    missing = client.get(
        f"/admin/editions/{edition.slug}/outcomes/{statement.id}/diff?older=1&newer=9"
    )
    assert missing.status_code == 404 and "There is no revision 9" in missing.text
    assert (
        db_session.exec(select(OutcomeRevision).where(OutcomeRevision.statement_id == statement.id))
        .all()[-1]
        .body_en
        == "Line one\n<b>Line 2</b>"
    )


def test_unpublished_statements_are_not_public(client, db_session) -> None:
    edition = make_edition(db_session)
    draft = make_statement(db_session, edition, title_en="Secret draft")
    assert client.get(f"/editions/{edition.slug}/outcomes/{draft.id}").status_code == 404
    assert client.get(f"/editions/{edition.slug}/outcomes/{draft.id}.pdf").status_code == 404
    assert "Secret draft" not in client.get(f"/editions/{edition.slug}").text


def test_historical_outcomes_stay_marked_as_reported(client) -> None:
    page = client.get("/editions/2022-marrakech")
    assert "The official launch of the Marrakech Platform" in page.text
    assert "Marrakech Platform</cite>" in page.text
    assert "As reported by the sources, not the official text of an outcome statement." in page.text


def test_pdf_holds_the_text_in_english_and_arabic(client, db_session) -> None:
    edition = make_edition(db_session)
    statement = make_statement(
        db_session,
        edition,
        status="published",
        title_ar="إعلان الرباط",
        body_ar="نحن رؤساء الأجهزة نتفق",
    )
    url = f"/editions/{edition.slug}/outcomes/{statement.id}.pdf"
    english = client.get(url)
    assert english.status_code == 200 and english.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(english.content)).pages[0].extract_text()
    assert "Rabat Declaration" in text and "agreed" in text and "MP/2027/1" in text
    arabic = client.get(f"{url}?lang=ar")
    arabic_text = PdfReader(io.BytesIO(arabic.content)).pages[0].extract_text()
    assert "الرباط" in arabic_text or "ﺍﻟﺮﺑﺎﻁ" in arabic_text or "الأجهزة" in arabic_text


def test_a_missing_translation_falls_back_to_english_and_says_so(client, db_session) -> None:
    edition = make_edition(db_session)
    statement = make_statement(db_session, edition, status="published")
    page = client.get(f"/editions/{edition.slug}/outcomes/{statement.id}?lang=fr")
    assert '<html lang="fr" dir="ltr">' in page.text
    assert "<strong>agreed</strong>" in page.text
    assert '<div class="statement-body" lang="en" dir="ltr">' in page.text
    assert 'class="fallback-note"' in page.text


def test_control_characters_in_a_form_are_refused_next_to_the_field(client, db_session) -> None:
    sign_in(client, db_session)
    edition = make_edition(db_session)
    new = f"/admin/editions/{edition.slug}/outcomes/new"
    response = _post(client, new, new, {**FORM, "title_fr": "Déclaration\x00"})
    assert response.status_code == 422
    assert 'id="error-title_fr"' in response.text
    assert "Control characters are not allowed." in response.text
