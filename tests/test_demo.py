"""The demo edition: clearly marked, never history, ready for registration."""

from sqlmodel import func, select

from app.delegations.models import Delegation, Participant
from app.delegations.windows import registration_is_open, settings_of
from app.demo import create_demo_edition


def test_demo_edition_is_marked_open_and_has_synthetic_delegations(client, db_session) -> None:
    edition = create_demo_edition(db_session, delegations=12)
    assert edition.is_demo and not edition.is_historical and edition.slug.startswith("demo-")
    assert registration_is_open(edition, settings_of(db_session, edition))
    count = db_session.exec(
        select(func.count()).select_from(Delegation).where(Delegation.edition_id == edition.id)
    ).one()
    assert count == 12
    heads = db_session.exec(
        select(func.count())
        .select_from(Participant)
        .where(Participant.edition_id == edition.id, Participant.role == "head")
    ).one()
    assert heads == 6
    assert create_demo_edition(db_session, delegations=12).id == edition.id  # idempotent
    page = client.get(f"/editions/{edition.slug}")
    assert "Demo edition, not part of the historical record" in page.text
    assert "demo.example" not in page.text


def test_demo_edition_has_a_published_two_day_agenda(client, db_session) -> None:
    edition = create_demo_edition(db_session, delegations=3)
    agenda = client.get(f"/editions/{edition.slug}/agenda.json").json()
    assert agenda["revision"]["label"] == "Rev.0"
    days = {item["starts_at"][:10] for item in agenda["items"]}
    assert len(days) == 2 and len(agenda["items"]) >= 20  # the public items of 40
    page = client.get(f"/editions/{edition.slug}/agenda")
    assert "Rev.0" in page.text
