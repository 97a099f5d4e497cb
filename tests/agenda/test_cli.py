"""``marrakech demo-agenda``: the two-day demo agenda, run as an organiser runs it."""

from sqlalchemy import create_engine, text
from sqlmodel import Session

from app.editions.models import EditionStatus
from tests.cli_helpers import migrated_database, run
from tests.factories import make_edition


def test_demo_agenda_publishes_forty_items_on_a_demo_edition_only() -> None:
    with migrated_database() as url:
        engine = create_engine(url)
        with Session(engine) as db_session:
            demo = make_edition(db_session, is_demo=True, status=EditionStatus.announced)
            real = make_edition(db_session)
            demo_slug, real_slug = demo.slug, real.slug
        result = run(url, "demo-agenda", demo_slug)
        assert result.returncode == 0, result.stderr
        assert "40 items" in result.stdout
        refused = run(url, "demo-agenda", real_slug)
        assert refused.returncode == 1 and "Only a demo edition" in refused.stderr
        with engine.connect() as connection:
            items = connection.execute(text("SELECT count(*) FROM agenda_item")).scalar()
            revisions = connection.execute(text("SELECT number, note FROM agenda_revision")).all()
            days = connection.execute(
                text(
                    "SELECT count(DISTINCT substr(CAST(starts_at AS TEXT), 1, 10)) FROM agenda_item"
                )
            ).scalar()
        engine.dispose()
    assert items == 40 and days == 2
    assert [row[0] for row in revisions] == [0]
