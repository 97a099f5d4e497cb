"""The organisers' year end to end, as people go through it in their browsers
(journeys 2 to 5 of the product brief): clone the last edition, invite, open registration;
a focal point registers in French and corrects a name; the organisers accredit, build and
publish the agenda twice (calendar clients see the change), print badges, check people in,
publish the outcome statement and purge personal data, with the counts left in place."""

import re
from datetime import UTC, date, datetime, timedelta
from email import policy
from email.parser import BytesParser

from fastapi.testclient import TestClient
from icalendar import Calendar

from app.auth.models import Role
from app.config import get_settings
from tests.factories import extract_csrf, sign_in

TODAY = datetime.now(UTC).date()
# The meeting took place over the last two days; registration is still open until tomorrow,
# so that every step of the year can be walked through in one run.
START, END = TODAY - timedelta(days=3), TODAY - timedelta(days=2)


def _submit(client: TestClient, form_path: str, post_path: str, data: dict) -> object:
    token = extract_csrf(client.get(form_path).text)
    return client.post(post_path, data={**data, "csrf_token": token}, follow_redirects=False)


def _move(client: TestClient, slug: str, target: str) -> None:
    admin = f"/admin/editions/{slug}"
    response = _submit(client, admin, f"{admin}/transitions", {"to": target})
    assert response.status_code == 303, response.text


def _person(given: str, family: str, email: str, role: str = "member") -> dict:
    return {
        "honorific": "Mr.",
        "given_name": given,
        "family_name": family,
        "function": "Director",
        "agency": "National counter-terrorism agency",
        "role": role,
        "email": email,
        "interpretation_language": "fr",
    }


def _item(day: date, start: str, end: str, title: str) -> dict:
    return {
        "kind": "plenary",
        "day": day.isoformat(),
        "starts_at": start,
        "ends_at": end,
        "title_en": title,
        "title_fr": f"{title} (fr)",
        "title_ar": "جلسة عامة",
        "room": "Plenary hall",
        "interpretation_languages": ["ar", "en", "fr"],
        "visibility": "public",
    }


