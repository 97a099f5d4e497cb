"""The focal point's form at /register/{token}, used as a browser without JavaScript."""

import io
import re
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from app.audit.service import SYSTEM
from app.delegations import invitations
from app.delegations.models import Delegation, Participant
from app.entities.models import Entity
from tests.factories import (
    extract_csrf,
    make_delegation,
    make_edition,
    open_registration,
    participant_data,
)
from tests.html_forms import press


def _setup(db_session, quota: int = 5):  # noqa: ANN001, ANN202
    edition = make_edition(db_session)
    settings = open_registration(db_session, edition, quota=quota)
    delegation, token = make_delegation(db_session, edition, email="fp@kenya.example")
    return edition, settings, delegation, token


def _post(client, token: str, path: str, data: dict, **kwargs):  # noqa: ANN001, ANN003, ANN202
    page = client.get(f"/register/{token}")
    data = {**data, "csrf_token": extract_csrf(page.text)}
    return client.post(f"/register/{token}{path}", data=data, follow_redirects=False, **kwargs)


def test_focal_point_registers_head_and_two_members_then_corrects_a_name(
    client, db_session
) -> None:
    _, _, delegation, token = _setup(db_session)
    page = client.get(f"/register/{token}")
    assert page.status_code == 200 and "Kenya" in page.text
    assert page.headers["cache-control"] == "no-store"
    head = _post(client, token, "/participants", participant_data(role="head", given_name="Amina"))
    assert head.status_code == 303 and head.headers["location"].startswith(f"/register/{token}")
    for name in ("Otieno", "محمد"):
        assert (
            _post(client, token, "/participants", participant_data(given_name=name)).status_code
            == 303
        )
    page = client.get(f"/register/{token}")
    assert "Amina" in page.text and "محمد" in page.text and "Otieno" in page.text
    otieno = db_session.exec(select(Participant).where(Participant.given_name == "Otieno")).one()
    edit = client.get(f"/register/{token}?edit={otieno.id}")
    assert 'value="Otieno"' in edit.text
    corrected = _post(
        client,
        token,
        f"/participants/{otieno.id}",
        participant_data(given_name="Otieno Jr", email=otieno.email),
    )
    assert corrected.status_code == 303
    db_session.refresh(otieno)
    assert otieno.given_name == "Otieno Jr"
    details = _post(
        client,
        token,
        "/details",
        {
            "focal_point_name": "Wanjiru",
            "focal_point_email": "fp@kenya.example",
            "focal_point_language": "fr",
        },
    )
    assert details.status_code == 303
    submitted = _post(client, token, "/submit", {})
    assert submitted.status_code == 303
    db_session.refresh(delegation)
    assert delegation.status == "submitted"


def test_errors_come_back_next_to_the_field_in_the_form_language(client, db_session) -> None:
    _, _, _, token = _setup(db_session)
    client.get(f"/register/{token}?lang=fr")
    response = _post(
        client,
        token,
        "/participants",
        participant_data(given_name="", email="not-an-email", arrival_date="soon"),
    )
    assert response.status_code == 422
    assert 'id="error-arrival_date"' in response.text
    assert 'id="error-given_name"' in response.text and 'id="error-email"' in response.text
    assert 'lang="fr"' in response.text
    assert 'value="not-an-email"' in response.text  # what was typed comes back


def test_the_quota_is_shown_and_enforced_on_the_form(client, db_session) -> None:
    _, _, _, token = _setup(db_session, quota=1)
    assert _post(client, token, "/participants", participant_data(role="head")).status_code == 303
    page = client.get(f"/register/{token}")
    assert "reached its quota of 1" in page.text
    over = _post(client, token, "/participants", participant_data())
    assert over.status_code == 409 and "The delegation is full: its quota is 1." in over.text


def test_after_the_deadline_the_form_is_read_only(client, db_session) -> None:
    _, settings, _, token = _setup(db_session)
    _post(client, token, "/participants", participant_data(role="head", given_name="Before"))
    csrf = extract_csrf(client.get(f"/register/{token}").text)
    settings.deadline_at = datetime.now(UTC) - timedelta(seconds=1)
    db_session.add(settings)
    db_session.commit()
    page = client.get(f"/register/{token}")
    assert "read-only" in page.text and "Before" in page.text
    assert "Add this member" not in page.text
    late = client.post(
        f"/register/{token}/participants",
        data={**participant_data(given_name="After"), "csrf_token": csrf},
    )
    assert late.status_code == 409
    assert (
        db_session.exec(select(Participant).where(Participant.given_name == "After")).first()
        is None
    )


