"""The day of the meeting and after, walked in Chromium (journey 5 of the brief): the organiser
prints the badges and revokes one, confirming; at the check-in desk a badge is scanned, a
revoked one refused, a person who lost theirs found by name, and a wrong check-in undone with
a reason; the outcome statement is written (a mistake first, nothing typed lost), its English
changed, translated, adopted and published after a confirmation, then read by the public;
last the edition's personal data is purged, confirming. Each language is walked at one width
and every page is laid out at the other one too."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page
from sqlmodel import Session

from app.db import build_engine
from app.editions.models import EditionStatus
from tests.browser.test_year import assert_refused, region, sign_in
from tests.browser.walk import DESKTOP, PHONE, Site, Visitor, exactly
from tests.factories import make_delegation, make_edition, make_participant, open_registration

# Each language at one width, every page also laid out at the other: both widths in all three
# languages without walking each journey twice.
WALKS = [("en", DESKTOP), ("fr", PHONE), ("ar", PHONE)]
PEOPLE = (("KEN", "Amina", "Odhiambo"), ("MRT", "محمد", "العلمي"))
OUTCOME = {
    "title_en": "Rabat Declaration",
    "title_fr": "Déclaration de Rabat",
    "title_ar": "إعلان الرباط",
    "body_en": "1. The heads of agencies **agree** to meet again.",
    "body_fr": "1. Les chefs d'agences **conviennent** de se réunir à nouveau.",
    "body_ar": "١. يتفق رؤساء الأجهزة على الاجتماع مجددا.",
}


def held_edition(site: Site, language: str) -> str:
    """An edition held three weeks ago, with one accredited person in each of two
    delegations; its slug."""
    engine = build_engine(site.database_url)
    start = datetime.now(UTC).date() - timedelta(days=21)
    with Session(engine) as db_session:
        edition = make_edition(
            db_session,
            slug=f"day-{language}",
            # Low enough that the next number the new-edition form proposes stays valid.
            number=50 + ("en", "fr", "ar").index(language),
            start_date=start,
            end_date=start + timedelta(days=1),
            status=EditionStatus.registration_open,
        )
        open_registration(db_session, edition)
        for code, given, family in PEOPLE:
            delegation, _token = make_delegation(db_session, edition, code=code)
            make_participant(
                db_session,
                edition,
                delegation,
                role="head",
                given_name=given,
                family_name=family,
                email=f"{code.lower()}.{language}@agency.example",
            )
        edition.status = EditionStatus.held
        db_session.add(edition)
        db_session.commit()
        slug = edition.slug
    engine.dispose()
    return slug


def status_text(page: Page) -> str:
    """What the page says of the action just done (its status messages)."""
    return " ".join(page.get_by_role("status").all_inner_texts())


def badges(organiser: Visitor, slug: str) -> dict[str, str]:
    """The badges page, their print page, one revoked after a confirmation; the codes."""
    page = organiser.open(f"/admin/editions/{slug}", "edition")
    page.get_by_role("link", name=organiser.t("Badges"), exact=True).first.click()
    organiser.check("badges")
    pdf = page.get_by_role("link", name=organiser.t("Every badge (PDF)")).get_attribute("href")
    download = page.request.get(pdf)
    assert download.ok and download.body().startswith(b"%PDF-")
    # The print page: one badge a person, its code under the QR code.
    page.goto(f"/admin/editions/{slug}/badges/print?lang={organiser.language}")
    organiser.snap("badges-print")
    assert page.locator("html").get_attribute("lang") == organiser.language
    cards = {
        card.locator(".badge-name").inner_text(): card.get_attribute("data-code")
        for card in page.locator(".badge-card").all()
    }
    codes = {
        given: code for _c, given, _f in PEOPLE for name, code in cards.items() if given in name
    }
    assert len(cards) == len(codes) == len(PEOPLE), cards

    organiser.open(f"/admin/editions/{slug}/badges", "badges-again")
    row = page.get_by_role("row").filter(has_text="Odhiambo")
    row.get_by_role("button", name=organiser.t("Revoke and issue a new badge")).click()
    organiser.check("revoke-asked")
    assert page.get_by_role("heading", level=1).inner_text() == organiser.t("Revoke this badge?")
    assert "Amina Odhiambo" in organiser.text()
    main = page.locator("main")
    main.get_by_role("button", name=organiser.t("Revoke and issue a new badge")).click()
    organiser.check("revoked")
    assert organiser.t(
        "A new badge was issued; the old one no longer opens the door. Print the new one from "
        "its row."
    ) in status_text(page)
    return codes


def check_in(organiser: Visitor, slug: str, codes: dict[str, str]) -> None:
    """Scan a revoked badge (refused), a good one; find a person by name; undo with a reason."""
    page = organiser.page
    page.get_by_role("link", name=organiser.t("Check-in desk"), exact=True).first.click()
    organiser.check("check-in")
    code_label = "Badge code (scan the QR code, or type the code printed under it)"
    code_field = page.get_by_label(organiser.t(code_label))
    code_field.fill(codes["Amina"])  # printed before the revocation
    page.get_by_role("button", name=organiser.t("Check in"), exact=True).first.click()
    organiser.check("check-in-refused")
    assert organiser.t("Refused.") in " ".join(page.get_by_role("alert").all_inner_texts())
    code_field = page.get_by_label(organiser.t(code_label))
    assert code_field.get_attribute("aria-invalid") == "true"

    code_field.fill(codes["محمد"])
    page.get_by_role("button", name=organiser.t("Check in"), exact=True).first.click()
    organiser.check("checked-in")
    assert organiser.t("Welcome: arrived.") in status_text(page)
    assert "محمد العلمي" in status_text(page)

    # A lost badge: the person found by name and checked in from the result.
    search = region(page, organiser.t("Lost badge: find the person by name"))
    search.get_by_label(exactly(organiser.t("Name"))).fill("odhiambo")
    search.get_by_role("button", name=organiser.t("Search"), exact=True).click()
    organiser.check("found-by-name")
    search = region(page, organiser.t("Lost badge: find the person by name"))
    assert search.get_by_label(exactly(organiser.t("Name"))).input_value() == "odhiambo"
    found = search.get_by_role("row").filter(has_text="Odhiambo")
    found.get_by_role("button", name=organiser.t("Check in"), exact=True).click()
    organiser.check("checked-in-by-name")
    assert "Amina Odhiambo" in status_text(page)

    # The wrong one undone, with a reason, from the latest arrivals.
    latest = region(page, organiser.t("Latest arrivals"))
    row = latest.get_by_role("row").filter(has_text="العلمي")
    row.get_by_label(organiser.t("Reason for the undo")).fill("Scanned by mistake")
    row.get_by_role("button", name=organiser.t("Undo the check-in")).click()
    organiser.check("check-in-undone")
    assert organiser.t("Check-in undone: the badge can be scanned again.") in status_text(page)
    latest = region(page, organiser.t("Latest arrivals"))
    assert latest.get_by_role("row").filter(has_text="العلمي").count() == 0
    assert latest.get_by_role("row").filter(has_text="Odhiambo").count() == 1


def outcome_statement(organiser: Visitor, slug: str) -> str:
    """Written with a wrong symbol first, its English changed, French translated again,
    adopted and published after a confirmation; the public page's path."""
    page = organiser.open(f"/admin/editions/{slug}", "edition-outcomes")
    page.get_by_role("link", name=organiser.t("Write an outcome statement")).click()
    organiser.check("outcome-new")
    page.get_by_label(exactly(organiser.t("Kind"))).select_option("declaration")
    page.get_by_label(exactly(organiser.t("Document symbol"))).fill("mp 2027 one")
    labels_of = {
        "title_en": "Title in English",
        "body_en": "Text in English",
        "title_fr": "Title in French",
        "body_fr": "Text in French",
        "title_ar": "Title in Arabic",
        "body_ar": "Text in Arabic",
    }
    for name, label in labels_of.items():
        page.get_by_label(exactly(organiser.t(label))).fill(OUTCOME[name])
    page.get_by_role("button", name=exactly(organiser.t("Save"))).click()
    organiser.check("outcome-refused")
    symbol = page.get_by_label(exactly(organiser.t("Document symbol")))
    assert_refused(symbol)
    for name, label in labels_of.items():  # nothing typed is lost
        assert page.get_by_label(exactly(organiser.t(label))).input_value() == OUTCOME[name]
    symbol.fill(f"MP/{slug.upper()}/1")
    page.get_by_role("button", name=exactly(organiser.t("Save"))).click()
    organiser.check("outcome-saved")
    assert organiser.t("Draft statement saved.") in status_text(page)

    # The English changes: both translations are flagged; the French is saved again.
    page.get_by_role("link", name=organiser.t("Edit the texts")).click()
    organiser.check("outcome-edit")
    english = page.get_by_label(exactly(organiser.t("Text in English")))
    english.fill(OUTCOME["body_en"] + "\n\n2. They thank the Kingdom of Morocco.")
    page.get_by_role("button", name=exactly(organiser.t("Save"))).click()
    organiser.check("outcome-english-changed")
    both = organiser.t(
        "The English changed since the French and Arabic were last saved: they may be out of date."
    )
    assert both in organiser.text()
    page.get_by_role("link", name=organiser.t("Edit the texts")).click()
    page.get_by_label(exactly(organiser.t("Text in French"))).fill(
        OUTCOME["body_fr"] + "\n\n2. Ils remercient le Royaume du Maroc."
    )
    page.get_by_role("button", name=exactly(organiser.t("Save"))).click()
    organiser.check("outcome-french-saved")
    assert organiser.t("Statement saved.") in status_text(page)

    adopted = (datetime.now(UTC).date() - timedelta(days=20)).isoformat()
    page.get_by_label(exactly(organiser.t("Date of adoption"))).fill(adopted)
    page.get_by_role("button", name=organiser.t("Record the adoption")).click()
    organiser.check("outcome-adopted")
    assert organiser.t("Adoption recorded.") in status_text(page)
    page.get_by_role("button", name=organiser.t("Publish"), exact=True).click()
    organiser.check("outcome-publish-asked")
    assert page.get_by_role("heading", level=1).inner_text() == organiser.t(
        "Publish this statement?"
    )
    page.get_by_role("button", name=organiser.t("Publish the statement")).click()
    organiser.check("outcome-published")
    assert organiser.t("Statement published.") in status_text(page)
    return page.get_by_role("link", name=organiser.t("HTML"), exact=True).get_attribute("href")


