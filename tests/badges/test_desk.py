"""The check-in desk without a badge: search by name, check in, undo a wrong scan."""

from sqlmodel import select

from app.audit.models import AuditEntry
from app.badges import service as badges_service
from tests.factories import (
    extract_csrf,
    make_delegation,
    make_edition,
    make_participant,
    open_registration,
    sign_in,
)


def test_a_lost_badge_is_found_by_name_and_checked_in(client, db_session) -> None:
    sign_in(client, db_session)
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    kenya, _ = make_delegation(db_session, edition, code="KEN")
    wanjiru = make_participant(
        db_session, edition, kenya, given_name="Wanjiru", family_name="Kamau"
    )
    make_participant(
        db_session, edition, kenya, given_name="Wanjiru", family_name="Waiting", status="pending"
    )
    desk = f"/admin/editions/{edition.slug}/check-in"
    found = client.get(f"{desk}?q=wanjiru")
    assert "Kamau" in found.text and "Waiting" not in found.text  # accredited only
    assert "No accredited participant has this name." in client.get(f"{desk}?q=zzz").text
    arrived = client.post(f"{desk}/{wanjiru.id}", data={"csrf_token": extract_csrf(found.text)})
    assert "Welcome: arrived." in arrived.text and "Kamau" in arrived.text
    db_session.refresh(wanjiru)
    assert wanjiru.checked_in_at is not None
    again = client.post(f"{desk}/{wanjiru.id}", data={"csrf_token": extract_csrf(found.text)})
    assert again.status_code == 409 and "Already checked in" in again.text


def test_a_wrong_scan_is_undone_with_its_reason_and_audited(client, db_session) -> None:
    sign_in(client, db_session)
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    kenya, _ = make_delegation(db_session, edition, code="KEN")
    person = make_participant(db_session, edition, kenya, given_name="Amina", family_name="Otieno")
    desk = f"/admin/editions/{edition.slug}/check-in"
    page = client.get(desk)
    token = extract_csrf(page.text)
    scanned = client.post(
        desk, data={"csrf_token": token, "code": badges_service.badge_code(person)}
    )
    assert "Latest arrivals" in scanned.text and "Undo the check-in" in scanned.text
    no_reason = client.post(f"{desk}/{person.id}/undo", data={"csrf_token": token, "reason": " "})
    assert no_reason.status_code == 422 and "Give the reason for the undo." in no_reason.text
    undone = client.post(
        f"{desk}/{person.id}/undo",
        data={"csrf_token": token, "reason": "Scanned the colleague's badge"},
    )
    assert "Check-in undone: the badge can be scanned again." in undone.text
    assert "Nobody has arrived yet." in undone.text
    db_session.refresh(person)
    assert person.checked_in_at is None
    entry = db_session.exec(
        select(AuditEntry).where(AuditEntry.action == "participant.check_in_undo")
    ).one()
    assert entry.after["reason"] == "Scanned the colleague's badge"
    assert entry.before["checked_in_at"]
    rescanned = client.post(
        desk, data={"csrf_token": token, "code": badges_service.badge_code(person)}
    )
    assert "Welcome: arrived." in rescanned.text


def test_revoking_a_badge_asks_first(client, db_session) -> None:
    sign_in(client, db_session)
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    kenya, _ = make_delegation(db_session, edition, code="KEN")
    person = make_participant(db_session, edition, kenya, given_name="Amina", family_name="Otieno")
    badges = client.get(f"/admin/editions/{edition.slug}/badges")
    url = f"/admin/editions/{edition.slug}/badges/{person.id}/reissue"
    asked = client.post(url, data={"csrf_token": extract_csrf(badges.text)})
    assert "Revoke this badge?" in asked.text and "Amina Otieno" in asked.text
    db_session.refresh(person)
    assert person.badge_serial == 1
    done = client.post(url, data={"csrf_token": extract_csrf(badges.text), "confirm": "yes"})
    assert "A new badge was issued" in done.text
    db_session.refresh(person)
    assert person.badge_serial == 2


def test_each_undo_field_has_its_own_label_when_a_person_is_shown_twice(client, db_session) -> None:
    """Just arrived, a person is both the result and the first of the latest arrivals (and in
    a search): each of their undo fields has an id of its own, which its label names."""
    import re
    from collections import Counter

    sign_in(client, db_session)
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    kenya, _ = make_delegation(db_session, edition, code="KEN")
    person = make_participant(db_session, edition, kenya, given_name="Amina", family_name="Otieno")
    desk = f"/admin/editions/{edition.slug}/check-in"
    token = extract_csrf(client.get(desk).text)
    client.post(desk, data={"csrf_token": token, "code": badges_service.badge_code(person)})
    page = client.get(f"{desk}?arrived={person.id}&q=otieno").text
    ids = re.findall(r'<input id="(undo-reason-[^"]+)"', page)
    assert len(ids) == 3 and len(set(ids)) == 3, ids
    assert Counter(re.findall(r'<label for="(undo-reason-[^"]+)"', page)) == Counter(ids)
    refused = client.post(f"{desk}/{person.id}/undo", data={"csrf_token": token, "reason": ""})
    assert len(set(re.findall(r'id="(undo-error-[^"]+)"', refused.text))) == len(
        re.findall(r'id="(undo-error-[^"]+)"', refused.text)
    )
