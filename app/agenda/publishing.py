"""Publishing the working agenda as numbered revisions that never change, and comparing
two revisions."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from app.agenda import service as agenda_service
from app.agenda.models import AgendaPdf, AgendaRevision, Visibility
from app.audit import service as audit
from app.audit.service import Actor
from app.editions.models import Edition
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import N_
from app.paging import Page, Paged, fetch_page
from app.timestamps import utcnow

# Fields that do not change what a reader or a calendar sees of an item. The flags of
# possibly outdated translations follow changes of the texts, which are compared already; left
# out, revisions published before they were frozen compare equal to the same items now.
NOT_CONTENT = frozenset({"id", "position", "sequence", "fr_outdated", "ar_outdated"})
COMPARED_FIELDS = (
    "kind",
    "starts_at",
    "ends_at",
    "title_en",
    "title_fr",
    "title_ar",
    "description_en",
    "description_fr",
    "description_ar",
    "room",
    "chair",
    "chair_fr",
    "chair_ar",
    "speakers",
    "interpretation_languages",
    "visibility",
)


@dataclass(frozen=True)
class RevisionSummary:
    id: int
    number: int
    published_at: datetime
    note: str

    @property
    def label(self) -> str:
        return f"Rev.{self.number}"


def freeze_agenda(db_session: Session, *, edition: Edition) -> list[dict[str, Any]]:
    """The working agenda as plain data, in programme order (without sequence numbers)."""
    return [
        _frozen_item(entry, position)
        for position, entry in enumerate(agenda_service.list_items(db_session, edition=edition))
    ]


def _frozen_item(entry: agenda_service.EditableItem, position: int) -> dict[str, Any]:
    item = entry.item
    return {
        "id": item.id,
        "uid": item.uid,
        "position": position,
        "kind": str(item.kind),
        "starts_at": item.starts_at.isoformat(),
        "ends_at": item.ends_at.isoformat(),
        **{
            f"{name}_{code}": getattr(item, f"{name}_{code}")
            for name in ("title", "description")
            for code in ("en", "fr", "ar")
        },
        "fr_outdated": bool(item.fr_outdated),
        "ar_outdated": bool(item.ar_outdated),
        "room": item.room,
        "chair": item.chair,
        # Only where given, so that revisions frozen before them compare equal.
        **{f"chair_{code}": getattr(item, f"chair_{code}") for code in ("fr", "ar")},
        "speakers": [
            {
                "name": s.name,
                "function": s.function,
                **{
                    key: getattr(s, key)
                    for key in agenda_service.SPEAKER_TRANSLATIONS
                    if getattr(s, key)
                },
                "participant_id": s.participant_id,
            }
            for s in entry.speakers
        ],
        "interpretation_languages": list(item.interpretation_languages),
        "visibility": str(item.visibility),
    }


def _content(item: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in item.items() if key not in NOT_CONTENT}


def latest_revision(db_session: Session, *, edition: Edition) -> AgendaRevision | None:
    return db_session.exec(
        select(AgendaRevision)
        .where(AgendaRevision.edition_id == edition.id)
        .order_by(col(AgendaRevision.number).desc())
    ).first()


def publish_agenda(
    db_session: Session, *, edition: Edition, note: str, actor: Actor
) -> AgendaRevision:
    """Freeze the working agenda into the next revision, raising SEQUENCE of changed items."""
    items = freeze_agenda(db_session, edition=edition)
    if not items:
        raise InvalidInput(N_("The agenda is empty: add items before publishing."), field="note")
    previous = latest_revision(db_session, edition=edition)
    before = {item["uid"]: item for item in previous.items} if previous else {}
    for item in items:
        earlier = before.get(item["uid"])
        if earlier is None:
            item["sequence"] = 0
        elif _content(earlier) != _content(item):
            item["sequence"] = earlier.get("sequence", 0) + 1
        else:
            item["sequence"] = earlier.get("sequence", 0)
    if previous is not None and [_content(i) for i in previous.items] == [
        _content(i) for i in items
    ]:
        raise Conflict(
            N_("Nothing has changed since Rev.{number}; there is nothing to publish."),
            field="note",
            number=previous.number,
        )
    revision = AgendaRevision(
        edition_id=edition.id or 0,
        number=previous.number + 1 if previous else 0,
        published_at=utcnow(),
        note=note.strip(),
        items=items,
        published_by=actor.actor_id if actor.actor_type == "account" else None,
    )
    db_session.add(revision)
    try:
        db_session.flush()
    except IntegrityError as error:
        db_session.rollback()
        raise Conflict(
            N_("Another revision was published at the same moment; reload and try again."),
            field="note",
        ) from error
    audit.record(
        db_session,
        actor=actor,
        action="agenda.publish",
        subject=revision,
        edition_id=edition.id,
        after={"number": revision.number, "note": revision.note, "items": len(items)},
    )
    db_session.commit()
    from app.agenda.pdf import render_after_publishing  # imports publishing

    render_after_publishing(revision)
    return revision


def _revisions(edition: Edition) -> Select:
    return (
        select(
            AgendaRevision.id,
            AgendaRevision.number,
            AgendaRevision.published_at,
            AgendaRevision.note,
        )
        .where(AgendaRevision.edition_id == edition.id)
        .order_by(col(AgendaRevision.number).desc())
    )


def list_revisions(db_session: Session, *, edition: Edition) -> list[RevisionSummary]:
    """Every published revision of the edition, newest first, without their items."""
    rows = db_session.exec(_revisions(edition)).all()
    return [RevisionSummary(row[0] or 0, row[1], row[2], row[3]) for row in rows]


def page_revisions(db_session: Session, *, edition: Edition, page: Page) -> Paged[RevisionSummary]:
    """One page of the edition's published revisions, newest first."""
    result = fetch_page(db_session, _revisions(edition), page)
    summaries = [RevisionSummary(row[0] or 0, row[1], row[2], row[3]) for row in result.entries]
    return Paged(summaries, result.total)


