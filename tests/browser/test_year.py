"""The organisers' year walked in Chromium, in English, French and Arabic (journeys 1 to 4 of
the brief, and the public reader's side of 5): an organiser signs in, starts the next session
from the last one, opens registration and invites a delegation; its focal point, with
JavaScript off, registers three members, makes a mistake on the way without losing a thing,
submits and comes back to correct a name; the organiser accredits them, adds an agenda item
and publishes Rev.0; a reader finds the past sessions and the new agenda, as a page, a PDF
and a calendar."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Locator, Page, expect

from app import i18n
from app.web import labels
from tests.browser.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.browser.walk import PHONE, Site, Visitor, exactly

START = datetime.now(UTC).date() + timedelta(days=60)
CITY = {"en": "Dakhla", "fr": "Agadir", "ar": "Oujda"}
CITY_AR = {"en": "الداخلة", "fr": "أكادير", "ar": "وجدة"}
ENTITY = {"en": "KEN", "fr": "SEN", "ar": "MRT"}


def described_by(field: Locator) -> str:
    """The text the field points to (its help and its error message), as a screen reader reads
    it with the field."""
    return field.evaluate(
        """(el) => (el.getAttribute("aria-describedby") || "").split(" ")
             .map((id) => document.getElementById(id)).filter(Boolean)
             .map((node) => node.textContent.trim()).join(" ")"""
    )


def assert_refused(field: Locator) -> str:
    """The field is marked invalid and its message is next to it; the message is returned."""
    assert field.get_attribute("aria-invalid") == "true"
    message = described_by(field)
    assert message, "no message next to the field"
    return message


def title_of(visitor: Visitor) -> str:
    """The new edition's title as the visitor's language shows it."""
    city = CITY[visitor.language]
    return {
        "en": f"{city} session",
        "fr": f"Session de {city}",
        "ar": f"دورة {CITY_AR[visitor.language]}",
    }[visitor.language]


def region(page: Page, name: str) -> Locator:
    return page.get_by_role("region", name=name, exact=True)


def sign_in(organiser: Visitor) -> None:
    page = organiser.open("/admin/sign-in", "sign-in")
    page.get_by_label(exactly(organiser.t("Email"))).fill(ADMIN_EMAIL)
    page.get_by_label(exactly(organiser.t("Password"))).fill(ADMIN_PASSWORD)
    page.get_by_role("button", name=organiser.t("Sign in"), exact=True).click()
    organiser.check("dashboard")
    assert page.get_by_role("heading", level=1).inner_text() == organiser.t("Dashboard")


def create_edition(organiser: Visitor, city: str, city_ar: str) -> str:
    """Start the next session from the 3rd; a wrong end date first, then the right one."""
    page = organiser.page
    page.get_by_role("link", name=organiser.t("New edition"), exact=True).click()
    organiser.check("new-edition")
    page.get_by_label(exactly(organiser.t("Start from"))).select_option("2024-fez")
    page.get_by_label(exactly(organiser.t("Title in English"))).fill(f"{city} session")
    page.get_by_label(exactly(organiser.t("Title in French"))).fill(f"Session de {city}")
    page.get_by_label(exactly(organiser.t("Title in Arabic"))).fill(f"دورة {city_ar}")
    page.get_by_label(exactly(organiser.t("City in English"))).fill(city)
    page.get_by_label(exactly(organiser.t("City in French"))).fill(city)
    page.get_by_label(exactly(organiser.t("City in Arabic"))).fill(city_ar)
    page.get_by_label(exactly(organiser.t("Country"))).select_option("MAR")
    start = page.get_by_label(exactly(organiser.t("Start date")))
    end = page.get_by_label(exactly(organiser.t("End date")))
    start.fill(START.isoformat())
    end.fill((START - timedelta(days=1)).isoformat())
    page.get_by_label(exactly(organiser.t("Time zone"))).fill("Africa/Casablanca")
    create = page.get_by_role("button", name=organiser.t("Create the draft edition"))
    create.click()
    organiser.check("new-edition-refused")
    end = page.get_by_label(exactly(organiser.t("End date")))
    assert_refused(end)
    # Everything typed is still there.
    assert page.get_by_label(exactly(organiser.t("City in Arabic"))).input_value() == city_ar
    assert page.get_by_label(exactly(organiser.t("Start from"))).input_value() == "2024-fez"
    assert page.get_by_label(exactly(organiser.t("Start date"))).input_value() == (
        START.isoformat()
    )
    end.fill((START + timedelta(days=1)).isoformat())
    create.click()
    organiser.check("edition-created")
    assert page.get_by_role("heading", level=1).inner_text() == title_of(organiser)
    return page.url.rsplit("/", 1)[1].split("?")[0]


def open_registration_and_invite(organiser: Visitor, slug: str, code: str) -> str:
    """Registration settings, one invitation; returns the private link's path."""
    page = organiser.page
    organiser.open("/admin", "dashboard-again")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=title_of(organiser)))
    row.get_by_role("link", name=organiser.t("Delegations"), exact=True).click()
    organiser.check("delegations")
    page.get_by_role("link", name=organiser.t("Registration settings"), exact=True).click()
    organiser.check("registration-settings")
    deadline = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label(exactly(organiser.t("Opens at"))).fill("")
    page.get_by_label(exactly(organiser.t("Deadline"))).fill(deadline)
    page.get_by_label(organiser.t("Participants allowed per delegation")).fill("4")
    page.get_by_role("button", name=exactly(organiser.t("Save"))).click()
    organiser.check("registration-saved")  # back on the delegations, the deadline given
    shown = datetime.fromisoformat(deadline)
    assert organiser.t("Deadline") + organiser.t(": ") in organiser.text()
    assert str(shown.year) in organiser.text() and f"{shown:%H:%M}" in organiser.text()

    invite = region(page, organiser.t("Invite"))
    invite.get_by_label(exactly(organiser.t("Or entity codes"))).fill(code)
    invite.get_by_label(organiser.t("Language of the invitation")).select_option(organiser.language)
    invite.get_by_role("button", name=organiser.t("Invite"), exact=True).click()
    organiser.check("private-links")
    link = page.locator("main code").filter(has_text="/register/").first.inner_text()
    path = "/register/" + link.split("/register/", 1)[1].strip()

    organiser.open(f"/admin/editions/{slug}", "edition")
    for action in ("announce", "open_registration"):
        page.get_by_role("button", name=organiser.t(labels.transition[action]), exact=True).click()
        organiser.check(f"edition-{action}")
        assert page.get_by_role("status").count() == 1  # "The edition is now: ..."
    return path


