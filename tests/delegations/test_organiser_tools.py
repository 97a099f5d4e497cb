"""Organisers at scale: invitations from a CSV file, the links as CSV, the focal point's
contact, bulk review with filters, sorting and pages, success messages, confirmations."""

import csv
import io

from sqlmodel import select

from app.audit.models import AuditEntry
from app.auth.models import Role
from app.delegations.models import Delegation, DelegationStatus, Participant
from app.mail.models import OutboxMessage
from tests.factories import (
    extract_csrf,
    make_delegation,
    make_edition,
    make_participant,
    open_registration,
    sign_in,
)


def _table(client, edition) -> str:  # noqa: ANN001
    return client.get(f"/admin/editions/{edition.slug}/delegations").text


def _upload(client, edition, content: str):  # noqa: ANN001, ANN202
    token = extract_csrf(_table(client, edition))
    return client.post(
        f"/admin/editions/{edition.slug}/delegations/import",
        data={"csrf_token": token},
        files={"file": ("focal.csv", content.encode(), "text/csv")},
    )


def test_a_csv_with_a_wrong_row_invites_nobody_and_lists_the_row(client, db_session) -> None:
    sign_in(client, db_session)
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    response = _upload(
        client,
        edition,
        "entity,name,email,language\nKEN,Amina Otieno,amina@gov.example,en\n"
        "Atlantis,Nobody,x@gov.example,fr\nSEN,Awa Diop,not-an-email,fr\n",
    )
    assert response.status_code == 422
    assert "Nobody was invited" in response.text
    assert "No entity has this code or name." in response.text
    assert "<td>3</td>" in response.text and "<td>4</td>" in response.text
    assert "Enter a valid email address." in response.text
    assert (
        db_session.exec(select(Delegation).where(Delegation.edition_id == edition.id)).all() == []
    )


def test_a_csv_invites_each_focal_point_in_their_language(client, db_session) -> None:
    sign_in(client, db_session)
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    response = _upload(
        client,
        edition,
        "KEN;Amina Otieno;amina@gov.example;en\nSénégal;Awa Diop;awa@gov.example;fr\n"
        "مصر;Omar Said;omar@gov.example;ar\n",
    )
    assert response.status_code == 200, response.text
    assert response.text.count("/register/") >= 3
    delegations = db_session.exec(
        select(Delegation).where(Delegation.edition_id == edition.id)
    ).all()
    by_email = {d.focal_point_email: d for d in delegations}
    assert by_email["awa@gov.example"].focal_point_name == "Awa Diop"
    assert by_email["omar@gov.example"].focal_point_language == "ar"
    messages = db_session.exec(
        select(OutboxMessage).where(OutboxMessage.edition_id == edition.id)
    ).all()
    subjects = {m.to_address: m.subject for m in messages}
    assert subjects["awa@gov.example"].startswith("Invitation à")
    assert "/register/" in next(m.body_text for m in messages if m.language == "ar")
    # the links come back as CSV from the page that shows them, checked against the store
    download = client.post(
        f"/admin/editions/{edition.slug}/delegations/links.csv",
        data={
            "csrf_token": extract_csrf(response.text),
            "link": [v.split('"')[0] for v in response.text.split('name="link" value="')[1:]]
            + [f"{delegations[0].id}:forged-token"],
        },
    )
    assert download.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0][-1] == "link" and len(rows) == 4
    assert {row[3] for row in rows[1:]} == {
        "amina@gov.example",
        "awa@gov.example",
        "omar@gov.example",
    }
    assert all("/register/" in row[-1] for row in rows[1:])
    # a second upload of an invited entity is refused
    again = _upload(client, edition, "KEN,Someone,someone@gov.example,en\n")
    assert again.status_code == 422 and "already invited" in again.text


def test_the_focal_points_contact_is_edited_audited_and_kept_on_error(client, db_session) -> None:
    sign_in(client, db_session)
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    delegation, _token = make_delegation(db_session, edition)
    url = f"/admin/editions/{edition.slug}/delegations/{delegation.id}"
    token = extract_csrf(client.get(url).text)
    bad = client.post(
        f"{url}/focal-point",
        data={
            "csrf_token": token,
            "focal_point_name": "Grace Wanjiru",
            "focal_point_email": "grace@",
            "focal_point_language": "fr",
        },
    )
    assert bad.status_code == 422 and 'value="Grace Wanjiru"' in bad.text
    assert 'id="error-focal_point_email"' in bad.text
    good = client.post(
        f"{url}/focal-point",
        data={
            "csrf_token": token,
            "focal_point_name": "Grace Wanjiru",
            "focal_point_email": "grace@gov.example",
            "focal_point_language": "fr",
        },
    )
    assert good.status_code == 200 and "Focal point&#39;s contact saved." in good.text
    db_session.refresh(delegation)
    assert delegation.focal_point_email == "grace@gov.example"
    assert delegation.focal_point_language == "fr"
    entry = db_session.exec(
        select(AuditEntry).where(AuditEntry.action == "delegation.focal_point")
    ).one()
    assert entry.after["focal_point_name"] == "Grace Wanjiru"
    # the message is shown once
    assert "contact saved" not in client.get(url).text


