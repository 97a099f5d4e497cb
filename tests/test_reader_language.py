"""What a French or Arabic reader sees: no English left where the platform knows the words,
French names with their article, UN dates, times zones by city, sources by title."""

import re
from datetime import date

import pytest
from sqlmodel import select

from app.delegations.models import Delegation, Participant, ParticipantStatus
from app.editions.models import Edition, EditionStatus
from app.entities.models import Entity
from app.mail.models import OutboxMessage
from tests.factories import (
    extract_csrf,
    make_delegation,
    make_edition,
    open_registration,
    participant_data,
    sign_in,
)


def _text(html: str) -> str:
    """The page as a reader sees it: no tags, one space between words, entities decoded."""
    import html as html_module

    html = re.sub(r"<(script|style|datalist)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _read(client, path: str, language: str, **kwargs):  # noqa: ANN001, ANN003, ANN202
    client.cookies.set("lang", language)
    response = client.get(path, **kwargs)
    assert response.status_code == 200, response.text
    return response


def _add_member(client, token: str, **overrides) -> None:  # noqa: ANN001, ANN003
    page = client.get(f"/register/{token}")
    data = {**participant_data(**overrides), "csrf_token": extract_csrf(page.text)}
    response = client.post(f"/register/{token}/participants", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text


@pytest.mark.parametrize(
    ("code", "french"),
    [
        ("MLI", "Inscription de la délégation du Mali"),
        ("CIV", "Inscription de la délégation de la Côte d'Ivoire"),
        ("COM", "Inscription de la délégation des Comores"),
        ("EGY", "Inscription de la délégation de l'Égypte"),
        ("HTI", "Inscription de la délégation d'Haïti"),
        ("ECOWAS", "Inscription de la délégation de la Communauté économique des États"),
    ],
)
def test_the_french_form_names_the_delegation_with_the_article_of_its_country(
    client, db_session, code: str, french: str
) -> None:
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    _, token = make_delegation(db_session, edition, code=code)
    assert french in _text(_read(client, f"/register/{token}", "fr").text)


def test_the_form_reads_in_french_and_arabic_titles_and_counts_included(client, db_session) -> None:
    edition = make_edition(db_session)
    open_registration(db_session, edition, quota=3)
    _, token = make_delegation(db_session, edition, code="MLI")
    form = _read(client, f"/register/{token}", "fr").text
    assert '<option value="Mr.">M.</option>' in form
    assert "Statut\u00a0: <strong>Invitée" in form  # French spacing, outside the catalogue too
    for honorific in ("H.E.", "Mr.", "Ms."):
        _add_member(client, token, honorific=honorific)
    french = _text(_read(client, f"/register/{token}", "fr").text)
    assert "3 participants sur 3" in french
    assert "La délégation a atteint son quota de 3 participants." in french
    assert all(f" {title} Given" in f" {french}" for title in ("S.E.", "M.", "Mme"))
    assert "Mr. " not in french and "H.E. " not in french
    arabic = _text(_read(client, f"/register/{token}", "ar").text)
    assert "تسجيل وفد مالي" in arabic and "3 من أصل 3 مشاركين" in arabic
    assert all(title in arabic for title in ("سعادة Given", "السيد Given", "السيدة Given"))
    assert "Mr." not in arabic and "H.E." not in arabic


def test_the_browser_language_chooses_the_language_of_the_focal_points_form(
    client, db_session
) -> None:
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    _, token = make_delegation(db_session, edition, code="MLI")
    client.cookies.clear()
    page = client.get(f"/register/{token}", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert 'lang="fr"' in page.text and "Inscription de la délégation du Mali" in page.text


def test_a_form_closed_by_the_organisers_says_so(client, db_session) -> None:
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    _, token = make_delegation(db_session, edition, code="MLI")
    page = client.get(f"/register/{token}")
    edition.status = EditionStatus.registration_closed
    db_session.add(edition)
    db_session.commit()
    refused = client.post(
        f"/register/{token}/participants",
        data={**participant_data(), "csrf_token": extract_csrf(page.text)},
        headers={"Accept-Language": "fr"},
    )
    text = _text(refused.text)
    assert refused.status_code == 409
    assert "les organisateurs les ont clôturées" in text
    assert "la date limite est passée ou" not in text and "pas encore ouvertes" not in text


def test_the_mails_to_a_french_focal_point_read_in_french(client, db_session) -> None:
    sign_in(client, db_session)
    edition = make_edition(db_session)
    open_registration(db_session, edition, quota=5)
    table = client.get(f"/admin/editions/{edition.slug}/delegations")
    response = client.post(
        f"/admin/editions/{edition.slug}/delegations/invite",
        data={
            "csrf_token": extract_csrf(table.text),
            "entity_names": "Mali",
            "focal_point_email": "fp@mali.example",
            "focal_point_language": "fr",
        },
    )
    assert response.status_code == 200, response.text
    invitation = db_session.exec(
        select(OutboxMessage).where(OutboxMessage.to_address == "fp@mali.example")
    ).one()
    body = invitation.body_text
    assert body.splitlines()[0] == "Madame, Monsieur,"
    assert "inscrire la délégation du Mali" in body
    assert "Jusqu'à 5 participants par délégation." in body
    assert "Up to" not in body and "Dear" not in body


def test_the_accreditation_mail_gives_the_title_and_the_dates_in_arabic(db_session) -> None:
    from app.audit.service import SYSTEM
    from app.delegations import review

    edition = make_edition(db_session, start_date=date(2027, 6, 2), end_date=date(2027, 6, 3))
    open_registration(db_session, edition)
    delegation, _ = make_delegation(db_session, edition, code="MLI")
    participant = Participant(
        edition_id=edition.id or 0,
        delegation_id=delegation.id or 0,
        honorific="H.E.",
        given_name="Amadou",
        family_name="Traoré",
        function="Director",
        agency="Agency",
        role="head",
        email="amadou@mali.example",
        email_normalized="amadou@mali.example",
        interpretation_language="ar",
    )
    db_session.add(participant)
    db_session.commit()
    review.review_participants(
        db_session,
        edition=edition,
        participant_ids=[participant.id or 0],
        status=ParticipantStatus.accredited,
        reason=None,
        actor=SYSTEM,
    )
    message = db_session.exec(
        select(OutboxMessage).where(OutboxMessage.to_address == "amadou@mali.example")
    ).one()
    assert "سعادة Amadou Traoré" in message.body_text
    assert "وفد مالي" in message.body_text
    assert "2 و3 حزيران/يونيه 2027" in message.body_text


def test_the_edition_page_reads_in_the_readers_language(client, db_session) -> None:
    fez = db_session.exec(select(Edition).where(Edition.slug == "2024-fez")).one()
    french = _text(_read(client, f"/editions/{fez.slug}", "fr").text)
    assert "les 4 et 5 juin 2024" in french and "du 4 juin 2024 au 5 juin 2024" not in french
    assert "3e session" in french
    assert "Casablanca" in french and "Africa/Casablanca" not in french
    assert "Communiqué de presse conjoint" in french and "Joint press release" not in french
    assert ".txt" not in french  # sources are named by their titles
    assert "First High-Level Strategic Dialogue" in french
    arabic = _text(_read(client, f"/editions/{fez.slug}", "ar").text)
    assert "4 و5 حزيران/يونيه 2024" in arabic and "الدورة الثالثة" in arabic
    assert "الدار البيضاء" in arabic and "Africa/Casablanca" not in arabic
    assert "بيان صحفي مشترك" in arabic and ".txt" not in arabic
    assert "الاجتماع الثالث الرفيع المستوى لرؤساء وكالات مكافحة الإرهاب والأمن في أفريقيا" in arabic
    english = _text(_read(client, f"/editions/{fez.slug}", "en").text)
    assert "4–5 June 2024" in english and "3rd session" in english


def test_facts_about_the_country_are_named_in_the_readers_language(client, db_session) -> None:
    page = _read(client, "/editions/2021-marrakech", "ar").text
    assert re.search(r"البلد</strong>:\s*المغرب", page)
    assert not re.search(r"البلد</strong>:\s*Morocco", page)


def test_notes_only_in_english_are_marked_and_said_to_be(client, db_session) -> None:
    page = _read(client, "/sources/2", "fr").text
    assert '<span lang="en" dir="ltr">The dateline' not in page  # the note exists in French
    description = re.search(r'<p><span lang="en" dir="ltr">Mentions the third meeting', page)
    assert description and "(en anglais)" in page[description.end() : description.end() + 200]


def test_an_edition_without_sources_says_so_outside_the_list(client, db_session) -> None:
    edition = make_edition(db_session, status=EditionStatus.registration_open)
    page = _read(client, f"/editions/{edition.slug}", "en").text
    assert "<li>No source is recorded for this edition.</li>" not in page
    assert "<p>No source is recorded for this edition.</p>" in page


def test_the_edition_page_keeps_the_counts_the_home_page_shows(client, db_session) -> None:
    from tests.factories import make_registered_edition

    edition = make_registered_edition(db_session, status=EditionStatus.announced)
    edition.status = EditionStatus.held
    db_session.add(edition)
    for delegation in db_session.exec(
        select(Delegation).where(Delegation.edition_id == edition.id)
    ):
        delegation.status = "confirmed"
        db_session.add(delegation)
    for participant in db_session.exec(
        select(Participant).where(Participant.edition_id == edition.id)
    ):
        participant.status = ParticipantStatus.accredited
        db_session.add(participant)
    db_session.commit()
    page = _text(_read(client, f"/editions/{edition.slug}", "fr").text)
    assert "Aucun chiffre n'est rapporté" not in page
    assert "Participants 2 d'après les inscriptions" in page
    assert "Délégations 2 d'après les inscriptions" in page


def test_the_invite_form_picks_entities_by_name_in_the_readers_language(client, db_session) -> None:
    sign_in(client, db_session)
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    client.cookies.set("lang", "fr")
    table = client.get(f"/admin/editions/{edition.slug}/delegations")
    assert '<datalist id="entity-catalogue">' in table.text
    for name in (
        "Commission de l&#39;Union africaine",
        "Mécanisme de l&#39;Union",
        "Côte d&#39;Iv",
    ):
        assert f'<option value="{name}' in table.text, name
    assert "AU." not in table.text  # no code that does not exist
    response = client.post(
        f"/admin/editions/{edition.slug}/delegations/invite",
        data={
            "csrf_token": extract_csrf(table.text),
            "entity_names": "Autorité intergouvernementale pour le développement (IGAD)",
        },
    )
    assert response.status_code == 200 and response.text.count("/register/") == 1
    invited = db_session.exec(
        select(Entity.code)
        .join(Delegation, Delegation.entity_id == Entity.id)
        .where(Delegation.edition_id == edition.id)
    ).all()
    assert invited == ["IGAD"]
    unknown = client.post(
        f"/admin/editions/{edition.slug}/delegations/invite",
        data={"csrf_token": extract_csrf(table.text), "entity_names": "Atlantis"},
    )
    assert unknown.status_code == 422 and "Aucune entité ne s&#39;appelle" in unknown.text


def test_the_catalogue_holds_the_organisations_such_a_meeting_invites(db_session) -> None:
    wanted = {
        "AUC": ("Commission de l'Union africaine", "مفوضية الاتحاد الأفريقي"),
        "AFRIPOL": ("AFRIPOL", "أفريبول"),
        "ACSRT": ("CAERT", "الإرهاب"),
        "IGAD": ("IGAD", "التنمية"),
        "ECOWAS": ("CEDEAO", "غرب أفريقيا"),
        "ECCAS": ("CEEAC", "وسط أفريقيا"),
        "SADC": ("SADC", "للجنوب الأفريقي"),
        "EAC": ("Afrique de l'Est", "شرق أفريقيا"),
        "AMU": ("UMA", "المغرب العربي"),
        "CEN-SAD": ("sahélo-sahariens", "الساحل والصحراء"),
        "COMESA": ("COMESA", "الكوميسا"),
        "INTERPOL": ("INTERPOL", "الإنتربول"),
        "UNODC": ("ONUDC", "المخدرات والجريمة"),
        "CTED": ("Comité contre le terrorisme", "لجنة مكافحة الإرهاب"),
        "UNOCT": ("lutte contre le terrorisme", "مكافحة الإرهاب"),
        "EU": ("Union européenne", "الاتحاد الأوروبي"),
        "OIC": ("coopération islamique", "التعاون الإسلامي"),
        "LAS": ("Ligue des États arabes", "جامعة الدول العربية"),
    }
    entities = {
        entity.code: entity
        for entity in db_session.exec(select(Entity).where(Entity.code.in_(wanted)))  # type: ignore[attr-defined]
    }
    for code, (french, arabic) in wanted.items():
        assert french in entities[code].name_fr and arabic in entities[code].name_ar, code
        assert entities[code].name_fr_of, code


def test_every_entity_in_the_seed_cites_where_its_names_come_from() -> None:
    import csv

    from app.history.seeding import SEED_DIR

    with (SEED_DIR / "entities.csv").open(encoding="utf-8") as csv_file:
        rows = list(csv.DictReader(csv_file))
    assert all(re.search(r"https://|UNTERM", row["reference"]) for row in rows)
    assert all(row["name_fr_of"].startswith(("de ", "du ", "des ", "d'")) for row in rows)


def test_times_in_the_time_zones_city(client, db_session) -> None:
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    edition.time_zone = "Africa/Casablanca"
    db_session.add(edition)
    db_session.commit()
    sign_in(client, db_session)
    page = _text(_read(client, f"/admin/editions/{edition.slug}/agenda", "ar").text)
    assert "الدار البيضاء" in page and "Africa/Casablanca" not in page


def test_the_language_links_keep_the_query_and_put_the_language_last(client) -> None:
    page = client.get("/editions/2024-fez?lang=ar&n=2&x=a%20b&lang=fr&x=c&q=%3Cscript%3E").text
    links = re.findall(r'<li><a href="([^"]*)" lang="(\w\w)" hreflang="\2"( aria-current)?', page)
    query = "n=2&amp;x=a+b&amp;x=c&amp;q=%3Cscript%3E"
    assert links == [
        (f"/editions/2024-fez?{query}&amp;lang=en", "en", ""),
        (f"/editions/2024-fez?{query}&amp;lang=fr", "fr", ""),
        (f"/editions/2024-fez?{query}&amp;lang=ar", "ar", " aria-current"),
    ]
    plain = client.get("/conflicts", headers={"Accept-Language": "fr"}).text
    assert re.findall(r'<a href="([^"]*)" lang="\w\w" hreflang', plain) == [
        "/conflicts?lang=en",
        "/conflicts?lang=fr",
        "/conflicts?lang=ar",
    ]
