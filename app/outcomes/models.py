"""Outcome statements of an edition and every revision of their text."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.timestamps import UTCDateTime, utcnow
from app.translation_status import outdated_flag


class OutcomeKind(StrEnum):
    declaration = "declaration"
    chairs_summary = "chairs_summary"
    joint_communique = "joint_communique"
    recommendations = "recommendations"
    press_release = "press_release"


class OutcomeStatus(StrEnum):
    draft = "draft"
    adopted = "adopted"
    published = "published"


class OutcomeStatement(SQLModel, table=True):
    __tablename__ = "outcome_statement"

    id: int | None = Field(default=None, primary_key=True)
    edition_id: int = Field(foreign_key="edition.id", index=True, ondelete="CASCADE")
    kind: OutcomeKind = Field(sa_type=String(30))
    symbol: str = Field(max_length=40, unique=True)
    title_en: str = Field(max_length=300)
    title_fr: str | None = Field(default=None, max_length=300)
    title_ar: str | None = Field(default=None, max_length=300)
    body_en: str = Field(default="", sa_type=Text)
    body_fr: str | None = Field(default=None, sa_type=Text)
    body_ar: str | None = Field(default=None, sa_type=Text)
    # The English changed since the French / Arabic was last saved (see translation_status).
    fr_outdated: bool = outdated_flag()
    ar_outdated: bool = outdated_flag()
    status: OutcomeStatus = Field(default=OutcomeStatus.draft, sa_type=String(20), index=True)
    adopted_date: date | None = None
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OutcomeRevision(SQLModel, table=True):
    """The texts of a statement as one edit left them, with who made the edit and when."""

    __tablename__ = "outcome_revision"
    __table_args__ = (UniqueConstraint("statement_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    statement_id: int = Field(foreign_key="outcome_statement.id", index=True, ondelete="CASCADE")
    number: int
    title_en: str = Field(max_length=300)
    title_fr: str | None = Field(default=None, max_length=300)
    title_ar: str | None = Field(default=None, max_length=300)
    body_en: str = Field(default="", sa_type=Text)
    body_fr: str | None = Field(default=None, sa_type=Text)
    body_ar: str | None = Field(default=None, sa_type=Text)
    actor_type: str = Field(max_length=20)
    actor_id: int | None = None
    actor_label: str = Field(default="", max_length=254)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
