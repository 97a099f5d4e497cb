"""Backup and move: the whole database as one versioned JSON archive, and back.

The archive lists every table of the metadata (``metadata.sorted_tables``, so tables added
later are included without change here) with its rows, each value encoded without loss:
datetimes in ISO 8601 with their offset, dates in ISO 8601, bytes in base64, decimals as
strings, JSON columns as they are. Importing refuses a database that holds any row (apart
from the rows the migrations insert, see REPLACED_ON_IMPORT) or that is at another Alembic
revision, inserts the tables parents first in one transaction, and on
PostgreSQL moves each id sequence past the highest imported id.
"""

import base64
import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Integer, Table, func, inspect, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.types import TypeDecorator

import app.models  # noqa: F401 - registers every table in the metadata
from app.db import metadata
from app.timestamps import utcnow

ARCHIVE_FORMAT = "marrakech-archive"
ARCHIVE_VERSION = 1
BATCH_SIZE = 500
# Tables whose rows the migrations themselves insert (such as a single-row counter): a new
# database already holds them, so they do not make it "not empty", and the import replaces
# them with the archive's rows. A name not in the schema is ignored.
REPLACED_ON_IMPORT: frozenset[str] = frozenset({"content_version"})


class ArchiveError(Exception):
    """The archive or the target database is not fit for the operation; the message says why."""


def _python_type(column: Column[Any]) -> type | None:
    column_type = column.type
    if isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    try:
        return column_type.python_type
    except NotImplementedError:
        return None


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str | dict | list):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    raise ArchiveError(f"cannot encode a value of type {type(value).__name__}")


def _decode(column: Column[Any], value: Any) -> Any:
    if value is None:
        return None
    kind = _python_type(column)
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    if kind is bytes:
        return base64.b64decode(value)
    if kind is Decimal:
        return Decimal(value)
    return value


def alembic_revision(connection: Connection) -> str | None:
    """The database's Alembic revision ('a,b' when several heads), or None when unmigrated."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    revisions = sorted(
        connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
    )
    return ",".join(revisions) or None


def _ordered_rows(connection: Connection, table: Table) -> list[dict[str, Any]]:
    order = list(table.primary_key.columns) or list(table.columns)
    rows = connection.execute(select(table).order_by(*order)).mappings()
    return [{name: _encode(value) for name, value in row.items()} for row in rows]


def export_archive(engine: Engine) -> dict[str, Any]:
    """Every table of the database as an archive document."""
    with engine.connect() as connection:
        revision = alembic_revision(connection)
        if revision is None:
            raise ArchiveError("the database has no schema: run 'marrakech db upgrade' first")
        tables = {table.name: _ordered_rows(connection, table) for table in metadata.sorted_tables}
    return {
        "format": ARCHIVE_FORMAT,
        "version": ARCHIVE_VERSION,
        "alembic_revision": revision,
        "exported_at": utcnow().isoformat(),
        "tables": tables,
    }


def write_archive(engine: Engine, path: Path) -> dict[str, int]:
    """Export to ``path`` (written beside it, then renamed); returns the row count per table."""
    archive = export_archive(engine)
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8") as archive_file:
        json.dump(archive, archive_file, ensure_ascii=False, separators=(",", ":"))
    partial.replace(path)
    return {name: len(rows) for name, rows in archive["tables"].items()}


def read_archive(path: Path) -> dict[str, Any]:
    """Load an archive file and check that it is one this version can import."""
    try:
        archive = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ArchiveError(f"cannot read {path}: {error}") from error
    if not isinstance(archive, dict) or archive.get("format") != ARCHIVE_FORMAT:
        raise ArchiveError(f"{path} is not a Marrakech Platform archive")
    if archive.get("version") != ARCHIVE_VERSION:
        raise ArchiveError(
            f"archive version {archive.get('version')} is not supported "
            f"(this program reads version {ARCHIVE_VERSION})"
        )
    if not isinstance(archive.get("tables"), dict):
        raise ArchiveError(f"{path} has no table list")
    return archive


def _check_target(connection: Connection, archive: dict[str, Any]) -> None:
    revision = alembic_revision(connection)
    if revision is None:
        raise ArchiveError("the database has no schema: run 'marrakech db upgrade' first")
    if revision != archive.get("alembic_revision"):
        raise ArchiveError(
            f"the archive was made at schema revision {archive.get('alembic_revision')} but "
            f"the database is at {revision}: bring both to the same revision first"
        )
    unknown = sorted(set(archive["tables"]) - set(metadata.tables))
    if unknown:
        raise ArchiveError(f"the archive holds tables this program does not know: {unknown}")
    for table in metadata.sorted_tables:
        if table.name in REPLACED_ON_IMPORT:
            continue
        if connection.execute(select(func.count()).select_from(table)).scalar():
            raise ArchiveError(
                f"the database is not empty (table {table.name} has rows): "
                "import only into a new, migrated database"
            )


def _reset_sequences(connection: Connection) -> None:
    for table in metadata.sorted_tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, Integer):
            continue
        key = keys[0]
        highest = func.max(key)
        connection.execute(
            select(
                func.setval(
                    func.pg_get_serial_sequence(table.name, key.name),
                    func.coalesce(highest, 1),
                    highest.is_not(None),
                )
            ).select_from(table)
        )


def import_archive(engine: Engine, archive: dict[str, Any]) -> dict[str, int]:
    """Restore an archive into an empty database at the same revision, all or nothing."""
    counts: dict[str, int] = {}
    with engine.begin() as connection:
        _check_target(connection, archive)
        for table in reversed(metadata.sorted_tables):
            if table.name in REPLACED_ON_IMPORT:
                connection.execute(table.delete())
        for table in metadata.sorted_tables:
            rows = archive["tables"].get(table.name, [])
            columns = {column.name: column for column in table.columns}
            decoded = []
            for row in rows:
                extra = set(row) - set(columns)
                if extra:
                    raise ArchiveError(f"table {table.name} has unknown columns {sorted(extra)}")
                decoded.append({name: _decode(columns[name], value) for name, value in row.items()})
            for start in range(0, len(decoded), BATCH_SIZE):
                connection.execute(table.insert(), decoded[start : start + BATCH_SIZE])
            counts[table.name] = len(decoded)
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection)
    return counts
