"""``marrakech export`` and ``marrakech import``: a round trip loses nothing, on SQLite and
from SQLite to PostgreSQL, and an import never lands on top of existing data."""

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session

from app import migrate
from app.audit.service import SYSTEM
from app.db import build_engine
from app.editions import lifecycle
from app.editions import service as editions_service
from app.editions.models import EditionStatus
from app.editions.schemas import EditionCreate
from app.outcomes import service as outcomes_service
from app.outcomes.schemas import OutcomeCreate, OutcomeUpdate
from tests.database import configured_url, scratch_database
from tests.test_cli import run


def _fill(url: str) -> None:
    """Seed the history and add what an organiser's year adds: accounts, an edition
    moved through its lifecycle, a statement with revisions (Arabic, Markdown), audit JSON."""
    assert run(url, "seed").returncode == 0
    created = run(
        url, "create-organizer", "amina@unoct.example", "--password-stdin", stdin="x" * 16 + "\n"
    )
    assert created.returncode == 0, created.stderr
    assert run(url, "create-token", "amina@unoct.example").returncode == 0
    engine = build_engine(url)
    with Session(engine, expire_on_commit=False) as db_session:
        edition = editions_service.create_edition(
            db_session,
            edition_in=EditionCreate(
                title_en="4th session",
                title_ar="الدورة الرابعة",
                city_en="Rabat",
                start_date=date(2025, 6, 2),
                end_date=date(2025, 6, 3),
                number=4,
            ),
            actor=SYSTEM,
        )
        lifecycle.transition_edition(
            db_session, edition=edition, target=EditionStatus.announced, actor=SYSTEM
        )
        statement = outcomes_service.create_statement(
            db_session,
            edition=edition,
            statement_in=OutcomeCreate(
                kind="declaration",
                title_en="Rabat Declaration",
                body_en="1. *Agreed*.",
                body_ar="١. اتفقنا — «نص» 🙂",
            ),
            actor=SYSTEM,
        )
        outcomes_service.update_statement(
            db_session,
            statement=statement,
            statement_in=OutcomeUpdate(body_en="1. *Agreed*.\n2. Again."),
            actor=SYSTEM,
        )
        outcomes_service.adopt_statement(
            db_session, statement=statement, adopted_date=date(2025, 6, 3), actor=SYSTEM
        )
    engine.dispose()


@pytest.fixture(scope="module")
def sqlite_archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """An archive of a filled SQLite database."""
    with scratch_database("") as url:
        assert run(url, "db", "upgrade").returncode == 0
        _fill(url)
        path = tmp_path_factory.mktemp("archive") / "marrakech.json"
        exported = run(url, "export", str(path))
        assert exported.returncode == 0, exported.stderr
        assert "exported" in exported.stdout
        yield path


def _round_trip(archive: Path, target_base: str, tmp_path: Path) -> None:
    with scratch_database(target_base) as url:
        assert run(url, "db", "upgrade").returncode == 0
        imported = run(url, "import", str(archive))
        assert imported.returncode == 0, imported.stderr
        again = tmp_path / "again.json"
        assert run(url, "export", str(again)).returncode == 0
        first, second = json.loads(archive.read_text()), json.loads(again.read_text())
        assert first["exported_at"] != "" and second["format"] == "marrakech-archive"
        for key in ("format", "version", "alembic_revision"):
            assert first[key] == second[key]
        assert set(first["tables"]) == set(second["tables"])
        for name in first["tables"]:
            assert first["tables"][name] == second["tables"][name], name
        # The sequences follow the imported ids: new rows get fresh ids.
        created = run(
            url,
            "create-organizer",
            "omar@unoct.example",
            "--password-stdin",
            stdin="y" * 16 + "\n",
        )
        assert created.returncode == 0, created.stderr


def test_archive_holds_every_table_with_lossless_values(sqlite_archive: Path) -> None:
    archive = json.loads(sqlite_archive.read_text())
    assert archive["format"] == "marrakech-archive" and archive["version"] == 1
    assert archive["alembic_revision"]
    tables = archive["tables"]
    assert len(tables["edition"]) == 5 and len(tables["outcome_revision"]) == 2
    assert {"audit_entry", "account", "entity", "source"} <= set(tables)
    statement = tables["outcome_statement"][0]
    assert (
        statement["body_ar"] == "١. اتفقنا — «نص» 🙂" and statement["adopted_date"] == "2025-06-03"
    )
    assert statement["created_at"].endswith("+00:00")
    fez = next(e for e in tables["edition"] if e["slug"] == "2024-fez")
    assert fez["city_aliases"] == ["Fes"]
    transition = next(a for a in tables["audit_entry"] if a["action"] == "edition.announce")
    assert transition["after"] == {"status": "announced"}


def test_round_trip_sqlite_to_sqlite_loses_nothing(sqlite_archive: Path, tmp_path: Path) -> None:
    _round_trip(sqlite_archive, "", tmp_path)


@pytest.mark.skipif(
    not (configured_url() or "").startswith("postgresql"),
    reason="TEST_DATABASE_URL does not name a PostgreSQL server (run under .ci/with-postgres)",
)
def test_round_trip_sqlite_to_postgresql_loses_nothing(
    sqlite_archive: Path, tmp_path: Path
) -> None:
    _round_trip(sqlite_archive, configured_url() or "", tmp_path)


def test_import_refuses_a_database_that_holds_data(sqlite_archive: Path) -> None:
    with scratch_database("") as url:
        assert run(url, "db", "upgrade").returncode == 0
        assert run(url, "seed").returncode == 0
        refused = run(url, "import", str(sqlite_archive))
        assert refused.returncode == 1 and "the database is not empty" in refused.stderr
        engine = build_engine(url)
        with engine.connect() as connection:
            count = connection.execute(text("SELECT count(*) FROM outcome_statement")).scalar()
        engine.dispose()
        assert count == 0


def test_import_refuses_another_schema_revision(sqlite_archive: Path, tmp_path: Path) -> None:
    archive = json.loads(sqlite_archive.read_text())
    archive["alembic_revision"] = "9999"
    other = tmp_path / "other.json"
    other.write_text(json.dumps(archive))
    with scratch_database("") as url:
        migrate.upgrade(url)
        refused = run(url, "import", str(other))
        assert refused.returncode == 1
        assert "made at schema revision 9999" in refused.stderr


def test_import_refuses_what_is_not_an_archive(tmp_path: Path) -> None:
    not_archive = tmp_path / "notes.json"
    not_archive.write_text('{"hello": "world"}')
    with scratch_database("") as url:
        result = run(url, "import", str(not_archive))
        assert result.returncode == 1 and "is not a Marrakech Platform archive" in result.stderr
        newer = tmp_path / "newer.json"
        newer.write_text(json.dumps({"format": "marrakech-archive", "version": 2, "tables": {}}))
        result = run(url, "import", str(newer))
        assert result.returncode == 1 and "archive version 2 is not supported" in result.stderr


def test_rows_the_migrations_insert_are_replaced_not_refused(sqlite_archive: Path) -> None:
    from app import backup

    archive = json.loads(sqlite_archive.read_text())
    assert archive["tables"]["content_version"][0]["version"] > 0
    with scratch_database("") as url:
        migrate.upgrade(url)  # inserts the content_version row, version 0
        engine = build_engine(url)
        backup.import_archive(engine, backup.read_archive(sqlite_archive))
        restored = backup.export_archive(engine)
        engine.dispose()
    assert restored["tables"]["content_version"] == archive["tables"]["content_version"]
    assert restored["tables"]["source"] == archive["tables"]["source"]
