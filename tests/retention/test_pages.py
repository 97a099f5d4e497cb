"""Admins purge an edition's personal data from its retention page once the retention
period is over, or earlier with a recorded reason; the counts remain."""

from datetime import date

from sqlmodel import Session, SQLModel, select

from app.audit.models import AuditEntry
from app.auth.models import Role
from app.config import get_settings
from app.delegations.models import Delegation, Participant
from app.editions.models import Edition
from app.retention import service as retention_service
from tests.factories import extract_csrf, make_registered_edition, sign_in

NEEDLES = ("zebulon", "+254 700 000 111", "+254 77 000 111")


def _personal_values_left(db_session: Session, edition: Edition) -> list[str]:
    """Every row of every table, and the upload folder, searched for the people's details."""
    found = []
    connection = db_session.connection()
    for table in SQLModel.metadata.sorted_tables:
        for row in connection.execute(table.select()).all():
            text = repr(tuple(row)).lower()
            found += [f"{table.name}: {needle}" for needle in NEEDLES if needle in text]
    uploads = get_settings().var_dir / "uploads"
    for path in uploads.glob("*") if uploads.is_dir() else []:
        if b"zebulon" in path.read_bytes().lower():
            found.append(str(path))
    return found


def _letters(db_session: Session, edition: Edition) -> list[str]:
    return [
        d.letter_file
        for d in db_session.exec(select(Delegation).where(Delegation.edition_id == edition.id))
        if d.letter_file
    ]


def _purge(client, edition: Edition, **data: str):  # noqa: ANN001, ANN202
    page = client.get(f"/admin/editions/{edition.slug}/retention")
    return client.post(
        f"/admin/editions/{edition.slug}/retention",
        data={"csrf_token": extract_csrf(page.text), **data},
        follow_redirects=False,
    )


def _past(db_session: Session, edition: Edition) -> Edition:
    edition.start_date, edition.end_date, edition.year = date(2024, 3, 4), date(2024, 3, 5), 2024
    db_session.add(edition)
    db_session.commit()
    return edition


def test_the_retention_page_is_for_admins_and_linked_from_the_edition(client, db_session) -> None:
    edition = make_registered_edition(db_session)
    sign_in(client, db_session, role=Role.organiser)
    assert "/retention" not in client.get(f"/admin/editions/{edition.slug}").text
    refused = client.get(f"/admin/editions/{edition.slug}/retention")
    assert refused.status_code == 403 and "Zebulon" not in refused.text
    sign_in(client, db_session, role=Role.admin)
    assert (
        f"/admin/editions/{edition.slug}/retention"
        in client.get(f"/admin/editions/{edition.slug}").text
    )
    page = client.get(f"/admin/editions/{edition.slug}/retention")
    assert page.status_code == 200
    assert "(2027-11-30)" in page.text  # 3 June 2027 + 180 days
    assert "Head of delegation</th><td>1" in page.text


def test_a_purge_before_the_period_is_refused_with_the_date(client, db_session) -> None:
    edition = make_registered_edition(db_session)
    sign_in(client, db_session, role=Role.admin)
    response = _purge(client, edition, confirm="yes")
    assert response.status_code == 409
    assert "2027-11-30" in response.text and "force it with a reason" in response.text
    without_reason = _purge(client, edition, confirm="yes", force="yes", reason="  ")
    assert without_reason.status_code == 422 and 'id="error-reason"' in without_reason.text
    unconfirmed = _purge(client, edition, force="yes", reason="Asked by the delegation")
    assert unconfirmed.status_code == 422 and 'id="error-confirm"' in unconfirmed.text
    names = db_session.exec(
        select(Participant.given_name).where(Participant.edition_id == edition.id)
    )
    assert sorted(names) == ["ZebulonaKEN", "ZebulonaSEN"]
    assert not db_session.exec(
        select(AuditEntry).where(AuditEntry.action == "edition.purge_personal_data")
    ).all()


def test_a_forced_purge_erases_everything_personal_and_keeps_the_counts(client, db_session) -> None:
    edition = make_registered_edition(db_session)
    other = make_registered_edition(db_session, marker="Yolanda", phone="+212 600 000 222")
    letters = _letters(db_session, edition)
    assert len(letters) == 2
    counts = retention_service.aggregate_counts(db_session, edition=edition)
    assert _personal_values_left(db_session, edition)
    sign_in(client, db_session, role=Role.admin)
    response = _purge(
        client, edition, confirm="yes", force="yes", reason="Request of the host country"
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/admin/editions/{edition.slug}/retention?purged=1"
    assert _personal_values_left(db_session, edition) == []
    uploads = get_settings().var_dir / "uploads"
    assert not any((uploads / name).exists() for name in letters)
    assert retention_service.aggregate_counts(db_session, edition=edition) == counts
    assert counts.participants_by_language == {"ar": 1, "fr": 1}
    # The other edition keeps its people and its letters.
    names = db_session.exec(
        select(Participant.given_name).where(Participant.edition_id == other.id)
    )
    assert sorted(names) == ["YolandaaKEN", "YolandaaSEN"]
    assert all((uploads / name).exists() for name in _letters(db_session, other))
    entry = db_session.exec(
        select(AuditEntry).where(AuditEntry.action == "edition.purge_personal_data")
    ).one()
    assert entry.edition_id == edition.id and entry.actor_type == "account"
    assert entry.after["reason"] == "Request of the host country" and entry.after["forced"]
    assert entry.after["participants"] == 2 and entry.after["uploads"] == 2
    page = client.get(response.headers["location"])
    assert "has been erased" in page.text and entry.actor_label in page.text


def test_a_purge_after_the_period_needs_no_reason_and_can_be_repeated(client, db_session) -> None:
    edition = _past(db_session, make_registered_edition(db_session))
    sign_in(client, db_session, role=Role.admin)
    assert (
        "Reason for purging early"
        not in client.get(f"/admin/editions/{edition.slug}/retention").text
    )
    assert _purge(client, edition, confirm="yes").status_code == 303
    again = _purge(client, edition, confirm="yes")
    assert again.status_code == 303
    assert _personal_values_left(db_session, edition) == []
    entries = db_session.exec(
        select(AuditEntry).where(AuditEntry.action == "edition.purge_personal_data")
    ).all()
    assert len(entries) == 2 and not entries[0].after["forced"]
    assert entries[0].after["reason"] is None
    participants = db_session.exec(
        select(Participant).where(Participant.edition_id == edition.id)
    ).all()
    assert {(p.given_name, p.email) for p in participants} == {
        ("[erased]", f"erased-{p.id}@invalid") for p in participants
    }
