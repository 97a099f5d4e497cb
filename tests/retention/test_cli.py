"""``marrakech purge-personal-data`` run as an administrator runs it, on a real database."""

from datetime import date

import pytest
from sqlalchemy import text
from sqlmodel import Session

from app.db import build_engine
from app.history.seeding import seed_all
from tests.cli_helpers import migrated_database, run
from tests.factories import make_registered_edition


@pytest.fixture(scope="module")
def database() -> str:
    with migrated_database() as url:
        engine = build_engine(url)
        with Session(engine, expire_on_commit=False) as db_session:
            seed_all(db_session)
            make_registered_edition(db_session, slug="cli-future-edition", marker="Xerxia")
            make_registered_edition(
                db_session,
                slug="cli-past-edition",
                marker="Wendolyn",
                phone="+212 600 000 333",
                start_date=date(2024, 3, 4),
                end_date=date(2024, 3, 5),
            )
        engine.dispose()
        yield url


def _rows(url: str, sql: str, **params: object) -> list:
    engine = build_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text(sql), params).all()
    engine.dispose()
    return rows


def _mentions(url: str, needle: str) -> list[str]:
    """The tables in which any row mentions the needle."""
    from sqlmodel import SQLModel

    engine = build_engine(url)
    found = []
    with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            if any(
                needle in repr(tuple(row)).lower() for row in connection.execute(table.select())
            ):
                found.append(table.name)
    engine.dispose()
    return found


def test_before_the_period_the_command_refuses_unless_forced_with_a_reason(database) -> None:
    refused = run(database, "purge-personal-data", "cli-future-edition")
    assert refused.returncode == 1
    assert "2027-11-30" in refused.stderr and "xerxia" not in refused.stderr.lower()
    no_reason = run(database, "purge-personal-data", "cli-future-edition", "--force")
    assert no_reason.returncode == 1 and "reason" in no_reason.stderr
    assert "participant" in _mentions(database, "xerxia")
    forced = run(
        database,
        "purge-personal-data",
        "cli-future-edition",
        "--force",
        "--reason",
        "Delegation asked for erasure",
    )
    assert forced.returncode == 0, forced.stderr
    assert "erased 2 participants" in forced.stdout and "2 uploads" in forced.stdout
    assert "participants by role: head 1, member 1" in forced.stdout
    assert "participants by language: ar 1, fr 1" in forced.stdout
    assert _mentions(database, "xerxia") == []
    entry = _rows(
        database,
        "SELECT a.actor_type, a.after FROM audit_entry a JOIN edition e ON e.id = a.edition_id "
        "WHERE a.action = 'edition.purge_personal_data' AND e.slug = 'cli-future-edition'",
    )
    assert len(entry) == 1 and entry[0].actor_type == "cli"
    assert "Delegation asked for erasure" in str(entry[0].after)
    # The other edition is untouched.
    assert "participant" in _mentions(database, "wendolyn")


def test_after_the_period_the_command_purges_without_force(database) -> None:
    result = run(database, "purge-personal-data", "cli-past-edition")
    assert result.returncode == 0, result.stderr
    assert "erased 2 participants" in result.stdout
    assert _mentions(database, "wendolyn") == []
    assert _mentions(database, "+212 600 000 333") == []
    statuses = _rows(
        database,
        "SELECT p.role, p.status, p.interpretation_language FROM participant p "
        "JOIN edition e ON e.id = p.edition_id WHERE e.slug = 'cli-past-edition' ORDER BY p.role",
    )
    assert [tuple(row) for row in statuses] == [
        ("head", "pending", "fr"),
        ("member", "pending", "ar"),
    ]
    unknown = run(database, "purge-personal-data", "no-such-edition")
    assert unknown.returncode == 1 and "no-such-edition" in unknown.stderr
