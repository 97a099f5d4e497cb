"""The historical record: sources and the facts each of them backs.

Every fact row names its source and quotes it. ``seed_key`` is a stable digest of the
seeded fact, so that seeding again updates rows in place instead of duplicating them.
"""

from enum import StrEnum

from sqlalchemy import String, Text
from sqlmodel import Field, SQLModel


class Source(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=80, unique=True)
    filename: str = Field(max_length=120)
    title: str = Field(max_length=300)
    kind: str = Field(max_length=80)
    language: str = Field(max_length=8)
    publisher: str | None = Field(default=None, max_length=200)
    place: str | None = Field(default=None, max_length=120)
    published_on: str | None = Field(default=None, max_length=40)
    description: str | None = Field(default=None, sa_type=Text)
    text: str = Field(sa_type=Text)


class EditionFact(SQLModel, table=True):
    """One reading of an edition attribute (dates, place...) as a source gives it."""

    id: int | None = Field(default=None, primary_key=True)
    seed_key: str = Field(max_length=64, unique=True)
    edition_id: int = Field(foreign_key="edition.id", index=True, ondelete="CASCADE")
    field: str = Field(max_length=40)
    value: str = Field(max_length=200)
    source_id: int = Field(foreign_key="source.id", index=True)
    quote: str = Field(sa_type=Text)
    note: str | None = Field(default=None, sa_type=Text)


class FigureMetric(StrEnum):
    participants = "participants"
    delegations = "delegations"
    heads_of_agencies = "heads_of_agencies"


class FigureQualifier(StrEnum):
    exact = "exact"
    over = "over"
    about = "about"


class ReportedFigure(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    seed_key: str = Field(max_length=64, unique=True)
    edition_id: int = Field(foreign_key="edition.id", index=True, ondelete="CASCADE")
    metric: FigureMetric = Field(sa_type=String(30))
    value: int
    qualifier: FigureQualifier = Field(sa_type=String(10))
    source_id: int = Field(foreign_key="source.id", index=True)
    quote: str = Field(sa_type=Text)
    note: str | None = Field(default=None, sa_type=Text)


class Person(SQLModel, table=True):
    """A public figure named in the sources (never a registered participant)."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=80, unique=True)
    name: str = Field(max_length=200)
    name_ar: str | None = Field(default=None, max_length=200)


class PersonRole(StrEnum):
    co_chair = "co_chair"
    keynote_speaker = "keynote_speaker"
    opening_remarks = "opening_remarks"
    speaker = "speaker"


class EditionPerson(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    seed_key: str = Field(max_length=64, unique=True)
    edition_id: int = Field(foreign_key="edition.id", index=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", index=True)
    role: PersonRole = Field(sa_type=String(30))
    position: int = 0
    function_en: str | None = Field(default=None, max_length=300)
    function_fr: str | None = Field(default=None, max_length=300)
    function_ar: str | None = Field(default=None, max_length=300)
    source_id: int = Field(foreign_key="source.id", index=True)
    quote: str = Field(sa_type=Text)


class Theme(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    seed_key: str = Field(max_length=64, unique=True)
    edition_id: int = Field(foreign_key="edition.id", index=True, ondelete="CASCADE")
    position: int = 0
    text_en: str = Field(max_length=400)
    text_fr: str | None = Field(default=None, max_length=400)
    text_ar: str | None = Field(default=None, max_length=400)
    source_id: int = Field(foreign_key="source.id", index=True)
    quote: str = Field(sa_type=Text)


class ReportedOutcome(SQLModel, table=True):
    """What a source reports an edition concluded: reported, not official text."""

    id: int | None = Field(default=None, primary_key=True)
    seed_key: str = Field(max_length=64, unique=True)
    edition_id: int = Field(foreign_key="edition.id", index=True, ondelete="CASCADE")
    position: int = 0
    text_en: str = Field(sa_type=Text)
    text_fr: str | None = Field(default=None, sa_type=Text)
    text_ar: str | None = Field(default=None, sa_type=Text)
    source_id: int = Field(foreign_key="source.id", index=True)
    quote: str = Field(sa_type=Text)
