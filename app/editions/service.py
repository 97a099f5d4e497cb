"""Finding, creating and changing editions."""

import re
import unicodedata
from collections.abc import Sequence
from datetime import date

from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import Select

from app.audit import service as audit
from app.audit.service import Actor, snapshot
from app.editions.models import PUBLIC_STATUSES, Edition, EditionKind, EditionStatus
from app.editions.schemas import EditionCreate, EditionUpdate
from app.entities.models import Entity
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import N_
from app.paging import Page, Paged, fetch_page
from app.timestamps import utcnow
from app.web.params import is_time_zone


def _editions(
    *,
    include_drafts: bool,
    include_demo: bool,
    year: int | None,
    kind: EditionKind | None,
    status: EditionStatus | None,
) -> Select:
    query = select(Edition)
    if not include_drafts:
        query = query.where(col(Edition.status).in_(PUBLIC_STATUSES))
    if not include_demo:
        query = query.where(col(Edition.is_demo).is_(False))
    if year is not None:
        query = query.where(Edition.year == year)
    if kind is not None:
        query = query.where(Edition.kind == kind)
    if status is not None:
        query = query.where(Edition.status == status)
    return query.order_by(Edition.year, col(Edition.start_date).nulls_last(), Edition.id)


def list_editions(
    db_session: Session,
    *,
    include_drafts: bool = False,
    include_demo: bool = True,
    year: int | None = None,
    kind: EditionKind | None = None,
    status: EditionStatus | None = None,
    text: str | None = None,
) -> list[Edition]:
    """Editions in chronological order, drafts only for organisers; ``text`` matches titles
    and cities in any language or spelling (Fez, Fes, Fès, فاس)."""
    query = _editions(
        include_drafts=include_drafts,
        include_demo=include_demo,
        year=year,
        kind=kind,
        status=status,
    )
    editions = list(db_session.exec(query))
    if text:
        needle = _searchable(text)
        editions = [edition for edition in editions if needle in _search_text(edition)]
    return editions


def page_editions(
    db_session: Session,
    *,
    include_drafts: bool,
    year: int | None,
    kind: EditionKind | None,
    status: EditionStatus | None,
    text: str | None,
    page: Page,
) -> Paged[Edition]:
    """One page of ``list_editions``: fetched in the database, except when matched by a
    spelling, which is done here on the few dozen editions there are."""
    if text:
        editions = list_editions(
            db_session,
            include_drafts=include_drafts,
            year=year,
            kind=kind,
            status=status,
            text=text,
        )
        return Paged(editions[page.offset : page.offset + page.limit], len(editions))
    query = _editions(
        include_drafts=include_drafts, include_demo=True, year=year, kind=kind, status=status
    )
    return fetch_page(db_session, query, page)