def _submitted(db_session, edition, code: str, members: int) -> Delegation:  # noqa: ANN001
    delegation, _token = make_delegation(db_session, edition, code=code)
    for _ in range(members):
        make_participant(db_session, edition, delegation, status="pending")
    delegation.status = DelegationStatus.submitted
    db_session.add(delegation)
    db_session.commit()
    return delegation


def test_bulk_accreditation_applies_to_every_match_and_says_what_was_refused(
    client, db_session
) -> None:
    sign_in(client, db_session)
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    kenya = _submitted(db_session, edition, "KEN", 2)
    nigeria = _submitted(db_session, edition, "NGA", 1)
    ghana, _ = make_delegation(db_session, edition, code="GHA")  # invited, not submitted
    make_participant(db_session, edition, ghana, status="pending")
    unoct = _submitted(db_session, edition, "UNOCT", 1)
    table = _table(client, edition)
    response = client.post(
        f"/admin/editions/{edition.slug}/delegations/bulk",
        data={
            "csrf_token": extract_csrf(table),
            "entity_type": "member_state",
            "action": "accredit",
            "scope": "all",
        },
    )
    assert response.status_code == 200, response.text
    assert "Done for 2 delegations." in response.text
    assert "2 members accredited" in response.text
    assert "Refused for 1 delegation:" in response.text
    assert "Its registration is not submitted" in response.text
    statuses = {
        p.delegation_id: p.status
        for p in db_session.exec(select(Participant).where(Participant.edition_id == edition.id))
    }
    assert statuses[kenya.id] == statuses[nigeria.id] == "accredited"
    assert statuses[ghana.id] == statuses[unoct.id] == "pending"  # not matched / not submitted
    audited = db_session.exec(
        select(AuditEntry).where(AuditEntry.action == "participant.accredited")
    ).all()
    assert len(audited) == 3
    # ticked only: confirm one delegation
    confirm = client.post(
        f"/admin/editions/{edition.slug}/delegations/bulk",
        data={
            "csrf_token": extract_csrf(table),
            "action": "confirm",
            "delegation_ids": [str(unoct.id)],
        },
    )
    assert "Done for 1 delegation." in confirm.text
    db_session.refresh(unoct)
    db_session.refresh(kenya)
    assert unoct.status == "confirmed" and kenya.status == "submitted"
    nothing = client.post(
        f"/admin/editions/{edition.slug}/delegations/bulk",
        data={"csrf_token": extract_csrf(table), "action": "confirm"},
    )
    assert nothing.status_code == 422 and "Tick at least one delegation." in nothing.text


def test_the_table_sorts_by_column_and_pages_keep_the_filters(client, db_session) -> None:
    from app.delegations import invitations
    from app.delegations.schemas import InvitationIn
    from app.entities.models import Entity
    from tests.factories import SYSTEM

    sign_in(client, db_session)
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    codes = [
        e.code
        for e in db_session.exec(
            select(Entity).where(Entity.entity_type == "member_state").limit(60)
        )
    ]
    invitations.invite_entities(
        db_session, edition=edition, invitation_in=InvitationIn(entity_codes=codes), actor=SYSTEM
    )
    _submitted(db_session, edition, "KEN", 0) if "KEN" not in codes else None
    base = f"/admin/editions/{edition.slug}/delegations"
    first = client.get(f"{base}?entity_type=member_state&sort=name&order=desc")
    assert "Page 1 of 2" in first.text
    assert "entity_type=member_state&amp;sort=name&amp;order=desc&amp;page=2" in first.text
    names = sorted(
        (e.name_en for e in db_session.exec(select(Entity).where(Entity.code.in_(codes)))),
        key=str.casefold,
        reverse=True,
    )
    assert first.text.index(names[0]) < first.text.index(names[1])
    assert names[-1] not in first.text.split("<tbody>")[1].split("</tbody>")[0]
    second = client.get(f"{base}?entity_type=member_state&sort=name&order=desc&page=2")
    assert names[-1] in second.text and 'aria-current="page">2<' in second.text


def test_viewers_see_no_write_controls_on_registration_pages(client, db_session) -> None:
    sign_in(client, db_session, role=Role.viewer)
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    delegation, _token = make_delegation(db_session, edition)
    make_participant(db_session, edition, delegation, status="pending")
    for path in ("delegations", f"delegations/{delegation.id}", "outbox", "requests"):
        page = client.get(f"/admin/editions/{edition.slug}/{path}")
        assert page.status_code == 200
        assert 'method="post"' not in page.text.replace(
            'method="post" action="/admin/sign-out"', ""
        ), path


