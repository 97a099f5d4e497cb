"""An organiser saving a form opened before someone else changed the same object: the form
comes back as typed, naming who changed it and when (in the venue's time zone), and
nothing is overwritten; saving the form shown again is deliberate and overwrites."""

import html

import pytest
from sqlmodel import select

from app.audit.models import AuditEntry
from app.delegations.windows import settings_of
from app.editions.models import Edition
from app.i18n import format_moment
from app.outcomes.models import OutcomeStatement
from tests.factories import auth_headers, make_edition, make_statement, sign_in
from tests.html_forms import press

SAVED_MEANWHILE = "Palais des congrès"
TYPED = "Typed in the form"


def _edition(client, db_session, edition: Edition) -> tuple:  # noqa: ANN001
    api = f"/api/v1/editions/{edition.slug}"
    page = f"/admin/editions/{edition.slug}/edit"

    def stored() -> str:
        db_session.refresh(edition)
        return edition.venue or ""

    return page, ("patch", api, {"venue": SAVED_MEANWHILE}), "venue", "edition.update", stored


def _statement(client, db_session, edition: Edition) -> tuple:  # noqa: ANN001
    statement = make_statement(db_session, edition)
    api = f"/api/v1/editions/{edition.slug}/outcomes/{statement.id}"
    page = f"/admin/editions/{edition.slug}/outcomes/{statement.id}/edit"

    def stored() -> str:
        return db_session.get(OutcomeStatement, statement.id, populate_existing=True).title_en

    return page, ("patch", api, {"title_en": SAVED_MEANWHILE}), "title_en", "outcome.", stored


def _registration(client, db_session, edition: Edition) -> tuple:  # noqa: ANN001
    api = f"/api/v1/editions/{edition.slug}/registration"
    page = f"/admin/editions/{edition.slug}/registration"
    client.put(api, json={"default_quota": 3}, headers=auth_headers(db_session))

    def stored() -> str:
        settings = settings_of(db_session, edition)
        db_session.refresh(settings)
        return str(settings.default_quota)

    change = ("put", api, {"default_quota": 7})
    return page, change, "default_quota", "registration_settings.update", stored


@pytest.mark.parametrize("form", [_edition, _statement, _registration])
def test_a_stale_save_shows_who_changed_it_keeps_what_was_typed_and_overwrites_nothing(
    client,  # noqa: ANN001
    db_session,  # noqa: ANN001
    form,  # noqa: ANN001
) -> None:
    edition = make_edition(db_session)
    path, (method, api, change), field, action, stored = form(client, db_session, edition)
    sign_in(client, db_session)
    opened = client.get(path)
    assert 'name="version" value="' in opened.text
    # Meanwhile another organiser changes the same object through the API.
    other = client.request(method, api, json=change, headers=auth_headers(db_session))
    assert other.status_code == 200, other.text
    saved_meanwhile = stored()
    typed = "9" if field == "default_quota" else TYPED

    stale = press(client, opened.text, "Save", {field: typed}, follow_redirects=False)

    assert stale.status_code == 409, stale.text
    latest = db_session.exec(
        select(AuditEntry)
        .where(AuditEntry.action.startswith(action))  # type: ignore[attr-defined]
        .order_by(AuditEntry.id.desc())  # type: ignore[union-attr]
    ).first()
    when = format_moment(latest.occurred_at, "en", time_zone=edition.time_zone)
    assert html.escape(f"{latest.actor_label} changed this at {when}") in stale.text
    assert f'value="{typed}"' in stale.text  # what was typed is kept
    assert stored() == saved_meanwhile  # nothing overwritten
    # Saving the form shown again is deliberate: it overwrites.
    again = press(client, stale.text, "Save", {}, follow_redirects=False)
    assert again.status_code == 303, again.text
    assert stored() == typed


def test_a_save_without_a_change_meanwhile_is_made(client, db_session) -> None:  # noqa: ANN001
    edition = make_edition(db_session)
    sign_in(client, db_session)
    opened = client.get(f"/admin/editions/{edition.slug}/edit")
    saved = press(client, opened.text, "Save", {"venue": TYPED}, follow_redirects=False)
    assert saved.status_code == 303
    db_session.refresh(edition)
    assert edition.venue == TYPED


def test_settings_never_saved_are_saved_from_their_form_and_with_their_etag(
    client,  # noqa: ANN001
    db_session,  # noqa: ANN001
) -> None:
    edition = make_edition(db_session)
    sign_in(client, db_session)
    path = f"/admin/editions/{edition.slug}/registration"
    saved = press(client, client.get(path).text, "Save", {"default_quota": "4"})
    assert saved.status_code == 200 and "Registration settings saved." in saved.text
    assert settings_of(db_session, edition).default_quota == 4

    other = make_edition(db_session)
    api = f"/api/v1/editions/{other.slug}/registration"
    headers = auth_headers(db_session)
    etag = client.get(api, headers=headers).headers["etag"]
    put = client.put(api, json={"default_quota": 6}, headers={**headers, "If-Match": etag})
    assert put.status_code == 200, put.text
    assert put.json()["default_quota"] == 6
