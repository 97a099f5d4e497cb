"""The public agenda page, the changes page and the organisers' editor."""

import html

from icalendar import Calendar
from sqlmodel import select

from app.agenda.models import AgendaItem, AgendaRevision
from app.auth.models import Role
from app.i18n import format_moment
from tests.factories import extract_csrf, make_agenda_item, make_edition, publish, sign_in

MARKUP = "<script>alert(1)</script> & Co"


def _form(**overrides: str) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": "panel",
        "day": "2027-06-02",
        "starts_at": "14:00",
        "ends_at": "15:30",
        "title_en": "Panel on borders",
        "title_fr": "",
        "title_ar": "",
        "room": "Room A",
        "chair": "The chair",
        "speakers": "Amina Diallo | Director\nJohn Smith",
        "interpretation_languages": ["ar", "fr"],
        "visibility": "public",
    }
    data.update(overrides)
    return data


def test_agenda_page_shows_the_latest_revision_and_links_every_output(client, db_session) -> None:
    edition = make_edition(db_session)
    make_agenda_item(db_session, edition, title_en="Opening", title_fr="Ouverture")
    publish(db_session, edition, "First issue")
    make_agenda_item(
        db_session,
        edition,
        title_en="Panel",
        starts_at="2027-06-03T10:00",
        ends_at="2027-06-03T11:00",
    )
    make_agenda_item(db_session, edition, title_en="Hidden", visibility="closed", room="X")
    publish(db_session, edition, "Panel added")
    page = client.get(f"/editions/{edition.slug}/agenda?lang=fr")
    assert "Rev.1" in page.text and "Ouverture" in page.text and "Panel" in page.text
    assert "Hidden" not in page.text
    assert "Panel added" in page.text and "First issue" in page.text
    for path in ("agenda.pdf", "agenda.ics", "agenda.json", "schedule.xml", "schedule.json"):
        assert f"/editions/{edition.slug}/{path}?rev=1&amp;lang=fr" in page.text
    old = client.get(f"/editions/{edition.slug}/agenda?rev=0&lang=en")
    assert "Rev.0" in old.text and "superseded by Rev.1" in old.text
    assert "09:00" in old.text and "Panel</h3>" not in old.text


def test_agenda_page_before_any_publication_is_404(client, db_session) -> None:
    edition = make_edition(db_session)
    make_agenda_item(db_session, edition)
    response = client.get(f"/editions/{edition.slug}/agenda")
    assert response.status_code == 404 and "No agenda has been published" in response.text


def test_changes_page_lists_added_changed_and_removed_public_items(client, db_session) -> None:
    edition = make_edition(db_session)
    kept = make_agenda_item(db_session, edition, title_en="Opening", room="Hall")
    gone = make_agenda_item(
        db_session,
        edition,
        title_en="Side event",
        starts_at="2027-06-02T11:00",
        ends_at="2027-06-02T12:00",
    )
    publish(db_session, edition)
    kept_row = db_session.get(AgendaItem, kept.id)
    kept_row.room = "Grand hall"
    db_session.delete(db_session.get(AgendaItem, gone.id))
    db_session.commit()
    make_agenda_item(
        db_session,
        edition,
        title_en="Press briefing",
        starts_at="2027-06-03T12:00",
        ends_at="2027-06-03T12:30",
    )
    publish(db_session, edition)
    page = client.get(f"/editions/{edition.slug}/agenda/changes?from=0&to=1")
    assert page.status_code == 200
    text = page.text
    assert "Added</strong>: Press briefing" in text
    assert "Removed</strong>: Side event" in text
    assert (
        "Changed</strong>: Opening" in text and "Grand hall" in text and "<del>Hall</del>" in text
    )
    same = client.get(f"/editions/{edition.slug}/agenda/changes?from=1&to=1")
    assert same.status_code == 422