def test_a_post_without_its_csrf_token_is_refused(client, db_session) -> None:
    _, _, _, token = _setup(db_session)
    client.get(f"/register/{token}")
    response = client.post(f"/register/{token}/participants", data=participant_data())
    assert response.status_code == 403 and "expired" in response.text
    assert db_session.exec(select(Participant)).first() is None


def test_a_link_never_reaches_another_delegation_or_edition(client, db_session) -> None:
    edition, _, kenya, kenya_token = _setup(db_session)
    nigeria, nigeria_token = make_delegation(db_session, edition, code="NGA")
    _post(client, nigeria_token, "/participants", participant_data(given_name="Chinedu"))
    nigerian = db_session.exec(select(Participant).where(Participant.given_name == "Chinedu")).one()
    # Kenya's link cannot edit, remove or even see Nigeria's member.
    assert "Chinedu" not in client.get(f"/register/{kenya_token}?edit={nigerian.id}").text
    edit = _post(client, kenya_token, f"/participants/{nigerian.id}", participant_data())
    remove = _post(client, kenya_token, f"/participants/{nigerian.id}/delete", {})
    assert edit.status_code == 422 and remove.status_code == 422
    db_session.refresh(nigerian)
    assert nigerian.given_name == "Chinedu" and nigerian.delegation_id == nigeria.id
    later = make_edition(db_session)
    open_registration(db_session, later)
    make_delegation(db_session, later, code="KEN")
    page = client.get(f"/register/{kenya_token}")
    assert (
        later.title_en not in page.text
        and db_session.get(Delegation, kenya.id).edition_id == edition.id
    )


def test_an_unknown_or_revoked_link_is_a_404(client, db_session) -> None:
    unknown = client.get("/register/not-a-real-token")
    assert unknown.status_code == 404
    assert "This registration link is not valid" in unknown.text
    edition, _, delegation, token = _setup(db_session)
    entity = db_session.get(Entity, delegation.entity_id)
    invitations.reissue_link(
        db_session, edition=edition, delegation=delegation, entity=entity, actor=SYSTEM
    )
    revoked = client.get(f"/register/{token}")
    assert revoked.status_code == 404 and "This registration link is not valid" in revoked.text
    assert "Kenya" not in revoked.text  # nothing of the delegation shows


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_letter_upload_is_checked_by_content_and_served_only_to_its_delegation(
    client, db_session, tmp_path, monkeypatch
) -> None:
    from app.config import get_settings

    monkeypatch.setattr(get_settings(), "var_dir", tmp_path)
    edition, _, delegation, token = _setup(db_session)
    fake = _post(
        client, token, "/letter", {}, files={"letter": ("letter.pdf", b"<html>", "application/pdf")}
    )
    assert fake.status_code == 422 and "must be a PDF" in fake.text
    broken = _post(
        client,
        token,
        "/letter",
        {},
        files={"letter": ("l.pdf", b"%PDF-1.4 garbage", "application/pdf")},
    )
    assert broken.status_code == 422
    ok = _post(
        client,
        token,
        "/letter",
        {},
        files={"letter": ("Note verbale.pdf", _pdf(), "application/pdf")},
    )
    assert ok.status_code == 303
    db_session.refresh(delegation)
    stored = list((tmp_path / "uploads").iterdir())
    assert len(stored) == 1 and stored[0].name == delegation.letter_file
    assert "Note" not in stored[0].name
    assert client.get(f"/register/{token}/letter").content.startswith(b"%PDF-")
    _, other_token = make_delegation(db_session, edition, code="NGA")
    assert client.get(f"/register/{other_token}/letter").status_code == 404
    assert client.get(f"/static/../var/uploads/{delegation.letter_file}").status_code == 404


def test_the_form_speaks_the_focal_points_language_until_another_is_chosen(
    client, db_session
) -> None:
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    delegation, token = make_delegation(db_session, edition)
    delegation.focal_point_language = "ar"
    db_session.add(delegation)
    db_session.commit()
    page = client.get(f"/register/{token}")
    assert 'lang="ar" dir="rtl"' in page.text
    chosen = client.get(f"/register/{token}?lang=en")
    assert 'lang="en" dir="ltr"' in chosen.text