def test_reissuing_a_link_asks_first_and_works_without_javascript(client, db_session) -> None:
    sign_in(client, db_session)
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    delegation, token = make_delegation(db_session, edition)
    url = f"/admin/editions/{edition.slug}/delegations/{delegation.id}"
    csrf_token = extract_csrf(client.get(url).text)
    ask = client.post(f"{url}/link", data={"csrf_token": csrf_token})
    assert ask.status_code == 200 and "Issue a new private link?" in ask.text
    assert 'name="confirm" value="yes"' in ask.text and "/register/" not in ask.text
    db_session.refresh(delegation)
    before = delegation.token_hash
    done = client.post(f"{url}/link", data={"csrf_token": csrf_token, "confirm": "yes"})
    assert "/register/" in done.text
    db_session.refresh(delegation)
    assert delegation.token_hash != before


def test_every_review_action_says_what_was_done_in_the_readers_language(client, db_session) -> None:
    sign_in(client, db_session)
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    delegation, _token = make_delegation(db_session, edition)
    person = make_participant(db_session, edition, delegation, status="pending")
    url = f"/admin/editions/{edition.slug}/delegations/{delegation.id}"
    csrf_token = extract_csrf(client.get(url).text)
    response = client.post(
        f"{url}/review",
        data={
            "csrf_token": csrf_token,
            "participant_ids": [str(person.id)],
            "status": "accredited",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303 and "?" not in response.headers["location"]
    shown = client.get(url + "?lang=fr")
    assert "Membres accrédités\u202f: 1." in shown.text
    assert "accrédités" not in client.get(url + "?lang=fr").text


def test_the_outbox_previews_a_message_explains_a_failure_and_resends_it(
    client, db_session
) -> None:
    from app.mail.models import OutboxStatus

    sign_in(client, db_session)
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    make_delegation(db_session, edition, email="focal@gov.example")
    message = db_session.exec(
        select(OutboxMessage).where(OutboxMessage.edition_id == edition.id)
    ).one()
    message.status = OutboxStatus.failed
    message.attempts = 8
    message.last_error = "SMTPRecipientsRefused: 550"
    db_session.add(message)
    db_session.commit()
    outbox = client.get(f"/admin/editions/{edition.slug}/outbox")
    url = f"/admin/editions/{edition.slug}/outbox/{message.id}"
    assert url in outbox.text
    page = client.get(url)
    assert "SMTPRecipientsRefused: 550" in page.text and "You are invited" in page.text
    assert "/register/…" in page.text and "/register/" + "A" not in page.text
    sent = client.post(f"{url}/resend", data={"csrf_token": extract_csrf(page.text)})
    assert "The message is queued to be sent again." in sent.text
    db_session.refresh(message)
    assert message.status in ("queued", "written") and message.attempts <= 1
    assert db_session.exec(select(AuditEntry).where(AuditEntry.action == "outbox.resend")).one()


def test_a_viewer_is_shown_no_control_on_any_admin_page(client, db_session) -> None:
    from tests.factories import make_agenda_item, make_statement

    edition = make_edition(db_session)
    open_registration(db_session, edition)
    delegation, _token = make_delegation(db_session, edition, email="focal@gov.example")
    make_participant(db_session, edition, delegation, status="pending")
    make_agenda_item(db_session, edition, title_en="Opening")
    statement = make_statement(db_session, edition)
    message = db_session.exec(
        select(OutboxMessage).where(OutboxMessage.edition_id == edition.id)
    ).first()
    sign_in(client, db_session, role=Role.viewer)
    base = f"/admin/editions/{edition.slug}"
    for path in (
        "/admin",
        base,
        f"{base}/agenda",
        f"{base}/registration",
        f"{base}/delegations",
        f"{base}/delegations/{delegation.id}",
        f"{base}/requests",
        f"{base}/outbox",
        f"{base}/outbox/{message.id}",
        f"{base}/participants/print",
        f"{base}/outcomes/{statement.id}",
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        forms = page.text.count('method="post"')
        assert forms == 1, f"{path} shows {forms - 1} write form(s) to a viewer"  # sign-out


def test_saved_settings_are_confirmed_once_in_arabic(client, db_session) -> None:
    sign_in(client, db_session)
    edition = make_edition(db_session)
    url = f"/admin/editions/{edition.slug}/registration"
    page = client.get(url + "?lang=ar")
    saved = client.post(
        url,
        data={"csrf_token": extract_csrf(page.text), "default_quota": "6"},
        follow_redirects=False,
    )
    assert saved.status_code == 303 and "?" not in saved.headers["location"]
    assert "HttpOnly" in saved.headers["set-cookie"]
    shown = client.get(saved.headers["location"])
    assert "حُفظت إعدادات التسجيل." in shown.text
    assert "حُفظت إعدادات التسجيل." not in client.get(saved.headers["location"]).text