def test_agenda_page_queries_do_not_grow_with_items(client, db_session, count_queries) -> None:
    counts = []
    for size in (1, 30):
        edition = make_edition(db_session)
        for n in range(size):
            make_agenda_item(
                db_session,
                edition,
                title_en=f"Item {n}",
                room=f"Room {n}",
                speakers=[{"name": f"Speaker {n}"}],
            )
        publish(db_session, edition)
        with count_queries() as counter:
            page = client.get(f"/editions/{edition.slug}/agenda")
        assert f"Item {size - 1}" in page.text
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


def test_markup_in_every_field_is_escaped_on_the_page(client, db_session) -> None:
    edition = make_edition(db_session)
    make_agenda_item(
        db_session,
        edition,
        title_en=MARKUP,
        description_en=MARKUP,
        room=MARKUP,
        chair=MARKUP,
        speakers=[{"name": MARKUP, "function": MARKUP}],
    )
    publish(db_session, edition, MARKUP)
    page = client.get(f"/editions/{edition.slug}/agenda")
    assert "<script>alert(1)" not in page.text
    assert page.text.count("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co") >= 6


def test_editor_requires_sign_in(client, db_session) -> None:
    edition = make_edition(db_session)
    response = client.get(f"/admin/editions/{edition.slug}/agenda", follow_redirects=False)
    assert response.status_code == 303 and "/admin/sign-in" in response.headers["location"]