def test_the_organisers_year_from_cloning_to_the_purge(
    app, client, db_session, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr(get_settings(), "var_dir", tmp_path)
    sign_in(client, db_session, role=Role.admin)

    # Journey 2: the 4th session, cloned from the 3rd; invitations; registration opens.
    new_page = client.get("/admin/editions/new?clone_from=2024-fez")
    assert 'name="number" type="number" value="4"' in new_page.text  # after the 3rd session
    created = client.post(
        "/admin/editions/new",
        data={
            "csrf_token": extract_csrf(new_page.text),
            "clone_from": "2024-fez",
            "kind": "session",
            "number": "",
            "slug": "",
            "title_en": "Fourth High-Level Meeting",
            "title_fr": "Quatrième réunion de haut niveau",
            "title_ar": "الاجتماع الرابع رفيع المستوى",
            "city_en": "Dakhla",
            "city_fr": "Dakhla",
            "city_ar": "الداخلة",
            "country_code": "MAR",
            "venue": "Palais des congrès",
            "start_date": START.isoformat(),
            "end_date": END.isoformat(),
            "time_zone": "Africa/Casablanca",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    slug = created.headers["location"].rsplit("/", 1)[1]
    admin = f"/admin/editions/{slug}"
    assert "Dakhla" in client.get(admin).text

    deadline = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    settings = _submit(
        client,
        f"{admin}/registration",
        f"{admin}/registration",
        {"deadline_at": deadline, "default_quota": "5"},
    )
    assert settings.status_code == 303, settings.text
    invited = _submit(
        client, f"{admin}/delegations", f"{admin}/delegations/invite", {"entity_codes": "KEN NGA"}
    )
    assert invited.status_code == 200 and invited.text.count("/register/") == 2
    token = re.search(r"/register/([A-Za-z0-9_-]{40,})", invited.text).group(1)
    for target in ("announced", "registration_open"):
        _move(client, slug, target)
    assert "Dakhla" in client.get(f"/editions/{slug}").text  # public once announced

    # Journey 3: the focal point registers a head and two members in French, corrects a name.
    focal = TestClient(app)
    form = f"/register/{token}?lang=fr"
    assert 'lang="fr"' in focal.get(form).text
    _submit(
        focal,
        form,
        f"/register/{token}/details",
        {
            "focal_point_name": "Wanjiru Kamau",
            "focal_point_email": "focal@kenya.example",
            "focal_point_language": "fr",
        },
    )
    for person in (
        _person("Amina", "Odhiambo", "amina@kenya.example", role="head"),
        _person("Otieno", "Mwangi", "otieno@kenya.example"),
        _person("محمد", "العلمي", "mohamed@kenya.example"),
    ):
        added = _submit(focal, form, f"/register/{token}/participants", person)
        assert added.status_code == 303, added.text
    assert _submit(focal, form, f"/register/{token}/submit", {}).status_code == 303
    members = focal.get(f"/api/v1/register/{token}/participants").json()
    otieno = next(m for m in members if m["given_name"] == "Otieno")
    assert f"/participants/{otieno['id']}/edit" in focal.get(form).text
    corrected = _submit(
        focal,
        form,
        f"/register/{token}/participants/{otieno['id']}",
        _person("Otieno Jr", "Mwangi", "otieno@kenya.example"),
    )
    assert corrected.status_code == 303
    assert "Otieno Jr" in focal.get(form).text and "محمد" in focal.get(form).text

    outbox = sorted((tmp_path / "outbox").glob("*.eml"))
    receipts = [
        BytesParser(policy=policy.default).parse(path.open("rb"))
        for path in outbox
        if b"focal@kenya.example" in path.read_bytes()
    ]
    receipt = next(m for m in receipts if m["Subject"].startswith("Inscription reçue"))
    assert "Nous avons reçu l'inscription de votre délégation" in receipt.get_content()

    # Journey 4: accreditation, an agenda in three languages, Rev.0 then Rev.1.
    delegations = focal.get(f"/api/v1/register/{token}/participants").json()
    kenya_page = client.get(f"{admin}/delegations").text
    kenya_url = re.search(rf'href="({admin}/delegations/\d+)"', kenya_page).group(1)
    accredited = _submit(
        client,
        kenya_url,
        f"{kenya_url}/review",
        {"participant_ids": [str(m["id"]) for m in delegations], "status": "accredited"},
    )
    assert accredited.status_code == 303, accredited.text

    editor = f"{admin}/agenda"
    for fields in (
        _item(START, "09:00", "10:00", "Opening plenary"),
        _item(END, "10:00", "12:00", "Closing plenary"),
    ):
        added = _submit(client, f"{editor}/items/new", f"{editor}/items/new", fields)
        assert added.status_code == 303, added.text
    assert _submit(client, editor, f"{editor}/publish", {"note": "First"}).status_code == 303
    pdf = client.get(f"/editions/{slug}/agenda.pdf?lang=ar")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    first = Calendar.from_ical(client.get(f"/editions/{slug}/agenda.ics?lang=en").content)
    events = {str(e["UID"]): e for e in first.walk("VEVENT")}
    assert len(events) == 2

    closing_id = re.findall(rf"{editor}/items/(\d+)\"", client.get(editor).text)[-1]
    moved = _item(END, "11:00", "13:00", "Closing plenary")
    changed = _submit(client, f"{editor}/items/{closing_id}", f"{editor}/items/{closing_id}", moved)
    assert changed.status_code == 303, changed.text
    assert _submit(client, editor, f"{editor}/publish", {"note": "Later"}).status_code == 303
    second = Calendar.from_ical(client.get(f"/editions/{slug}/agenda.ics?lang=en").content)
    later = {str(e["UID"]): e for e in second.walk("VEVENT")}
    assert later.keys() == events.keys()  # subscribed calendars update the same events
    raised = [uid for uid in later if later[uid]["SEQUENCE"] > events[uid]["SEQUENCE"]]
    assert len(raised) == 1 and later[raised[0]]["SUMMARY"] == "Closing plenary"
    assert "Rev.1" in client.get(f"/editions/{slug}/agenda?lang=en").text

    # Journey 5: badges, check-in, the outcome statement, the purge.
    _move(client, slug, "registration_closed")
    _move(client, slug, "held")
    printed = client.get(f"{admin}/badges/print").text
    codes = re.findall(r'data-code="([A-Z2-7]+)"', printed)
    assert len(codes) == 3 and "Otieno Jr" in printed
    desk = f"{admin}/check-in"
    arrived = _submit(client, desk, desk, {"code": codes[0]})
    assert arrived.status_code == 303, arrived.text
    again = _submit(client, desk, desk, {"code": codes[0]})
    assert again.status_code == 422 and "Already checked in" in again.text

    _move(client, slug, "concluded")
    new_statement = f"{admin}/outcomes/new"
    statement = _submit(
        client,
        new_statement,
        new_statement,
        {
            "kind": "declaration",
            "symbol": f"MP/{START.year}/1",
            "title_en": "Dakhla Declaration",
            "title_fr": "Déclaration de Dakhla",
            "title_ar": "إعلان الداخلة",
            "body_en": "1. We **agree**.",
            "body_fr": "1. Nous **convenons**.",
            "body_ar": "١. **نتفق**.",
        },
    )
    assert statement.status_code == 303, statement.text
    statement_admin = statement.headers["location"]
    adopted = _submit(
        client, statement_admin, f"{statement_admin}/adopt", {"adopted_date": END.isoformat()}
    )
    assert adopted.status_code == 303, adopted.text
    assert (
        _submit(
            client, statement_admin, f"{statement_admin}/publish", {"confirm": "yes"}
        ).status_code
        == 303
    )
    public = client.get(f"/editions/{slug}?lang=fr").text
    assert "Déclaration de Dakhla" in public

    purge = _submit(
        client,
        f"{admin}/retention",
        f"{admin}/retention",
        {"confirm": "yes", "force": "yes", "reason": "Requested by the delegations"},
    )
    assert purge.status_code == 303, purge.text
    after = client.get(f"{kenya_url}").text
    assert "Amina" not in after and "Otieno" not in after and "محمد" not in after
    stats = client.get(f"{admin}/statistics?lang=en").text  # the counts outlive the purge
    assert '<th scope="row">Accredited</th><td>3</td>' in stats
    assert '<th scope="row">Arrived (checked in)</th><td>1</td>' in stats
    assert '<th scope="row">Head of delegation</th><td>1</td><td>1</td>' in stats
