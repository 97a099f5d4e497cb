"""Loading the historical record and the entity catalogue from ``seed/``.

Seeding is idempotent: rows are found by natural key (source key, entity code, edition slug,
person key, subject key, conflict key) or by ``seed_key``, a digest of the seeded fact, and
updated in place; facts, subjects and conflicts that were removed from the seed files are
removed from the database, so seeding a database seeded by an earlier version brings it to
the current record.
"""

import csv
import hashlib
import json
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, SQLModel, col, delete, select

from app.config import ROOT_DIR
from app.editions.models import Edition, EditionStatus
from app.entities.models import Entity, EntityType
from app.history.models import (
    EditionFact,
    EditionPerson,
    Person,
    RecordFact,
    RecordSubject,
    ReportedFigure,
    ReportedOutcome,
    Source,
    SourceConflict,
    SummaryCitation,
    Theme,
)

SEED_DIR = ROOT_DIR / "seed"


@dataclass
class SeedReport:
    sources: int = 0
    entities: int = 0
    editions: int = 0
    facts: int = 0
    subjects: int = 0
    conflicts: int = 0


def _seed_key(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _upsert(
    db_session: Session, model: type[SQLModel], key: dict[str, Any], values: dict[str, Any]
) -> Any:
    row = db_session.exec(select(model).filter_by(**key)).first()
    if row is None:
        row = model(**key, **values)
    else:
        for name, value in values.items():
            setattr(row, name, value)
    db_session.add(row)
    db_session.flush()
    return row


def seed_sources(db_session: Session, seed_dir: Path) -> dict[str, Source]:
    catalogue = tomllib.loads((seed_dir / "sources.toml").read_text(encoding="utf-8"))
    sources: dict[str, Source] = {}
    for entry in catalogue["source"]:
        filename = f"{entry['key']}.txt"
        text = (seed_dir / "sources" / filename).read_text(encoding="utf-8")
        values = {
            name: entry.get(name)
            for name in (
                "title",
                "kind",
                "language",
                "publisher",
                "place",
                "published_on",
                "date_note_en",
                "date_note_fr",
                "date_note_ar",
                "description",
            )
        }
        sources[entry["key"]] = _upsert(
            db_session,
            Source,
            {"key": entry["key"]},
            {
                **values,
                "date_strength": entry.get("date_strength", "stated"),
                "filename": filename,
                "text": text,
            },
        )
    return sources


def seed_entities(db_session: Session, seed_dir: Path, sources: dict[str, Source]) -> int:
    with (seed_dir / "entities.csv").open(encoding="utf-8", newline="") as csv_file:
        rows = list(csv.DictReader(csv_file))
    for row in rows:
        source = sources.get(row["source"].removesuffix(".txt")) if row["source"] else None
        _upsert(
            db_session,
            Entity,
            {"code": row["code"]},
            {
                "iso_alpha2": row["iso_alpha2"] or None,
                "entity_type": EntityType(row["entity_type"]),
                "name_en": row["name_en"],
                "name_fr": row["name_fr"],
                "name_ar": row["name_ar"],
                "name_fr_of": row.get("name_fr_of") or None,
                "region": row["region"] or None,
                "african_union_member": row["african_union_member"] == "yes",
                "source_id": source.id if source else None,
            },
        )
    return len(rows)


EDITION_FIELDS = (
    "kind",
    "number",
    "year",
    "title_en",
    "title_fr",
    "title_ar",
    "city_en",
    "city_fr",
    "city_ar",
    "city_aliases",
    "venue",
    "start_date",
    "end_date",
    "summary_en",
    "summary_fr",
    "summary_ar",
)


def _as_date(value: Any) -> date | None:
    return value if isinstance(value, date) else None


EDITION_MODELS = (
    EditionFact,
    ReportedFigure,
    EditionPerson,
    Theme,
    ReportedOutcome,
    RecordFact,
    SummaryCitation,
)
CITED_FIELDS = ("strength", "note_en", "note_fr", "note_ar")
RECORD_FACT_FIELDS = ("topic", "value", "text_en", "text_fr", "text_ar", "conflict")


def _upsert_cited(
    db_session: Session,
    model: type[SQLModel],
    key: str,
    entry: dict[str, Any],
    sources: dict[str, Source],
    fields: tuple[str, ...],
    position: int | None = None,
    **extra: Any,
) -> None:
    """Insert or update one cited fact: its fields, source, quote, strength and note."""
    values = {name: entry.get(name) for name in (*fields, *CITED_FIELDS)}
    values["strength"] = entry.get("strength", "stated")
    if position is not None:
        values["position"] = position
    _upsert(
        db_session,
        model,
        {"seed_key": key},
        {**values, **extra, "source_id": sources[entry["source"]].id, "quote": entry["quote"]},
    )


def seed_edition(db_session: Session, data: dict[str, Any], sources: dict[str, Source]) -> int:
    """Load one edition file; return the number of facts it holds."""
    slug = data["slug"]
    country = db_session.exec(select(Entity).where(Entity.code == data["country"])).one()
    values = {name: data.get(name) for name in EDITION_FIELDS}
    values["city_aliases"] = list(data.get("city_aliases", []))
    values["start_date"] = _as_date(data.get("start_date"))
    values["end_date"] = _as_date(data.get("end_date"))
    edition = _upsert(
        db_session,
        Edition,
        {"slug": slug},
        {
            **values,
            "country_id": country.id,
            "status": EditionStatus.archived,
            "is_historical": True,
            "time_zone": data.get("time_zone", "Africa/Casablanca"),
        },
    )
    kept: dict[type[SQLModel], list[str]] = {model: [] for model in EDITION_MODELS}

    def add(
        model: type[SQLModel],
        entry: dict[str, Any],
        fields: tuple[str, ...],
        position: int | None = None,
        **extra: Any,
    ) -> None:
        key = _seed_key(model.__name__, slug, entry)
        _upsert_cited(
            db_session, model, key, entry, sources, fields, position, edition_id=edition.id, **extra
        )
        kept[model].append(key)

    for entry in data.get("fact", []):
        add(EditionFact, entry, ("field", "value"))
    for entry in data.get("figure", []):
        add(ReportedFigure, entry, ("metric", "value", "qualifier"))
    for position, entry in enumerate(data.get("person", [])):
        person = _upsert(
            db_session,
            Person,
            {"key": entry["key"]},
            {
                "name": entry["name"],
                "name_ar": entry.get("name_ar"),
                "name_ar_source_id": (
                    sources[entry["name_ar_source"]].id if entry.get("name_ar_source") else None
                ),
            },
        )
        add(
            EditionPerson,
            entry,
            ("role", "function_en", "function_fr", "function_ar"),
            position,
            person_id=person.id,
        )
    for position, entry in enumerate(data.get("theme", [])):
        add(Theme, entry, ("text_en", "text_fr", "text_ar"), position)
    for position, entry in enumerate(data.get("outcome", [])):
        add(ReportedOutcome, entry, ("text_en", "text_fr", "text_ar"), position)
    for position, entry in enumerate(data.get("statement", [])):
        add(RecordFact, entry, RECORD_FACT_FIELDS, position)
    for position, entry in enumerate(data.get("summary_source", [])):
        key = _seed_key(SummaryCitation.__name__, slug, entry)
        _upsert(
            db_session,
            SummaryCitation,
            {"seed_key": key},
            {
                "edition_id": edition.id,
                "position": position,
                "source_id": sources[entry["source"]].id,
                "quote": entry["quote"],
            },
        )
        kept[SummaryCitation].append(key)
    for model, keys in kept.items():
        db_session.exec(
            delete(model).where(
                model.edition_id == edition.id,  # type: ignore[attr-defined]
                col(model.seed_key).not_in(keys),  # type: ignore[attr-defined]
            )
        )
    return sum(len(keys) for keys in kept.values())


SUBJECT_FIELDS = ("name_en", "name_fr", "name_ar", "intro_en", "intro_fr", "intro_ar")
CONFLICT_FIELDS = ("title_en", "title_fr", "title_ar", "summary_en", "summary_fr", "summary_ar")


def seed_subject(
    db_session: Session, data: dict[str, Any], sources: dict[str, Source], position: int
) -> int:
    """Load one subject file (the Platform, an office, a person); return its number of facts."""
    subject = _upsert(
        db_session,
        RecordSubject,
        {"key": data["key"]},
        {**{name: data.get(name) for name in SUBJECT_FIELDS}, "position": position},
    )
    kept = []
    for index, entry in enumerate(data.get("fact", [])):
        key = _seed_key(RecordFact.__name__, data["key"], entry)
        _upsert_cited(
            db_session,
            RecordFact,
            key,
            entry,
            sources,
            RECORD_FACT_FIELDS,
            index,
            subject_id=subject.id,
        )
        kept.append(key)
    db_session.exec(
        delete(RecordFact).where(
            col(RecordFact.subject_id) == subject.id, col(RecordFact.seed_key).not_in(kept)
        )
    )
    return len(kept)


def seed_conflicts(db_session: Session, seed_dir: Path) -> int:
    """Load the points on which the sources disagree; drop those no longer listed."""
    entries = tomllib.loads((seed_dir / "conflicts.toml").read_text(encoding="utf-8"))["conflict"]
    for position, entry in enumerate(entries):
        _upsert(
            db_session,
            SourceConflict,
            {"key": entry["key"]},
            {**{name: entry.get(name) for name in CONFLICT_FIELDS}, "position": position},
        )
    keys = [entry["key"] for entry in entries]
    db_session.exec(delete(SourceConflict).where(col(SourceConflict.key).not_in(keys)))
    return len(entries)


def seed_all(db_session: Session, seed_dir: Path = SEED_DIR) -> SeedReport:
    """Load sources, the entity catalogue, every historical edition, the subjects and the
    conflicts between sources, in one transaction."""
    report = SeedReport()
    sources = seed_sources(db_session, seed_dir)
    report.sources = len(sources)
    report.entities = seed_entities(db_session, seed_dir, sources)
    for path in sorted((seed_dir / "editions").glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        report.facts += seed_edition(db_session, data, sources)
        report.editions += 1
    subject_keys = []
    for position, path in enumerate(sorted((seed_dir / "subjects").glob("*.toml"))):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        report.facts += seed_subject(db_session, data, sources, data.get("position", position))
        subject_keys.append(data["key"])
        report.subjects += 1
    db_session.exec(delete(RecordSubject).where(col(RecordSubject.key).not_in(subject_keys)))
    report.conflicts = seed_conflicts(db_session, seed_dir)
    db_session.commit()
    return report