def register_delegation(focal_point: Visitor, path: str) -> None:
    """The focal point's form, without JavaScript: a wrong email, nothing lost, three members,
    submitted; then back with the same link to correct a name."""
    page = focal_point.open(path, "form")
    details = region(page, focal_point.t("Focal point"))
    members = region(page, focal_point.t("Members of the delegation"))
    details.get_by_label(exactly(focal_point.t("Name"))).fill("Aïssata Diallo-Ndiaye")
    details.get_by_label(exactly(focal_point.t("Email"))).fill("aissata.example")
    details.get_by_label(exactly(focal_point.t("Phone"))).fill("+221 33 000 00 00")
    fill_member(focal_point, members, "Amina", "Odhiambo", "head")
    members.get_by_role("button", name=focal_point.t("Add this member"), exact=True).click()
    focal_point.check("form-refused")

    details = region(page, focal_point.t("Focal point"))
    members = region(page, focal_point.t("Members of the delegation"))
    email = details.get_by_label(exactly(focal_point.t("Email")))
    assert_refused(email)
    assert email.input_value() == "aissata.example"
    name = details.get_by_label(exactly(focal_point.t("Name")))
    assert name.input_value() == "Aïssata Diallo-Ndiaye"
    assert details.get_by_label(exactly(focal_point.t("Phone"))).input_value() == (
        "+221 33 000 00 00"
    )
    # The member typed with it was valid: saved, not lost.
    assert members.get_by_role("table").get_by_text("Amina Odhiambo").count() == 1

    email.fill("aissata@senegal.example")
    details.get_by_role("button", name=exactly(focal_point.t("Save"))).click()
    focal_point.check("details-saved")
    assert focal_point.t("Saved.") in page.get_by_role("status").all_inner_texts()
    for given, family in (("Otieno", "Mwangi"), ("محمد", "العلمي")):
        members = region(page, focal_point.t("Members of the delegation"))
        fill_member(focal_point, members, given, family, "member")
        members.get_by_role("button", name=focal_point.t("Add this member"), exact=True).click()
        focal_point.check(f"member-{len(focal_point.steps)}")
    table = region(page, focal_point.t("Members of the delegation")).get_by_role("table")
    for name_typed in ("Amina Odhiambo", "Otieno Mwangi", "محمد العلمي"):
        assert table.get_by_text(name_typed).count() == 1, name_typed
    details = region(page, focal_point.t("Focal point"))
    assert details.get_by_label(exactly(focal_point.t("Name"))).input_value() == (
        "Aïssata Diallo-Ndiaye"
    )

    page.get_by_role("button", name=focal_point.t("Submit the registration")).click()
    focal_point.check("submitted")
    assert (
        focal_point.t(
            "Your registration has been sent to the organisers. A receipt is on its way by email."
        )
        in page.get_by_role("status").all_inner_texts()
    )

    # The next day, with the same link: a name corrected.
    page = focal_point.open(path, "back-next-day")
    row = page.get_by_role("row").filter(has_text="Otieno")
    row.get_by_role("button", name=focal_point.t("Correct"), exact=True).click()
    focal_point.check("correcting")
    members = region(page, focal_point.t("Members of the delegation"))
    given = members.get_by_label(focal_point.t("Given name(s)"))
    assert given.input_value() == "Otieno"
    given.fill("Otieno Jr")
    members.get_by_role("button", name=focal_point.t("Save the correction")).click()
    focal_point.check("corrected")
    table = region(page, focal_point.t("Members of the delegation")).get_by_role("table")
    assert table.get_by_text("Otieno Jr Mwangi").count() == 1


