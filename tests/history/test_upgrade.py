"""A database seeded by the previous version ends up with the current record after
``marrakech db upgrade && marrakech seed``, the same as a database seeded afresh."""

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, MetaData, Table, text

from app import migrate
from app.db import build_engine
from tests.cli_helpers import run
from tests.database import scratch_database

# The history tables and the entity catalogue of a database migrated to revision 0006 and
# seeded by the version of that time (the record before strengths, subjects and conflicts).
SEEDED_BEFORE = Path(__file__).parent / "data" / "seeded_at_0006.json"

RECORD_TABLES = (
    "source",
    "edition",
    "person",
    "editionfact",
    "reportedfigure",
    "editionperson",
    "theme",
    "reportedoutcome",
    "recordfact",
    "recordsubject",
    "sourceconflict",
    "summarycitation",
)


def _typed(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    values = {}
    for name, value in row.items():
        column_type = table.c[name].type
        if value is not None and isinstance(column_type, DateTime):
            value = datetime.fromisoformat(value)
        elif value is not None and isinstance(column_type, Date):
            value = date.fromisoformat(value)
        elif isinstance(column_type, Boolean):
            value = bool(value)
        elif isinstance(column_type, JSON) and isinstance(value, str):
            value = json.loads(value)
        values[name] = value
    return values


def _load_previous_version(url: str) -> None:
    fixture = json.loads(SEEDED_BEFORE.read_text(encoding="utf-8"))
    migrate.upgrade(url, fixture["revision"])
    engine = build_engine(url)
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.begin() as connection:
        for name, rows in fixture["tables"].items():
            table = metadata.tables[name]
            connection.execute(table.insert(), [_typed(table, row) for row in rows])
            if engine.dialect.name == "postgresql":
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608 - our table names
                        f"(SELECT max(id) FROM {name}))"
                    )
                )
    engine.dispose()


def _snapshot(url: str) -> dict[str, Any]:
    engine = build_engine(url)
    with engine.connect() as connection:
        snapshot: dict[str, Any] = {
            name: connection.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()  # noqa: S608
            for name in RECORD_TABLES
        }
        snapshot["facts"] = sorted(
            tuple(row)
            for row in connection.execute(
                text(
                    "SELECT e.slug, f.field, f.value, f.strength, f.note_en FROM editionfact f "
                    "JOIN edition e ON e.id = f.edition_id"
                )
            )
        )
        snapshot["figures"] = sorted(
            tuple(row)
            for row in connection.execute(
                text(
                    "SELECT e.slug, f.metric, f.value FROM reportedfigure f "
                    "JOIN edition e ON e.id = f.edition_id"
                )
            )
        )
        snapshot["roles"] = sorted(
            tuple(row)
            for row in connection.execute(
                text(
                    "SELECT e.slug, p.key, r.role, r.strength FROM editionperson r "
                    "JOIN edition e ON e.id = r.edition_id JOIN person p ON p.id = r.person_id"
                )
            )
        )
        snapshot["aliases"] = sorted(
            (slug, json.dumps(aliases) if not isinstance(aliases, str) else aliases)
            for slug, aliases in connection.execute(text("SELECT slug, city_aliases FROM edition"))
        )
        snapshot["dates"] = sorted(
            tuple(row)
            for row in connection.execute(
                text("SELECT key, published_on, date_strength FROM source")
            )
        )
        snapshot["office"] = tuple(
            connection.execute(
                text("SELECT name_fr, name_ar FROM entity WHERE code = 'UNOCT-PO-RABAT'")
            ).one()
        )
    engine.dispose()
    return snapshot


def test_a_database_seeded_by_the_previous_version_gets_the_current_record() -> None:
    with scratch_database() as upgraded, scratch_database() as fresh:
        _load_previous_version(upgraded)
        before = _snapshot_before(upgraded)
        assert ("2022-marrakech", "heads_of_agencies", 38) in before["figures"]
        for command in (("db", "upgrade"), ("seed",)):
            result = run(upgraded, *command)
            assert result.returncode == 0, result.stderr
        migrate.upgrade(fresh)
        assert run(fresh, "seed").returncode == 0
        after = _snapshot(upgraded)
        assert after == _snapshot(fresh)
        assert not any(slug == "2022-marrakech" for slug, *_ in after["figures"])
        assert ("2021-marrakech", "kind", "precursor", "reading") in [
            fact[:4] for fact in after["facts"]
        ]
        assert ("2021-marrakech", "vladimir-voronkov", "opening_co_chair", "stated") in after[
            "roles"
        ]
        assert after["recordsubject"] == 3 and after["sourceconflict"] == 2
        # Seeding again changes nothing.
        assert run(upgraded, "seed").returncode == 0
        assert _snapshot(upgraded) == after


def _snapshot_before(url: str) -> dict[str, Any]:
    engine = build_engine(url)
    with engine.connect() as connection:
        figures = sorted(
            tuple(row)
            for row in connection.execute(
                text(
                    "SELECT e.slug, f.metric, f.value FROM reportedfigure f "
                    "JOIN edition e ON e.id = f.edition_id"
                )
            )
        )
    engine.dispose()
    return {"figures": figures}