def test_organiser_adds_an_item_through_the_form(client, db_session) -> None:
    edition = make_edition(db_session)
    sign_in(client, db_session)
    form_page = client.get(f"/admin/editions/{edition.slug}/agenda/items/new")
    assert 'value="2027-06-02"' in form_page.text
    response = client.post(
        f"/admin/editions/{edition.slug}/agenda/items/new",
        data={**_form(), "csrf_token": extract_csrf(form_page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/admin/editions/{edition.slug}/agenda"
    item = db_session.exec(select(AgendaItem).where(AgendaItem.edition_id == edition.id)).one()
    assert item.title_en == "Panel on borders" and item.interpretation_languages == ["ar", "fr"]
    assert item.starts_at.isoformat() == "2027-06-02T13:00:00+00:00"
    editor = client.get(f"/admin/editions/{edition.slug}/agenda")
    assert "Missing translations" in editor.text and "Title (French)" in editor.text
    assert "Not yet published" in editor.text and "Added</strong>: Panel on borders" in editor.text
    edit = client.get(f"/admin/editions/{edition.slug}/agenda/items/{item.id}")
    assert "Amina Diallo | Director" in edit.text


def test_refused_item_comes_back_with_the_message_next_to_the_field(client, db_session) -> None:
    edition = make_edition(db_session)
    sign_in(client, db_session)
    token = extract_csrf(client.get(f"/admin/editions/{edition.slug}/agenda/items/new").text)
    url = f"/admin/editions/{edition.slug}/agenda/items/new"
    backwards = client.post(url, data={**_form(ends_at="13:00"), "csrf_token": token})
    assert backwards.status_code == 422
    assert (
        'id="error-ends_at"' in backwards.text and "end must be after the start" in backwards.text
    )
    assert 'value="Panel on borders"' in backwards.text
    outside = client.post(url, data={**_form(day="2027-07-01"), "csrf_token": token})
    assert outside.status_code == 422 and "within the edition" in outside.text
    untitled = client.post(url, data={**_form(title_en=""), "csrf_token": token})
    assert untitled.status_code == 422 and 'id="error-title_en"' in untitled.text
    make_agenda_item(
        db_session, edition, room="Room A", starts_at="2027-06-02T14:30", ends_at="2027-06-02T15:00"
    )
    clash = client.post(url, data={**_form(), "csrf_token": token})
    assert (
        clash.status_code == 422
        and 'id="error-room"' in clash.text
        and "already in use" in clash.text
    )
    no_csrf = client.post(url, data=_form())
    assert no_csrf.status_code == 403
    assert (
        len(db_session.exec(select(AgendaItem).where(AgendaItem.edition_id == edition.id)).all())
        == 1
    )


def test_organiser_edits_reorders_deletes_and_publishes(client, db_session) -> None:
    edition = make_edition(db_session)
    first = make_agenda_item(db_session, edition, title_en="First", room="A")
    second = make_agenda_item(db_session, edition, title_en="Second", room="B")
    sign_in(client, db_session)
    editor_url = f"/admin/editions/{edition.slug}/agenda"
    token = extract_csrf(client.get(editor_url).text)
    client.post(
        f"{editor_url}/items/{second.id}/move", data={"direction": "up", "csrf_token": token}
    )
    editor = client.get(editor_url).text
    assert editor.index("Second") < editor.index("First")
    updated = client.post(
        f"{editor_url}/items/{first.id}",
        data={
            **_form(
                title_en="First, renamed",
                day="2027-06-02",
                starts_at="09:00",
                ends_at="10:00",
                room="A",
            ),
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert updated.status_code == 303, updated.text[-3000:]
    assert db_session.get(AgendaItem, first.id).uid == first.uid
    published = client.post(
        f"{editor_url}/publish",
        data={"note": "For delegations", "csrf_token": token},
        follow_redirects=False,
    )
    assert published.status_code == 303
    revision = db_session.exec(
        select(AgendaRevision).where(AgendaRevision.edition_id == edition.id)
    ).one()
    assert revision.number == 0 and revision.note == "For delegations"
    assert revision.published_by is not None
    again = client.post(f"{editor_url}/publish", data={"note": "", "csrf_token": token})
    assert again.status_code == 422 and "Nothing has changed since Rev.0" in again.text
    asked = client.post(f"{editor_url}/items/{second.id}/delete", data={"csrf_token": token})
    assert "Delete this item?" in asked.text and db_session.get(AgendaItem, second.id)
    deleted = client.post(
        f"{editor_url}/items/{second.id}/delete", data={"csrf_token": token, "confirm": "yes"}
    )
    assert "Item deleted." in deleted.text
    assert db_session.get(AgendaItem, second.id) is None
    editor = client.get(editor_url).text
    assert "Removed</strong>: Second" in editor and "Publish Rev.1" in editor


def test_a_viewer_sees_the_editor_but_cannot_change_the_agenda(client, db_session) -> None:
    edition = make_edition(db_session)
    item = make_agenda_item(db_session, edition, title_en="Opening")
    sign_in(client, db_session, role=Role.viewer)
    editor = client.get(f"/admin/editions/{edition.slug}/agenda")
    assert editor.status_code == 200 and "Opening" in editor.text
    refused = client.post(
        f"/admin/editions/{edition.slug}/agenda/items/{item.id}/delete",
        data={"csrf_token": extract_csrf(editor.text)},
    )
    assert refused.status_code == 403
    assert db_session.get(AgendaItem, item.id) is not None


def test_unknown_or_invalid_revisions_are_refused_clearly(client, db_session) -> None:
    edition = make_edition(db_session)
    make_agenda_item(db_session, edition)
    publish(db_session, edition)
    missing = client.get(f"/editions/{edition.slug}/agenda.pdf?rev=4")
    assert missing.status_code == 404 and "Rev.4" in missing.text
    negative = client.get(f"/editions/{edition.slug}/agenda.ics?rev=-1")
    assert negative.status_code == 422 and "rev" in negative.text


def test_the_api_documentation_lists_the_agenda_routes(client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/v1/editions/{slug}/agenda/items" in paths
    assert "/api/v1/editions/{slug}/agenda/revisions/{number}" in paths


def test_edition_page_links_the_published_agenda(client, db_session) -> None:
    edition = make_edition(db_session)
    assert "agenda.pdf" not in client.get(f"/editions/{edition.slug}").text
    make_agenda_item(db_session, edition, title_en="Opening")
    publish(db_session, edition, "First issue")
    page = client.get(f"/editions/{edition.slug}?lang=en").text
    assert f'href="/editions/{edition.slug}/agenda"' in page and "Rev.0" in page
    assert f'href="/editions/{edition.slug}/agenda.ics"' in page


def test_lists_and_names_read_right_in_each_language(client, db_session) -> None:
    edition = make_edition(db_session)
    make_agenda_item(
        db_session,
        edition,
        title_en="Panel",
        title_ar="جلسة",
        speakers=[{"name": "Amina Diallo", "function": "Director, Border Police"}],
        interpretation_languages=["ar", "en", "fr"],
    )
    publish(db_session, edition, "First issue, English only.")
    english = client.get(f"/editions/{edition.slug}/agenda?lang=en").text
    assert "Interpretation: Arabic, English and French" in english
    arabic = client.get(f"/editions/{edition.slug}/agenda?lang=ar").text
    assert "العربية والإنكليزية والفرنسية" in arabic
    # Latin names and functions are isolated, so their commas stay with them in Arabic text;
    # given in English only, they are marked as English.
    assert (
        '<bdi lang="en">Amina Diallo</bdi></strong>، <bdi lang="en">Director, Border Police</bdi>'
        in arabic
    )
    assert '<p class="agenda-note" dir="auto">First issue, English only.</p>' in arabic
    assert ": <bdi>First issue, English only.</bdi>" in arabic  # the list of revisions
    calendar = Calendar.from_ical(client.get(f"/editions/{edition.slug}/agenda.ics?lang=fr").text)
    [event] = calendar.walk("VEVENT")
    assert "Interprétation\u00a0: Arabe, Anglais et Français" in str(event["DESCRIPTION"])


def test_a_viewer_is_shown_no_control_that_would_be_refused(client, db_session) -> None:
    sign_in(client, db_session, role=Role.viewer)
    edition = make_edition(db_session)
    make_agenda_item(db_session, edition)
    editor = client.get(f"/admin/editions/{edition.slug}/agenda")
    assert editor.status_code == 200 and "Opening plenary" in editor.text
    for control in ("Add an item", ">Edit<", ">Delete<", "Publish Rev."):
        assert control not in editor.text, control
    assert editor.text.count('method="post"') == 1  # signing out
    settings = client.get(f"/admin/editions/{edition.slug}/registration")
    assert settings.status_code == 200 and ">Save<" not in settings.text
    assert "<fieldset disabled>" in settings.text


def test_a_stale_save_shows_the_form_again_with_who_changed_the_item(client, db_session) -> None:
    from app.audit.models import AuditEntry
    from tests.factories import auth_headers

    edition = make_edition(db_session)
    item = make_agenda_item(db_session, edition, title_en="Opening", room="A")
    sign_in(client, db_session)
    edit_url = f"/admin/editions/{edition.slug}/agenda/items/{item.id}"
    form_page = client.get(edit_url).text
    version = html.unescape(form_page.split('name="version" value="')[1].split('"')[0])
    assert version
    token = extract_csrf(form_page)
    # Meanwhile another organiser renames the item through the API.
    other = client.patch(
        f"/api/v1/editions/{edition.slug}/agenda/items/{item.id}",
        json={"title_en": "Opening ceremony"},
        headers=auth_headers(db_session),
    )
    assert other.status_code == 200, other.text
    typed = _form(title_en="Opening plenary", version=version, csrf_token=token)
    stale = client.post(edit_url, data=typed, follow_redirects=False)
    assert stale.status_code == 409
    change = db_session.exec(
        select(AuditEntry).where(AuditEntry.action == "agenda_item.update")
    ).one()
    when = format_moment(change.occurred_at, "en", time_zone=edition.time_zone)
    assert html.escape(f"{change.actor_label} changed this item at {when}") in stale.text
    assert 'value="Opening plenary"' in stale.text  # what was typed is kept
    db_session.refresh(item)
    assert item.title_en == "Opening ceremony"
    # Saving again from the form shown is deliberate: it overwrites.
    new_version = html.unescape(stale.text.split('name="version" value="')[1].split('"')[0])
    again = client.post(edit_url, data={**typed, "version": new_version}, follow_redirects=False)
    assert again.status_code == 303, again.text
    db_session.refresh(item)
    assert item.title_en == "Opening plenary"
