"""What the record says besides the editions: subjects (the Platform, the Rabat office, a
person) with their cited facts, and every point on which the sources disagree."""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from app.editions.models import PUBLIC_STATUSES, Edition
from app.errors import NotFound
from app.history.models import EditionFact, RecordFact, RecordSubject, Source, SourceConflict
from app.history.service import records_for
from app.i18n import N_

PLATFORM = "platform"


@dataclass
class SubjectRecord:
    """A subject and its facts, grouped by topic in the order of the seed file."""

    subject: RecordSubject
    topics: dict[str, list[RecordFact]]
    sources: dict[int, Source]


def _sources_of(db_session: Session, rows: list) -> dict[int, Source]:  # type: ignore[type-arg]
    ids = {row.source_id for row in rows}
    if not ids:
        return {}
    return {
        source.id: source
        for source in db_session.exec(select(Source).where(col(Source.id).in_(ids)))
        if source.id is not None
    }


def get_subject(db_session: Session, key: str) -> SubjectRecord:
    """A subject with its facts and their sources."""
    subject = db_session.exec(select(RecordSubject).where(RecordSubject.key == key)).first()
    if subject is None:
        raise NotFound(N_("The record has no page {key}."), key=key)
    facts = list(
        db_session.exec(
            select(RecordFact)
            .where(RecordFact.subject_id == subject.id)
            .order_by(RecordFact.position, RecordFact.id)
        )
    )
    topics: dict[str, list[RecordFact]] = {}
    for fact in facts:
        topics.setdefault(fact.topic, []).append(fact)
    return SubjectRecord(subject, topics, _sources_of(db_session, facts))


def list_subjects(db_session: Session) -> list[RecordSubject]:
    """Every subject, in the seed's order."""
    return list(db_session.exec(select(RecordSubject).order_by(RecordSubject.position)))


@dataclass
class ConflictSide:
    """One reading of a disputed point and the facts (each cited) that give it."""

    value: str
    facts: list[RecordFact | EditionFact]


@dataclass
class ConflictView:
    key: str
    conflict: SourceConflict | None
    subject: RecordSubject | None
    edition: Edition | None
    field: str | None
    sides: list[ConflictSide]


@dataclass
class ConflictList:
    conflicts: list[ConflictView] = field(default_factory=list)
    sources: dict[int, Source] = field(default_factory=dict)


def _sides(facts: list) -> list[ConflictSide]:  # type: ignore[type-arg]
    by_value: dict[str, list] = defaultdict(list)  # type: ignore[type-arg]
    for fact in facts:
        by_value[fact.value or ""].append(fact)
    return [ConflictSide(value, rows) for value, rows in by_value.items()]


def list_conflicts(db_session: Session) -> ConflictList:
    """The declared conflicts between sources, then any attribute of a public edition that
    the sources give differently, each side with its citations."""
    result = ConflictList()
    subjects = {s.id: s for s in db_session.exec(select(RecordSubject))}
    cited: list = []  # type: ignore[type-arg]
    for conflict in db_session.exec(select(SourceConflict).order_by(SourceConflict.position)):
        facts = list(
            db_session.exec(
                select(RecordFact)
                .where(RecordFact.conflict == conflict.key)
                .order_by(RecordFact.position, RecordFact.id)
            )
        )
        cited += facts
        subject = subjects.get(facts[0].subject_id) if facts else None
        result.conflicts.append(
            ConflictView(conflict.key, conflict, subject, None, None, _sides(facts))
        )
    editions = list(
        db_session.exec(
            select(Edition)
            .where(col(Edition.status).in_(PUBLIC_STATUSES), col(Edition.is_demo).is_(False))
            .order_by(Edition.year, Edition.id)
        )
    )
    records = records_for(db_session, editions)
    for edition in editions:
        record = records[edition.id or 0]
        for field_name in sorted(record.disputed_fields(edition)):
            facts = [fact for fact in record.facts if fact.field == field_name]
            cited += facts
            result.conflicts.append(
                ConflictView(
                    f"{edition.slug}-{field_name}", None, None, edition, field_name, _sides(facts)
                )
            )
    result.sources = _sources_of(db_session, cited)
    return result
