"""The chair and the speakers of an item in the reader's language, where given: typed in
the organisers' form or sent to the API, shown on the public page and in the PDF, with the
English (marked lang="en") where a translation is missing."""

import re

from tests.agenda.test_pages import _form
from tests.factories import (
    auth_headers,
    extract_csrf,
    make_agenda_item,
    make_edition,
    publish,
    sign_in,
)
from tests.pdf_text import copied_text, extracted_text

CHAIR = {"chair": "H.E. Ms. Amina Diallo", "chair_fr": "S.E. Mme Amina Diallo"}
CHAIR_AR = "معالي السيدة أمينة ديالو"
SPEAKERS = {
    "speakers": "Mr. John Smith | Director, Border Police\nMs. Fatima Zahra | Prosecutor",
    "speakers_fr": "M. John Smith | Directeur, Police des frontières",
    "speakers_ar": "السيد جون سميث | مدير شرطة الحدود\nالسيدة فاطمة الزهراء | مدعية عامة",
}


def _item_through_the_form(client, db_session):  # noqa: ANN001, ANN202
    edition = make_edition(db_session)
    sign_in(client, db_session)
    form_page = client.get(f"/admin/editions/{edition.slug}/agenda/items/new")
    assert 'for="field-chair_ar"' in form_page.text and 'for="field-speakers_fr"' in form_page.text
    response = client.post(
        f"/admin/editions/{edition.slug}/agenda/items/new",
        data={
            **_form(**CHAIR, chair_ar=CHAIR_AR, **SPEAKERS),
            "csrf_token": extract_csrf(form_page.text),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    publish(db_session, edition)
    return edition


def test_the_page_shows_the_chair_and_speakers_in_the_readers_language(client, db_session) -> None:
    edition = _item_through_the_form(client, db_session)
    french = client.get(f"/editions/{edition.slug}/agenda?lang=fr").text
    assert "<bdi>S.E. Mme Amina Diallo</bdi>" in french
    assert "<bdi>M. John Smith</bdi>" in french and "Directeur, Police des frontières" in french
    # The second speaker has no French: the English, marked as English.
    assert '<bdi lang="en">Ms. Fatima Zahra</bdi>' in french
    assert '<bdi lang="en">Prosecutor</bdi>' in french
    arabic = client.get(f"/editions/{edition.slug}/agenda?lang=ar").text
    assert f"<bdi>{CHAIR_AR}</bdi>" in arabic and "<bdi>مدعية عامة</bdi>" in arabic
    assert "John Smith" not in arabic
    english = client.get(f"/editions/{edition.slug}/agenda?lang=en").text
    assert "<bdi>H.E. Ms. Amina Diallo</bdi>" in english and 'lang="en">Prosecutor' not in english


def test_the_form_gives_back_what_was_typed_in_each_language(client, db_session) -> None:
    edition = _item_through_the_form(client, db_session)
    editor = client.get(f"/admin/editions/{edition.slug}/agenda").text
    item_id = re.search(r"/agenda/items/(\d+)", editor).group(1)
    form = client.get(f"/admin/editions/{edition.slug}/agenda/items/{item_id}").text
    assert 'value="S.E. Mme Amina Diallo"' in form and f'value="{CHAIR_AR}"' in form
    assert "M. John Smith | Directeur, Police des frontières</textarea>" in form
    assert "السيدة فاطمة الزهراء | مدعية عامة</textarea>" in form


def test_more_translated_lines_than_speakers_are_refused_next_to_the_field(
    client, db_session
) -> None:
    edition = make_edition(db_session)
    sign_in(client, db_session)
    form_page = client.get(f"/admin/editions/{edition.slug}/agenda/items/new")
    response = client.post(
        f"/admin/editions/{edition.slug}/agenda/items/new",
        data={
            **_form(speakers="John Smith", speakers_fr="John Smith\nUn de trop"),
            "csrf_token": extract_csrf(form_page.text),
        },
    )
    assert response.status_code == 422
    assert 'id="error-speakers_fr"' in response.text
    assert "One line per speaker, in the order of the English list." in response.text
    assert "Un de trop" in response.text  # nothing typed is lost


def test_the_arabic_pdf_names_the_chair_and_speakers_in_arabic(client, db_session) -> None:
    edition = _item_through_the_form(client, db_session)
    content = client.get(f"/editions/{edition.slug}/agenda.pdf?lang=ar").content
    text = extracted_text(content)
    copied = copied_text(content)
    assert CHAIR_AR in copied and "مدير شرطة الحدود" in copied
    assert "Amina Diallo" not in text


def test_the_api_takes_and_returns_the_translated_forms(client, db_session) -> None:
    edition = make_edition(db_session)
    headers = auth_headers(db_session)
    created = client.post(
        f"/api/v1/editions/{edition.slug}/agenda/items",
        headers=headers,
        json={
            "kind": "panel",
            "starts_at": "2027-06-02T14:00",
            "ends_at": "2027-06-02T15:00",
            "title_en": "Panel",
            "chair": "Ms. Amina Diallo",
            "chair_ar": CHAIR_AR,
            "speakers": [
                {"name": "Mr. John Smith", "function": "Director", "function_fr": "Directeur"}
            ],
        },
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["chair_ar"] == CHAIR_AR and body["chair_fr"] is None
    assert body["speakers"][0]["function_fr"] == "Directeur"
    publish(db_session, edition)
    exported = client.get(f"/editions/{edition.slug}/agenda.json?lang=fr").json()
    assert exported["items"][0]["speakers"][0]["function"] == "Directeur"
    assert exported["items"][0]["chair"] == "Ms. Amina Diallo"


def test_changing_the_english_chair_flags_the_translations(client, db_session) -> None:
    edition = make_edition(db_session)
    item = make_agenda_item(
        db_session,
        edition,
        title_en="Opening",
        title_fr="Ouverture",
        title_ar="الافتتاح",
        chair="Mr. A",
        chair_fr="M. A",
        chair_ar="السيد أ",
    )
    sign_in(client, db_session)
    editor = f"/admin/editions/{edition.slug}/agenda"
    token = extract_csrf(client.get(editor).text)
    unchanged = {"title_en": "Opening", "title_fr": "Ouverture", "title_ar": "الافتتاح"}
    fields = {"day": "2027-06-02", "starts_at": "09:00", "ends_at": "10:00", "speakers": ""}
    client.post(
        f"{editor}/items/{item.id}",
        data={
            **_form(**unchanged, **fields, chair="Mr. B", chair_fr="M. A", chair_ar="السيد أ"),
            "csrf_token": token,
        },
    )
    db_session.refresh(item)
    assert item.fr_outdated and item.ar_outdated
    client.post(
        f"{editor}/items/{item.id}",
        data={
            **_form(**unchanged, **fields, chair="Mr. B", chair_fr="M. B", chair_ar="السيد أ"),
            "csrf_token": token,
        },
    )
    db_session.refresh(item)
    assert not item.fr_outdated and item.ar_outdated