def _searchable(value: str) -> str:
    """Case- and accent-insensitive form of a text, for matching spellings."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _search_text(edition: Edition) -> str:
    names = [
        edition.slug,
        edition.title_en,
        edition.title_fr,
        edition.title_ar,
        edition.city_en,
        edition.city_fr,
        edition.city_ar,
        *edition.city_aliases,
    ]
    return _searchable(" | ".join(name for name in names if name))


def get_edition(db_session: Session, slug: str, *, include_drafts: bool = False) -> Edition:
    """The edition with this slug; a draft is invisible to the public."""
    edition = db_session.exec(select(Edition).where(Edition.slug == slug)).first()
    if edition is None or (edition.status == EditionStatus.draft and not include_drafts):
        raise NotFound(N_("There is no edition '{slug}'."), slug=slug)
    return edition


def countries_by_id(db_session: Session, editions: Sequence[Edition]) -> dict[int, Entity]:
    """The host countries of these editions, in one query."""
    ids = {edition.country_id for edition in editions if edition.country_id}
    if not ids:
        return {}
    return {
        entity.id: entity
        for entity in db_session.exec(select(Entity).where(col(Entity.id).in_(ids)))
        if entity.id is not None
    }


def _entity_by_code(db_session: Session, code: str | None) -> Entity | None:
    if not code:
        return None
    entity = db_session.exec(select(Entity).where(Entity.code == code.upper())).first()
    if entity is None:
        raise InvalidInput(
            N_("There is no entity with the code '{code}'."), field="country_code", code=code
        )
    return entity


def _check_dates(start_date: date | None, end_date: date | None) -> None:
    if start_date and end_date and end_date < start_date:
        raise InvalidInput(N_("The end date must not be before the start date."), field="end_date")


def _check_time_zone(name: str) -> None:
    if not is_time_zone(name):
        raise InvalidInput(N_("'{zone}' is not a known time zone."), field="time_zone", zone=name)


def propose_next_number(db_session: Session) -> int:
    """The session number that follows the highest one recorded."""
    highest = db_session.exec(select(func.max(Edition.number))).one()
    return (highest or 0) + 1


def _slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def propose_slug(db_session: Session, *, year: int, city: str) -> str:
    """A free slug such as '2026-rabat' (with '-2', '-3'... when taken)."""
    base = "-".join(part for part in (str(year), _slugify(city)) if part)[:70]
    taken = set(
        db_session.exec(select(Edition.slug).where(col(Edition.slug).startswith(base))).all()
    )
    candidate, serial = base, 1
    while candidate in taken:
        serial += 1
        candidate = f"{base}-{serial}"
    return candidate


def create_edition(db_session: Session, *, edition_in: EditionCreate, actor: Actor) -> Edition:
    """Create a draft edition (its slug proposed from the year and city when not given)."""
    edition = add_draft_edition(db_session, edition_in=edition_in)
    audit.record(
        db_session,
        actor=actor,
        action="edition.create",
        subject=edition,
        edition_id=edition.id,
        after=snapshot(edition),
    )
    db_session.commit()
    return edition


def add_draft_edition(db_session: Session, *, edition_in: EditionCreate) -> Edition:
    """Check a new edition and add it as a draft to the unit of work (the caller commits)."""
    year = edition_in.start_date.year if edition_in.start_date else utcnow().year
    if edition_in.slug is None:
        edition_in = edition_in.model_copy(
            update={"slug": propose_slug(db_session, year=year, city=edition_in.city_en)}
        )
    elif db_session.exec(select(Edition).where(Edition.slug == edition_in.slug)).first():
        raise Conflict(
            N_("The slug '{slug}' is already taken."), field="slug", slug=edition_in.slug
        )
    if (
        edition_in.number is not None
        and db_session.exec(select(Edition).where(Edition.number == edition_in.number)).first()
    ):
        raise Conflict(
            N_("Session number {number} already exists."), field="number", number=edition_in.number
        )
    if edition_in.kind == EditionKind.precursor and edition_in.number is not None:
        raise InvalidInput(N_("A precursor event has no session number."), field="number")
    _check_dates(edition_in.start_date, edition_in.end_date)
    _check_time_zone(edition_in.time_zone)
    country = _entity_by_code(db_session, edition_in.country_code)
    data = edition_in.model_dump(exclude={"country_code"})
    edition = Edition(
        **data, year=year, country_id=country.id if country else None, status=EditionStatus.draft
    )
    db_session.add(edition)
    db_session.flush()
    return edition


def update_edition(
    db_session: Session, *, edition: Edition, edition_in: EditionUpdate, actor: Actor
) -> Edition:
    """Change an edition's details; the dates must stay in order."""
    before = snapshot(edition)
    changes = edition_in.model_dump(exclude_unset=True)
    start_date = changes.get("start_date", edition.start_date)
    end_date = changes.get("end_date", edition.end_date)
    _check_dates(start_date, end_date)
    if "time_zone" in changes:
        _check_time_zone(changes["time_zone"])
    if "country_code" in changes:
        country = _entity_by_code(db_session, changes.pop("country_code"))
        changes["country_id"] = country.id if country else None
    for name, value in changes.items():
        setattr(edition, name, value)
    if start_date:
        edition.year = start_date.year
    edition.updated_at = utcnow()
    db_session.add(edition)
    audit.record(
        db_session,
        actor=actor,
        action="edition.update",
        subject=edition,
        edition_id=edition.id,
        before=before,
        after=snapshot(edition),
    )
    db_session.commit()
    return edition


def new_edition_defaults(db_session: Session) -> dict[str, str]:
    """What the new-edition form proposes: the next session number, Morocco, Casablanca time."""
    return {
        "kind": EditionKind.session.value,
        "number": str(propose_next_number(db_session)),
        "country_code": "MAR",
        "time_zone": "Africa/Casablanca",
    }


def edition_form_values(db_session: Session, edition: Edition) -> dict[str, str]:
    """The edition's details as the edit form shows them."""
    country = db_session.get(Entity, edition.country_id) if edition.country_id else None
    values = {
        name: "" if getattr(edition, name) is None else str(getattr(edition, name))
        for name in (
            "title_en", "title_fr", "title_ar", "city_en", "city_fr", "city_ar", "venue",
            "start_date", "end_date", "time_zone", "summary_en", "summary_fr", "summary_ar",
        )
    }  # fmt: skip
    values["country_code"] = country.code if country else ""
    return values
