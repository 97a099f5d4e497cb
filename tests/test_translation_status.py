"""Changing the English of an agenda item or an outcome statement flags its French and
Arabic as possibly out of date, shown to organisers, until they are saved changed."""

from app.editions.models import EditionStatus
from tests.agenda.test_pages import _form
from tests.factories import (
    extract_csrf,
    make_agenda_item,
    make_edition,
    make_statement,
    publish,
    sign_in,
)
from tests.outcomes.test_pages import FORM

FRENCH_ONLY = "The English changed since the French was last saved: it may be out of date."
BOTH = "The English changed since the French and Arabic were last saved: they may be out of date."


def test_an_agenda_items_french_is_flagged_until_it_is_saved_changed(client, db_session) -> None:
    edition = make_edition(db_session)
    item = make_agenda_item(
        db_session, edition, title_en="Opening", title_fr="Ouverture", room="Room A"
    )
    sign_in(client, db_session)
    editor = f"/admin/editions/{edition.slug}/agenda"
    token = extract_csrf(client.get(editor).text)
    fields = {"day": "2027-06-02", "starts_at": "09:00", "ends_at": "10:00"}
    renamed = client.post(
        f"{editor}/items/{item.id}",
        data={
            **_form(title_en="Opening ceremony", title_fr="Ouverture", **fields),
            "csrf_token": token,
        },
    )
    assert renamed.status_code == 200 and FRENCH_ONLY in renamed.text  # in the editor list
    db_session.refresh(item)
    assert item.fr_outdated and not item.ar_outdated  # no Arabic: nothing to flag
    assert FRENCH_ONLY in client.get(f"{editor}/items/{item.id}").text  # in the form
    resaved = client.post(
        f"{editor}/items/{item.id}",
        data={
            **_form(title_en="Opening ceremony", title_fr="Cérémonie d'ouverture", **fields),
            "csrf_token": token,
        },
    )
    assert FRENCH_ONLY not in resaved.text
    db_session.refresh(item)
    assert not item.fr_outdated


def test_a_statements_translations_are_flagged_when_its_english_text_changes(
    client, db_session
) -> None:
    sign_in(client, db_session)
    edition = make_edition(db_session, status=EditionStatus.held)
    statement = make_statement(
        db_session, edition, **{k: v for k, v in FORM.items() if k != "kind"}
    )
    edit = f"/admin/editions/{edition.slug}/outcomes/{statement.id}/edit"
    token = extract_csrf(client.get(edit).text)
    changed = {**FORM, "symbol": statement.symbol, "body_en": FORM["body_en"] + "\n\n2. More."}
    saved = client.post(edit, data={**changed, "csrf_token": token})
    assert saved.status_code == 200 and BOTH in saved.text
    listing = client.get(f"/admin/editions/{edition.slug}")
    assert BOTH in listing.text
    arabic_saved = client.post(
        edit, data={**changed, "body_ar": FORM["body_ar"] + "\n\n٢. المزيد.", "csrf_token": token}
    )
    assert FRENCH_ONLY in arabic_saved.text
    db_session.refresh(statement)
    assert statement.fr_outdated and not statement.ar_outdated


OUTDATED = "This translation may be out of date: the English text has changed since it was written."


def _outdated_note(language: str) -> str:
    from app import i18n

    note = i18n.gettext(language, OUTDATED)
    assert note != OUTDATED  # the catalogue has it
    return note


def test_the_public_agenda_says_when_a_translation_may_be_out_of_date(client, db_session) -> None:
    edition = make_edition(db_session)
    texts = {"title_fr": "Ouverture", "title_ar": "الافتتاح"}
    item = make_agenda_item(db_session, edition, title_en="Opening", room="Room A", **texts)
    sign_in(client, db_session)
    editor = f"/admin/editions/{edition.slug}/agenda"
    token = extract_csrf(client.get(editor).text)
    fields = {"day": "2027-06-02", "starts_at": "09:00", "ends_at": "10:00", **texts}
    client.post(
        f"{editor}/items/{item.id}",
        data={**_form(title_en="Opening ceremony", **fields), "csrf_token": token},
    )
    publish(db_session, edition, "English retitled")
    agenda = f"/editions/{edition.slug}/agenda"
    for language, title in (("fr", "Ouverture"), ("ar", "الافتتاح")):
        page = client.get(f"{agenda}?lang={language}")
        assert title in page.text and _outdated_note(language) in page.text
        items = client.get(f"{agenda}.json?lang={language}").json()["items"]
        assert items[0]["title"] == title and items[0]["translation_outdated"] is True
        revision = client.get(
            f"/api/v1/editions/{edition.slug}/agenda/revisions/0?lang={language}"
        ).json()
        assert revision["items"][0]["translation_outdated"] is True
    english = client.get(f"{agenda}?lang=en")
    assert OUTDATED not in english.text
    assert client.get(f"{agenda}.json?lang=en").json()["items"][0]["translation_outdated"] is False

    # The French saved again and published: no note in French, the Arabic still has one.
    client.post(
        f"{editor}/items/{item.id}",
        data={
            **_form(title_en="Opening ceremony", **{**fields, "title_fr": "Cérémonie d'ouverture"}),
            "csrf_token": token,
        },
    )
    publish(db_session, edition, "French updated")
    assert _outdated_note("fr") not in client.get(f"{agenda}?lang=fr").text
    assert _outdated_note("ar") in client.get(f"{agenda}?lang=ar").text
    # Rev.0 stays as it was issued.
    assert _outdated_note("fr") in client.get(f"{agenda}?lang=fr&rev=0").text


def test_a_published_statement_says_when_a_translation_may_be_out_of_date(
    client, db_session
) -> None:
    sign_in(client, db_session)
    edition = make_edition(db_session, status=EditionStatus.held)
    statement = make_statement(
        db_session, edition, **{k: v for k, v in FORM.items() if k != "kind"}
    )
    admin = f"/admin/editions/{edition.slug}/outcomes/{statement.id}"
    token = extract_csrf(client.get(f"{admin}/edit").text)
    changed = {**FORM, "symbol": statement.symbol, "body_en": FORM["body_en"] + "\n\n2. More."}
    changed["body_ar"] = FORM["body_ar"] + "\n\n٢. المزيد."  # the Arabic kept up to date
    client.post(f"{admin}/edit", data={**changed, "csrf_token": token})
    client.post(f"{admin}/adopt", data={"adopted_date": "2026-06-03", "csrf_token": token})
    client.post(f"{admin}/publish", data={"confirm": "yes", "csrf_token": token})
    public = f"/editions/{edition.slug}/outcomes/{statement.id}"
    french = client.get(f"{public}?lang=fr")
    assert french.status_code == 200 and "Déclaration de Rabat" in french.text
    assert _outdated_note("fr") in french.text
    assert _outdated_note("ar") not in client.get(f"{public}?lang=ar").text
    api = f"/api/v1/editions/{edition.slug}/outcomes/{statement.id}"
    assert client.get(f"{api}?lang=fr").json()["translation_outdated"] is True
    assert client.get(f"{api}?lang=ar").json()["translation_outdated"] is False
    assert client.get(f"{api}?lang=en").json()["translation_outdated"] is False
