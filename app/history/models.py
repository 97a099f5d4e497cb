"""The historical record: sources and the facts each of them backs.

Every fact row names its source, quotes it and says how strongly the quote backs it
(``strength``): ``stated`` (the quote says it), ``inferred`` (it follows from the quote; the
note gives the reasoning) or ``reading`` (the project's interpretation; the note says why).
``seed_key`` is a stable digest of the seeded fact, so that seeding again updates rows in
place instead of duplicating them.
"""

from enum import StrEnum
from typing import Any

from sqlalchemy import String, Text
from sqlmodel import Field, SQLModel


class Strength(StrEnum):
    stated = "stated"
    inferred = "inferred"
    reading = "reading"


def strength_field() -> Any:
    return Field(
        default=Strength.stated,
        sa_type=String(10),
        sa_column_kwargs={"server_default": Strength.stated.value},
    )


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
    # Whether the date is printed in the document or worked out from it (the note says how).
    date_strength: Strength = strength_field()
    date_note_en: str | None = Field(default=None, sa_type=Text)
    date_note_fr: str | None = Field(default=None, sa_type=Text)
    date_note_ar: str | None = Field(default=None, sa_type=Text)
    description: str | None = Field(default=None, sa_type=Text)
    text: str = Field(sa_type=Text)


class Cited(SQLModel):
    """What every fact carries: its source, the quote, its strength and the reasoning."""

    source_id: int = Field(foreign_key="source.id", index=True)
    quote: str = Field(sa_type=Text)
    strength: Strength = strength_field()
    note_en: str | None = Field(default=None, sa_type=Text)
    note_fr: str | None = Field(default=None, sa_type=Text)
    note_ar: str | None = Field(default=None, sa_type=Text)


class EditionFact(Cited, table=True):
    """One reading of an edition attribute (dates, place...) as a source gives it."""

    id: int | None = Field(default=None, primary_key=True)
    seed_key: str = Field(max_length=64, unique=True)
    edition_id: int = Field(foreign_key="edition.id", index=True, ondelete="CASCADE")
    field: str = Field(max_length=40)
    value: str = Field(max_length=200)


class FigureMetric(StrEnum):
    participants = "participants"
    delegations = "delegations"
    heads_of_agencies = "heads_of_agencies"


class FigureQualifier(StrEnum):
    exact = "exact"
    over = "over"
    about = "about"


class ReportedFigure(Cited, table=True):
    id: int | None = Field(default=None, primary_key=True)
    seed_key: str = Field(max_length=64, unique=True)
    edition_id: int = Field(foreign_key="edition.id", index=True, ondelete="CASCADE")
    metric: FigureMetric = Field(sa_type=String(30))
    value: int
    qualifier: FigureQualifier = Field(sa_type=String(10))


class Person(SQLModel, table=True):
    """A public figure named in the sources (never a registered participant)."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=80, unique=True)
    name: str = Field(max_length=200)
    name_ar: str | None = Field(default=None, max_length=200)
    # The source that writes the name in Arabic script; without one, name_ar is a
    # transliteration made for this record and is marked as such.
    name_ar_source_id: int | None = Field(default=None, foreign_key="source.id")


class PersonRole(StrEnum):
    co_chair = "co_chair"
    opening_co_chair = "opening_co_chair"
    keynote_speaker = "keynote_speaker"
    opening_remarks = "opening_remarks"
    speaker = "speaker"


class EditionPerson(Cited, table=True):
    id: int | None = Field(default=None, primary_key=True)
    seed_key: str = Field(max_length=64, unique=True)
    edition_id: int = Field(foreign_key="edition.id", index=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", index=True)
    role: PersonRole = Field(sa_type=String(30))
    position: int = 0
    function_en: str | None = Field(default=None, max_length=300)
    function_fr: str | None = Field(default=None, max_length=300)
    function_ar: str | None = Field(default=None, max_length=300)


class Theme(Cited, table=True):
    id: int | None = Field(default=None, primary_key=True)
    seed_key: str = Field(max_length=64, unique=True)
    edition_id: int = Field(foreign_key="edition.id", index=True, ondelete="CASCADE")
    position: int = 0
    text_en: str = Field(max_length=400)
    text_fr: str | None = Field(default=None, max_length=400)
    text_ar: str | None = Field(default=None, max_length=400)


class ReportedOutcome(Cited, table=True):
    """What a source reports an edition concluded: reported, not official text."""

    id: int | None = Field(default=None, primary_key=True)
    seed_key: str = Field(max_length=64, unique=True)
    edition_id: int = Field(foreign_key="edition.id", index=True, ondelete="CASCADE")
    position: int = 0
    text_en: str = Field(sa_type=Text)
    text_fr: str | None = Field(default=None, sa_type=Text)
    text_ar: str | None = Field(default=None, sa_type=Text)


class SummaryCitation(SQLModel, table=True):
    """A passage an edition's summary is written from."""

    id: int | None = Field(default=None, primary_key=True)
    seed_key: str = Field(max_length=64, unique=True)
    edition_id: int = Field(foreign_key="edition.id", index=True, ondelete="CASCADE")
    position: int = 0
    source_id: int = Field(foreign_key="source.id", index=True)
    quote: str = Field(sa_type=Text)


class RecordSubject(SQLModel, table=True):
    """Something the record describes besides the editions: the Platform, an office, a person."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=80, unique=True)
    position: int = 0
    name_en: str = Field(max_length=300)
    name_fr: str | None = Field(default=None, max_length=300)
    name_ar: str | None = Field(default=None, max_length=300)
    intro_en: str | None = Field(default=None, sa_type=Text)
    intro_fr: str | None = Field(default=None, sa_type=Text)
    intro_ar: str | None = Field(default=None, sa_type=Text)


class RecordFact(Cited, table=True):
    """A sentence a source backs, about a subject or an edition, in the three languages.

    ``value`` holds the point the sources may disagree on ("2021", "Under-Secretary-General");
    facts sharing a ``conflict`` key are the sides of one disagreement between sources.
    """

    id: int | None = Field(default=None, primary_key=True)
    seed_key: str = Field(max_length=64, unique=True)
    subject_id: int | None = Field(
        default=None, foreign_key="recordsubject.id", index=True, ondelete="CASCADE"
    )
    edition_id: int | None = Field(
        default=None, foreign_key="edition.id", index=True, ondelete="CASCADE"
    )
    topic: str = Field(max_length=40)
    position: int = 0
    value: str | None = Field(default=None, max_length=200)
    text_en: str = Field(sa_type=Text)
    text_fr: str | None = Field(default=None, sa_type=Text)
    text_ar: str | None = Field(default=None, sa_type=Text)
    conflict: str | None = Field(default=None, max_length=80, index=True)


class SourceConflict(SQLModel, table=True):
    """A point on which the sources disagree; its sides are the facts naming its key."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=80, unique=True)
    position: int = 0
    title_en: str = Field(max_length=300)
    title_fr: str | None = Field(default=None, max_length=300)
    title_ar: str | None = Field(default=None, max_length=300)
    summary_en: str | None = Field(default=None, sa_type=Text)
    summary_fr: str | None = Field(default=None, sa_type=Text)
    summary_ar: str | None = Field(default=None, sa_type=Text)
