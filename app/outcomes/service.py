"""Writing, adopting and publishing outcome statements, keeping every revision."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import Select

from app import translation_status
from app.audit import service as audit
from app.audit.service import Actor, snapshot
from app.editions.models import Edition, EditionStatus
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import LANGUAGES, N_
from app.outcomes.models import (
    OutcomeKind,
    OutcomeRevision,
    OutcomeStatement,
    OutcomeStatus,
)
from app.outcomes.rendering import DiffLine, diff_texts
from app.outcomes.schemas import OutcomeCreate, OutcomeUpdate
from app.paging import Page, Paged, fetch_page
from app.timestamps import utcnow

TEXT_FIELDS = tuple(f"{part}_{lang}" for part in ("title", "body") for lang in LANGUAGES)
AUDITED_FIELDS = ["kind", "symbol", "status", "adopted_date", "published_at", *TEXT_FIELDS]


def _statements(edition: Edition, published_only: bool) -> Select:
    query = select(OutcomeStatement).where(OutcomeStatement.edition_id == edition.id)
    if published_only:
        query = query.where(OutcomeStatement.status == OutcomeStatus.published)
    return query.order_by(col(OutcomeStatement.id))


def list_statements(
    db_session: Session, *, edition: Edition, published_only: bool = False
) -> list[OutcomeStatement]:
    """The statements of an edition in the order they were written."""
    return list(db_session.exec(_statements(edition, published_only)))


def page_statements(
    db_session: Session, *, edition: Edition, published_only: bool, page: Page
) -> Paged[OutcomeStatement]:
    """One page of the edition's statements, in the order they were written."""
    return fetch_page(db_session, _statements(edition, published_only), page)


def get_statement(
    db_session: Session, *, edition: Edition, statement_id: int, published_only: bool = False
) -> OutcomeStatement:
    """One statement of the edition; unpublished ones exist only for organisers."""
    statement = db_session.get(OutcomeStatement, statement_id)
    if (
        statement is None
        or statement.edition_id != edition.id
        or (published_only and statement.status != OutcomeStatus.published)
    ):
        raise NotFound(N_("There is no outcome statement {id} for this edition."), id=statement_id)
    return statement


def propose_symbol(db_session: Session, *, edition: Edition) -> str:
    """The next free document symbol of the edition's year, such as MP/2027/1."""
    prefix = f"MP/{edition.year}/"
    taken = set(
        db_session.exec(
            select(OutcomeStatement.symbol).where(col(OutcomeStatement.symbol).startswith(prefix))
        ).all()
    )
    serial = 1
    while f"{prefix}{serial}" in taken:
        serial += 1
    return f"{prefix}{serial}"


def _check_symbol_free(db_session: Session, symbol: str, statement_id: int | None) -> None:
    other = db_session.exec(
        select(OutcomeStatement).where(OutcomeStatement.symbol == symbol)
    ).first()
    if other is not None and other.id != statement_id:
        raise Conflict(
            N_("The symbol {symbol} is already used by another statement."),
            field="symbol",
            symbol=symbol,
        )


def _add_revision(db_session: Session, statement: OutcomeStatement, actor: Actor) -> None:
    number = (
        db_session.exec(
            select(func.max(OutcomeRevision.number)).where(
                OutcomeRevision.statement_id == statement.id
            )
        ).one()
        or 0
    ) + 1
    db_session.add(
        OutcomeRevision(
            statement_id=statement.id or 0,
            number=number,
            actor_type=actor.actor_type,
            actor_id=actor.actor_id,
            actor_label=actor.label,
            **{name: getattr(statement, name) for name in TEXT_FIELDS},
        )
    )


@contextmanager
def _saving(db_session: Session) -> Iterator[None]:
    """Write then commit; a unique symbol or revision number taken meanwhile by another
    organiser's save becomes a Conflict instead of a server error."""
    try:
        yield
        db_session.commit()
    except IntegrityError as error:
        db_session.rollback()
        raise Conflict(
            N_("Another organiser saved a statement at the same moment. Reload and try again.")
        ) from error


def create_statement(
    db_session: Session, *, edition: Edition, statement_in: OutcomeCreate, actor: Actor
) -> OutcomeStatement:
    """Write a draft statement and keep its text as revision 1."""
    if not statement_in.symbol:
        # Organisers creating statements at the same moment take turns on the edition's row
        # (on PostgreSQL; SQLite's write transaction already holds the database), so that each
        # is proposed the next free symbol instead of all proposing the same one.
        db_session.exec(select(Edition.id).where(Edition.id == edition.id).with_for_update())
    symbol = statement_in.symbol or propose_symbol(db_session, edition=edition)
    _check_symbol_free(db_session, symbol, None)
    with _saving(db_session):
        statement = OutcomeStatement(
            **statement_in.model_dump(exclude={"symbol"}), symbol=symbol, edition_id=edition.id or 0
        )
        db_session.add(statement)
        db_session.flush()
        _add_revision(db_session, statement, actor)
        audit.record(
            db_session,
            actor=actor,
            action="outcome.create",
            subject=statement,
            edition_id=edition.id,
            after=snapshot(statement, AUDITED_FIELDS),
        )
    return statement


