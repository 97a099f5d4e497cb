"""A page of a list, fetched in the database: LIMIT/OFFSET for the entries and COUNT for
the total, so that a page of a long list reads only its own rows."""

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    limit: int
    offset: int


@dataclass(frozen=True)
class Paged(Generic[T]):
    entries: list[T]
    total: int


def fetch_page(db_session: Session, query: Select, page: Page) -> Paged[Any]:
    """The rows of one page of the query and the number of all its rows."""
    counted = select(func.count()).select_from(query.order_by(None).subquery())
    total = db_session.execute(counted).scalar_one()
    rows = db_session.exec(query.limit(page.limit).offset(page.offset)).all()  # type: ignore[call-overload]
    return Paged(list(rows), int(total))


def by_text(db_session: Session, column: Any) -> ColumnElement:
    """Order by a name as Python's ``str.casefold`` does for the names of this catalogue:
    lower case, then code points (PostgreSQL's locale collation would order otherwise)."""
    lowered = func.lower(column)
    if db_session.get_bind().dialect.name == "postgresql":
        return lowered.collate("C")
    return lowered