def get_revision(db_session: Session, *, edition: Edition, number: int) -> AgendaRevision:
    """The revision with this number."""
    revision = db_session.exec(
        select(AgendaRevision).where(
            AgendaRevision.edition_id == edition.id, AgendaRevision.number == number
        )
    ).first()
    if revision is None:
        raise NotFound(N_("There is no revision Rev.{number} of this agenda."), number=number)
    return revision


def public_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [item for item in items if item.get("visibility") == Visibility.public]


@dataclass
class FieldChange:
    name: str
    before: Any
    after: Any


@dataclass
class ItemChange:
    uid: str
    status: str  # added, removed, changed
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    fields: list[FieldChange] = field(default_factory=list)

    @property
    def item(self) -> dict[str, Any]:
        return self.after or self.before or {}


def diff_items(older: list[dict[str, Any]], newer: list[dict[str, Any]]) -> list[ItemChange]:
    """What changed from one list of frozen items to another, in the newer programme order."""
    old_by_uid = {item["uid"]: item for item in older}
    new_uids = {item["uid"] for item in newer}
    changes = []
    for item in newer:
        earlier = old_by_uid.get(item["uid"])
        if earlier is None:
            changes.append(ItemChange(item["uid"], "added", None, item))
            continue
        fields = [
            FieldChange(name, earlier.get(name), item.get(name))
            for name in COMPARED_FIELDS
            if earlier.get(name) != item.get(name)
        ]
        if fields:
            changes.append(ItemChange(item["uid"], "changed", earlier, item, fields))
    changes += [
        ItemChange(item["uid"], "removed", item, None)
        for item in older
        if item["uid"] not in new_uids
    ]
    return changes


def diff_revisions(
    older: AgendaRevision, newer: AgendaRevision, *, public_only: bool
) -> list[ItemChange]:
    """The changes between two revisions; the public sees only public items."""
    pick = public_items if public_only else list
    return diff_items(pick(older.items), pick(newer.items))


def cached_pdf(db_session: Session, *, etag: str) -> bytes | None:
    """The PDF rendered earlier for this ETag, if any."""
    return db_session.exec(select(AgendaPdf.content).where(AgendaPdf.etag == etag)).first()


def store_pdf(
    db_session: Session, *, revision_id: int, language: str, etag: str, content: bytes
) -> None:
    """Keep a rendered PDF; another process storing the same one first is fine."""
    db_session.add(
        AgendaPdf(revision_id=revision_id, language=language, etag=etag, content=content)
    )
    try:
        db_session.commit()
    except IntegrityError:
        db_session.rollback()


def revision_for_reading(
    db_session: Session, *, edition: Edition, number: int | None
) -> tuple[AgendaRevision, int]:
    """The revision asked for (default the latest) and the latest revision's number."""
    latest = latest_revision(db_session, edition=edition)
    if latest is None:
        raise NotFound(N_("No agenda has been published for this edition yet."))
    if number is None or number == latest.number:
        return latest, latest.number
    return get_revision(db_session, edition=edition, number=number), latest.number


@dataclass
class Comparison:
    older: AgendaRevision
    newer: AgendaRevision
    changes: list[ItemChange]


def compare_revisions(
    db_session: Session, *, edition: Edition, older: int, newer: int, public_only: bool
) -> Comparison:
    """Two revisions of the agenda and what changed from the first to the second."""
    if older == newer:
        raise InvalidInput(N_("Choose two different revisions to compare."), field="to")
    first = get_revision(db_session, edition=edition, number=older)
    second = get_revision(db_session, edition=edition, number=newer)
    return Comparison(first, second, diff_revisions(first, second, public_only=public_only))


@dataclass
class EditorState:
    items: list[agenda_service.EditableItem]
    revisions: list[RevisionSummary]
    pending: list[ItemChange]


def editor_state(db_session: Session, *, edition: Edition) -> EditorState:
    """The working agenda, the published revisions, and what publishing now would change."""
    items = agenda_service.list_items(db_session, edition=edition)
    revisions = list_revisions(db_session, edition=edition)
    latest = latest_revision(db_session, edition=edition) if revisions else None
    working = [_frozen_item(entry, position) for position, entry in enumerate(items)]
    return EditorState(items, revisions, diff_items(latest.items if latest else [], working))