def read_the_statement(site: Site, language: str, width: int, path: str) -> None:
    """The public reads it in their language: the Arabic, not written again after the English
    changed, says it may be out of date; the French, saved again, does not."""
    reader = site.visitor("day-reader", language, width=width, javascript=False)
    page = reader.open(path, "statement")
    title = OUTCOME[f"title_{language}"]
    assert page.get_by_role("heading", level=1).inner_text() == title
    outdated = reader.t(
        "This translation may be out of date: the English text has changed since it was written."
    )
    assert (outdated in reader.text()) == (language == "ar")
    reader.close()


def purge(organiser: Visitor, slug: str) -> None:
    """Early, so forced with a reason; without the confirmation tick first, nothing lost."""
    page = organiser.open(f"/admin/editions/{slug}", "edition-retention")
    page.get_by_role("link", name=organiser.t("Personal data retention")).click()
    organiser.check("retention")
    remaining = page.locator("#remaining").inner_text()
    page.get_by_label(organiser.t("Purge before the end of the retention period")).check()
    reason = page.get_by_label(exactly(organiser.t("Reason for purging early")))
    reason.fill("Requested by the co-organisers")
    page.get_by_role("button", name=organiser.t("Erase the personal data")).click()
    organiser.check("purge-refused")
    assert organiser.t("Tick the box to confirm the purge.") in organiser.text()
    reason = page.get_by_label(exactly(organiser.t("Reason for purging early")))
    assert reason.input_value() == "Requested by the co-organisers"
    assert page.get_by_label(
        organiser.t("Purge before the end of the retention period")
    ).is_checked()
    page.get_by_label(organiser.t("I understand that the erased data cannot be recovered.")).check()
    page.get_by_role("button", name=organiser.t("Erase the personal data")).click()
    organiser.check("purged")
    assert organiser.t("The personal data of this edition has been erased.") in status_text(page)
    assert page.locator("#remaining").inner_text() == remaining
    organiser.open(f"/admin/editions/{slug}/check-in", "check-in-after-purge")
    assert "Odhiambo" not in organiser.text()


@pytest.mark.parametrize(("language", "width"), WALKS)
def test_the_day_in_a_browser(site: Site, language: str, width: int) -> None:
    slug = held_edition(site, language)
    other = DESKTOP if width == PHONE else PHONE
    organiser = site.visitor("day", language, width=width, also_at=(other,))
    sign_in(organiser)
    codes = badges(organiser, slug)
    check_in(organiser, slug, codes)
    statement = outcome_statement(organiser, slug)
    read_the_statement(site, language, width, statement)
    purge(organiser, slug)
    organiser.close()