def fill_member(visitor: Visitor, members: Locator, given: str, family: str, role: str) -> None:
    members.get_by_label(visitor.t("Given name(s)")).fill(given)
    members.get_by_label(visitor.t("Family name(s)")).fill(family)
    members.get_by_label(exactly(visitor.t("Function"))).fill("Director")
    members.get_by_label(visitor.t("Role in the delegation")).select_option(role)
    address = f"{given}.{family}@agency.example" if given.isascii() else "m.alami@agency.example"
    members.get_by_label(exactly(visitor.t("Email"))).fill(address.lower())


def accredit(organiser: Visitor) -> None:
    page = organiser.page
    organiser.open("/admin", "dashboard-review")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=title_of(organiser)))
    row.get_by_role("link", name=organiser.t("Delegations"), exact=True).click()
    organiser.check("delegations-submitted")
    # Looking the delegation up, the other filters left at "All".
    page.get_by_label(exactly(organiser.t("Name or code"))).fill(ENTITY[organiser.language])
    page.get_by_role("button", name=organiser.t("Filter"), exact=True).click()
    organiser.check("delegations-filtered")
    assert page.locator("main table tbody tr").count() == 1
    page.locator("main table tbody").get_by_role("link").first.click()
    organiser.check("delegation")
    members = page.locator("main table").filter(has_text="Otieno Jr")
    for box in members.get_by_role("checkbox").all():
        box.check()
    page.get_by_label(organiser.t("Action on the ticked members")).select_option("accredited")
    page.get_by_role("button", name=organiser.t("Apply"), exact=True).click()
    organiser.check("accredited")
    accredited = organiser.t(labels.participant_status["accredited"])
    table = page.locator("main table").filter(has_text="Otieno Jr")
    assert table.get_by_role("cell", name=accredited, exact=True).count() == 3


def publish_agenda(organiser: Visitor) -> None:
    page = organiser.page
    organiser.open("/admin", "dashboard-agenda")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=title_of(organiser)))
    row.get_by_role("link", name=organiser.t("Agenda editor"), exact=True).click()
    organiser.check("agenda-editor")
    page.get_by_role("link", name=organiser.t("Add an item"), exact=True).click()
    organiser.check("new-item")
    page.get_by_label(exactly(organiser.t("Kind"))).select_option("plenary")
    page.get_by_label(exactly(organiser.t("Day"))).fill(START.isoformat())
    page.get_by_label(exactly(organiser.t("Start"))).fill("16:00")
    page.get_by_label(exactly(organiser.t("End"))).fill("15:00")
    page.get_by_label(organiser.t("Title (English)")).fill("Regional cooperation plenary")
    page.get_by_label(organiser.t("Title (French)")).fill("Plénière sur la coopération régionale")
    page.get_by_label(organiser.t("Title (Arabic)")).fill("جلسة عامة حول التعاون الإقليمي")
    for code in ("ar", "en", "fr"):
        page.get_by_label(exactly(organiser.t(labels.interpretation_language[code]))).check()
    page.get_by_label(exactly(organiser.t("Visibility"))).select_option("public")
    page.get_by_role("button", name=exactly(organiser.t("Save"))).click()
    organiser.check("item-refused")
    end = page.get_by_label(exactly(organiser.t("End")))
    assert_refused(end)
    assert page.get_by_label(organiser.t("Title (Arabic)")).input_value() == (
        "جلسة عامة حول التعاون الإقليمي"
    )
    end.fill("17:30")
    page.get_by_role("button", name=exactly(organiser.t("Save"))).click()
    organiser.check("item-saved")
    assert page.get_by_role("row").filter(has_text="Regional cooperation plenary").count() == 1
    page.get_by_label(organiser.t("Note for this revision")).fill("First issue")
    page.get_by_role("button", name=organiser.t("Publish Rev.{number}", number=0)).click()
    organiser.check("published")
    assert region(page, organiser.t("Revisions")).get_by_role("link", name="Rev.0").count() == 1