def update_statement(
    db_session: Session,
    *,
    statement: OutcomeStatement,
    statement_in: OutcomeUpdate | OutcomeCreate,
    actor: Actor,
) -> OutcomeStatement:
    """Change a statement not yet published; a change of text is kept as a new revision."""
    if statement.status == OutcomeStatus.published:
        raise Conflict(N_("A published statement can no longer be changed."))
    changes = statement_in.model_dump(exclude_unset=True)
    for name in ("kind", "symbol", "title_en", "body_en"):
        if name in changes and changes[name] is None:
            raise InvalidInput(N_("This field is required."), field=name)
    if changes.get("symbol"):
        _check_symbol_free(db_session, changes["symbol"], statement.id)
    changes = {name: value for name, value in changes.items() if getattr(statement, name) != value}
    if not changes:
        return statement
    with _saving(db_session):
        before = snapshot(statement, AUDITED_FIELDS)
        texts_before = translation_status.values_of(statement, ("title", "body"))
        for name, value in changes.items():
            setattr(statement, name, value)
        translation_status.flag_outdated(statement, before=texts_before, parts=("title", "body"))
        statement.updated_at = utcnow()
        db_session.add(statement)
        if any(name in TEXT_FIELDS for name in changes):
            _add_revision(db_session, statement, actor)
        audit.record(
            db_session,
            actor=actor,
            action="outcome.update",
            subject=statement,
            edition_id=statement.edition_id,
            before=before,
            after=snapshot(statement, AUDITED_FIELDS),
        )
    return statement


def adopt_statement(
    db_session: Session, *, statement: OutcomeStatement, adopted_date: date, actor: Actor
) -> OutcomeStatement:
    """Record that the meeting adopted the statement on this date."""
    if statement.status != OutcomeStatus.draft:
        raise Conflict(N_("Only a draft statement can be adopted."))
    if not statement.body_en.strip():
        raise Conflict(N_("Write the English text before adopting the statement."))
    if adopted_date > utcnow().date():
        raise InvalidInput(N_("The adoption date cannot be in the future."), field="adopted_date")
    before = snapshot(statement, AUDITED_FIELDS)
    statement.status = OutcomeStatus.adopted
    statement.adopted_date = adopted_date
    statement.updated_at = utcnow()
    db_session.add(statement)
    audit.record(
        db_session,
        actor=actor,
        action="outcome.adopt",
        subject=statement,
        edition_id=statement.edition_id,
        before=before,
        after=snapshot(statement, AUDITED_FIELDS),
    )
    db_session.commit()
    return statement


def publish_statement(
    db_session: Session, *, edition: Edition, statement: OutcomeStatement, actor: Actor
) -> OutcomeStatement:
    """Make an adopted statement (or a press release) public."""
    if statement.status == OutcomeStatus.published:
        raise Conflict(N_("The statement is already published."))
    if statement.status != OutcomeStatus.adopted and statement.kind != OutcomeKind.press_release:
        raise Conflict(N_("Adopt the statement before publishing it."))
    if not statement.body_en.strip():
        raise Conflict(N_("Write the English text before publishing the statement."))
    if edition.status == EditionStatus.draft:
        raise Conflict(N_("Announce the edition before publishing its statements."))
    before = snapshot(statement, AUDITED_FIELDS)
    statement.status = OutcomeStatus.published
    statement.published_at = utcnow()
    statement.updated_at = statement.published_at
    db_session.add(statement)
    audit.record(
        db_session,
        actor=actor,
        action="outcome.publish",
        subject=statement,
        edition_id=statement.edition_id,
        before=before,
        after=snapshot(statement, AUDITED_FIELDS),
    )
    db_session.commit()
    from app.outcomes.pdf import render_after_publishing  # the PDF module imports the service

    render_after_publishing(statement)
    return statement


def _revisions(statement: OutcomeStatement) -> Select:
    return (
        select(OutcomeRevision)
        .where(OutcomeRevision.statement_id == statement.id)
        .order_by(col(OutcomeRevision.number).desc())
    )


def list_revisions(db_session: Session, *, statement: OutcomeStatement) -> list[OutcomeRevision]:
    """Every revision of the statement's text, newest first."""
    return list(db_session.exec(_revisions(statement)))


def page_revisions(
    db_session: Session, *, statement: OutcomeStatement, page: Page
) -> Paged[OutcomeRevision]:
    """One page of the revisions of the statement's text, newest first."""
    return fetch_page(db_session, _revisions(statement), page)


@dataclass(frozen=True)
class FieldDiff:
    field: str
    lines: list[DiffLine]
    changed: bool


@dataclass(frozen=True)
class RevisionComparison:
    older: OutcomeRevision
    newer: OutcomeRevision
    fields: list[FieldDiff]


def compare_revisions(
    db_session: Session, *, statement: OutcomeStatement, older: int, newer: int
) -> RevisionComparison:
    """The differences of each title and text between two revisions."""
    found = {
        revision.number: revision
        for revision in db_session.exec(
            select(OutcomeRevision).where(
                OutcomeRevision.statement_id == statement.id,
                col(OutcomeRevision.number).in_([older, newer]),
            )
        )
    }
    for number in (older, newer):
        if number not in found:
            raise NotFound(N_("There is no revision {number} of this statement."), number=number)
    fields = []
    for name in TEXT_FIELDS:
        before, after = getattr(found[older], name), getattr(found[newer], name)
        fields.append(FieldDiff(name, diff_texts(before, after), (before or "") != (after or "")))
    return RevisionComparison(found[older], found[newer], fields)