def test_a_letter_over_5_mb_is_refused_with_its_message(
    client, db_session, tmp_path, monkeypatch
) -> None:
    from app.config import get_settings

    monkeypatch.setattr(get_settings(), "var_dir", tmp_path)
    _, _, _, token = _setup(db_session)
    big = _pdf() + b"%" + b"0" * (5 * 1024 * 1024)
    response = _post(
        client, token, "/letter", {}, files={"letter": ("big.pdf", big, "application/pdf")}
    )
    assert response.status_code == 422 and "at most 5 MB" in response.text
    assert not (tmp_path / "uploads").exists() or not any((tmp_path / "uploads").iterdir())


def test_the_form_takes_an_optional_gender(client, db_session) -> None:  # noqa: ANN001
    _, _, delegation, token = _setup(db_session)
    page = client.get(f"/register/{token}")
    assert 'name="gender"' in page.text and "Other or prefers not to say" in page.text
    given = _post(client, token, "/participants", participant_data(role="head", gender="female"))
    assert given.status_code == 303
    blank = _post(client, token, "/participants", participant_data(given_name="Blank", gender=""))
    assert blank.status_code == 303
    wrong = _post(client, token, "/participants", participant_data(gender="robot"))
    assert wrong.status_code == 422
    assert "Choose a gender from the list, or leave it blank." in wrong.text
    stored = db_session.exec(
        select(Participant.given_name, Participant.gender).where(
            Participant.delegation_id == delegation.id
        )
    ).all()
    assert sorted((g or "") for _, g in stored) == ["", "female"]


def test_an_upload_far_over_the_limit_is_refused_before_it_is_read(
    client, db_session, tmp_path, monkeypatch
) -> None:
    from app.config import get_settings

    monkeypatch.setattr(get_settings(), "var_dir", tmp_path)
    _, _, delegation, token = _setup(db_session)
    huge = _pdf() + b"%" + b"0" * (12 * 1024 * 1024)
    response = _post(
        client, token, "/letter", {}, files={"letter": ("huge.pdf", huge, "application/pdf")}
    )
    assert response.status_code == 413
    assert "too large" in response.text and "8 MB" in response.text
    assert 'lang="en"' in response.text  # the application's own error page
    db_session.refresh(delegation)
    assert delegation.letter_file is None
    assert not (tmp_path / "uploads").exists() or not any((tmp_path / "uploads").iterdir())


def test_addresses_and_phone_numbers_read_left_to_right_in_arabic(client, db_session) -> None:
    _, _, _, token = _setup(db_session)
    page = client.get(f"/register/{token}?lang=ar").text
    assert 'dir="rtl"' in page
    for name, kind in (("focal_point_email", "email"), ("email", "email"), ("phone", "tel")):
        tag = re.search(rf'<input id="field-{name}"[^>]*>', page).group(0)
        assert f'type="{kind}"' in tag and 'dir="ltr"' in tag, tag


def test_every_interpretation_language_offered_is_accepted(client, db_session) -> None:
    _, _, _, token = _setup(db_session, quota=20)
    page = client.get(f"/register/{token}").text
    select = re.search(r'<select id="field-interpretation_language".*?</select>', page, re.S)
    offered = re.findall(r'<option value="([a-z]+)"', select.group(0))
    assert {"ar", "en", "fr"} <= set(offered)
    for serial, code in enumerate(offered):
        data = participant_data(
            role="head" if serial == 0 else "member", interpretation_language=code
        )
        response = _post(client, token, "/participants", data)
        assert response.status_code == 303, (code, response.text)


def test_an_invalid_focal_point_email_keeps_what_was_typed(client, db_session) -> None:
    _, _, _, token = _setup(db_session)
    page = client.get(f"/register/{token}")
    typed = {
        "focal_point_name": "Wanjiru Kamau",
        "focal_point_email": "wanjiru@",
        "focal_point_phone": "+254 20 123",
    }
    response = press(client, page.text, "Save", typed)
    assert response.status_code == 422 and 'id="error-focal_point_email"' in response.text
    for value in typed.values():
        assert f'value="{value}"' in response.text


def test_details_and_a_member_typed_together_are_both_saved_by_add_this_member(
    client, db_session
) -> None:
    _, _, delegation, token = _setup(db_session)
    page = client.get(f"/register/{token}")
    typed = {
        "focal_point_name": "Wanjiru Kamau",
        "focal_point_email": "wanjiru@kenya.example",
        **participant_data(role="head", given_name="Amina"),
    }
    response = press(client, page.text, "Add this member", typed, follow_redirects=True)
    assert response.status_code == 200
    assert 'value="Wanjiru Kamau"' in response.text and "Amina" in response.text
    db_session.refresh(delegation)
    assert delegation.focal_point_name == "Wanjiru Kamau"