def read_the_record(reader: Visitor, slug: str) -> None:
    """The public side: the past sessions, then the new one's agenda, PDF and calendar."""
    page = reader.open("/", "home")
    timeline = page.locator("main ol").first
    assert timeline.get_by_role("listitem").count() >= 5  # four past editions and this one
    timeline.get_by_role("listitem").filter(has_text="2024").get_by_role("link").first.click()
    reader.check("past-session")
    page = reader.open(f"/editions/{slug}", "edition-page")
    programme = page.locator("main")
    for name, kind, start in (
        ("PDF", "application/pdf", b"%PDF-"),
        (reader.t("Calendar (iCalendar)"), "text/calendar", b"BEGIN:VCALENDAR"),
    ):
        href = programme.get_by_role("link", name=name, exact=True).first.get_attribute("href")
        download = page.request.get(href)  # what the browser fetches when the link is followed
        assert download.ok and download.headers["content-type"].startswith(kind), href
        assert download.body().startswith(start), href
    programme.get_by_role("link", name=reader.t("Agenda"), exact=True).first.click()
    reader.check("agenda")
    title = {
        "en": "Regional cooperation plenary",
        "fr": "Plénière sur la coopération régionale",
        "ar": "جلسة عامة حول التعاون الإقليمي",
    }[reader.language]
    assert page.get_by_text(title).count() == 1


def on_a_phone(site: Site, language: str, path: str, slug: str) -> None:
    """The focal point's form and the public pages at 390 px, with JavaScript on: an error
    takes the focus to its field; nothing scrolls sideways."""
    phone = site.visitor("phone", language, width=PHONE)
    page = phone.open(path, "form")
    details = region(page, phone.t("Focal point"))
    email = details.get_by_label(exactly(phone.t("Email")))
    email.fill("not an address")
    details.get_by_role("button", name=exactly(phone.t("Save"))).click()
    phone.check("form-refused")
    email = region(page, phone.t("Focal point")).get_by_label(exactly(phone.t("Email")))
    assert_refused(email)
    expect(email).to_be_focused()
    assert email.input_value() == "not an address"
    # Another language, right after the error: the same form, in that language.
    other = {"en": "fr", "fr": "ar", "ar": "en"}[language]
    languages = page.get_by_role("navigation", name=phone.t("Language"))
    languages.get_by_role("link", name=i18n.LANGUAGE_NAMES[other]).click()
    assert page.locator("html").get_attribute("lang") == other
    assert page.get_by_role("region", name=i18n.gettext(other, "Focal point")).count() == 1
    phone.snap("other-language")
    for page_path, step in (
        ("/", "home"),
        ("/editions/2024-fez", "past-session"),
        (f"/editions/{slug}", "edition-page"),
        (f"/editions/{slug}/agenda", "agenda"),
        ("/admin/sign-in", "sign-in"),
    ):
        phone.open(page_path, step)
    phone.close()


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_the_year_in_a_browser(site: Site, language: str) -> None:
    organiser = site.visitor("organiser", language)
    sign_in(organiser)
    slug = create_edition(organiser, CITY[language], CITY_AR[language])
    path = open_registration_and_invite(organiser, slug, ENTITY[language])

    focal_point = site.visitor("focal-point", language, javascript=False)
    register_delegation(focal_point, path)
    focal_point.close()

    accredit(organiser)
    publish_agenda(organiser)
    organiser.close()

    reader = site.visitor("reader", language, javascript=False)
    read_the_record(reader, slug)
    reader.close()

    on_a_phone(site, language, path, slug)
