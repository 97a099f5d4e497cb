"""Changing the English of an agenda item or an outcome statement flags its French and
Arabic as possibly out of date, shown to organisers, until they are saved changed."""

from app.editions.models import EditionStatus
from tests.agenda.test_pages import _form
from tests.factories import extract_csrf, make_agenda_item, make_edition, make_statement, sign_in
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