def test_a_member_error_keeps_the_details_and_the_member_typed(client, db_session) -> None:
    _, _, delegation, token = _setup(db_session)
    page = client.get(f"/register/{token}")
    typed = {
        "focal_point_name": "Wanjiru Kamau",
        "focal_point_email": "wanjiru@kenya.example",
        **participant_data(role="head", given_name="Amina", email="amina@"),
    }
    response = press(client, page.text, "Add this member", typed)
    assert response.status_code == 422 and 'id="error-email"' in response.text
    assert 'value="Wanjiru Kamau"' in response.text and 'value="Amina"' in response.text
    assert 'value="amina@"' in response.text


def test_submitting_saves_the_member_typed_first(client, db_session) -> None:
    _, _, delegation, token = _setup(db_session)
    page = client.get(f"/register/{token}")
    typed = {
        "focal_point_name": "Wanjiru Kamau",
        "focal_point_email": "wanjiru@kenya.example",
        **participant_data(role="head", given_name="Amina"),
    }
    response = press(client, page.text, "Submit the registration", typed, follow_redirects=True)
    assert "Amina" in response.text and "sent to the organisers" in response.text
    db_session.refresh(delegation)
    assert delegation.status == "submitted"


def test_after_an_error_the_language_links_lead_back_to_the_page(client, db_session) -> None:
    _, _, _, token = _setup(db_session)
    client.get(f"/register/{token}?lang=ar")
    error = _post(client, token, "/participants", participant_data(given_name=""))
    assert error.status_code == 422 and 'lang="ar"' in error.text
    english = re.search(r'<a href="([^"]+)" lang="en" hreflang="en"', error.text)
    assert english and english.group(1).startswith(f"/register/{token}?")
    switched = client.get(english.group(1).replace("&amp;", "&"))
    assert switched.status_code == 200 and 'lang="en"' in switched.text
    assert "Registration of the delegation of Kenya" in switched.text


def test_the_form_follows_the_browsers_language_until_another_is_chosen(client, db_session) -> None:
    _, _, _, token = _setup(db_session)
    french = client.get(f"/register/{token}", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert 'lang="fr" dir="ltr"' in french.text and "Membres de la délégation" in french.text
    english = client.get(f"/register/{token}", headers={"Accept-Language": "de-DE"})
    assert 'lang="en" dir="ltr"' in english.text  # the focal point's language, English


def test_the_closed_form_says_why_it_is_closed(client, db_session) -> None:
    from app.editions.models import EditionStatus

    edition, settings, _, token = _setup(db_session)
    edition.status = EditionStatus.registration_closed
    db_session.add(edition)
    db_session.commit()
    closed = client.get(f"/register/{token}")
    assert "The organisers have closed registration. This form is read-only." in closed.text
    assert "the deadline has passed" not in closed.text
    edition.status = EditionStatus.registration_open
    settings.deadline_at = datetime.now(UTC) - timedelta(hours=1)
    db_session.add_all([edition, settings])
    db_session.commit()
    late = client.get(f"/register/{token}")
    assert "The deadline has passed. This form is read-only." in late.text
    settings.deadline_at = datetime.now(UTC) + timedelta(days=3)
    settings.opens_at = datetime.now(UTC) + timedelta(days=1)
    db_session.add(settings)
    db_session.commit()
    early = client.get(f"/register/{token}")
    assert "Registration has not opened yet. This form is read-only." in early.text


def test_times_read_in_the_venues_zone_labelled_without_seconds(client, db_session) -> None:
    edition, settings, delegation, token = _setup(db_session)
    assert edition.time_zone == "Africa/Casablanca"  # UTC+1 outside Ramadan
    settings.deadline_at = datetime(2030, 6, 1, 16, 0, tzinfo=UTC)
    db_session.add(settings)
    db_session.commit()
    english = client.get(f"/register/{token}?lang=en")
    assert "1 June 2030, 17:00 GMT+1" in english.text
    assert "17:00:00" not in english.text and "Africa/Casablanca" not in english.text
    french = client.get(f"/register/{token}?lang=fr")
    assert "1er juin 2030, 17:00 UTC+1" in french.text
