"""An edition: one meeting of the Platform, historical or to come."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, String, Text
from sqlmodel import Field, SQLModel

from app.timestamps import UTCDateTime, utcnow


class EditionKind(StrEnum):
    precursor = "precursor"
    session = "session"


class EditionStatus(StrEnum):
    draft = "draft"
    announced = "announced"
    registration_open = "registration_open"
    registration_closed = "registration_closed"
    held = "held"
    concluded = "concluded"
    archived = "archived"


PUBLIC_STATUSES = tuple(status for status in EditionStatus if status != EditionStatus.draft)


class Edition(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint(
            "end_date IS NULL OR start_date IS NULL OR end_date >= start_date",
            name="dates_in_order",
        ),
        CheckConstraint("kind = 'session' OR number IS NULL", name="precursor_has_no_number"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True)
    kind: EditionKind = Field(sa_type=String(20))
    number: int | None = Field(default=None, unique=True)
    year: int = Field(index=True)
    title_en: str = Field(max_length=300)
    title_fr: str | None = Field(default=None, max_length=300)
    title_ar: str | None = Field(default=None, max_length=300)
    city_en: str = Field(max_length=120)
    city_fr: str | None = Field(default=None, max_length=120)
    city_ar: str | None = Field(default=None, max_length=120)
    city_aliases: list[str] = Field(default_factory=list, sa_type=JSON)
    country_id: int | None = Field(default=None, foreign_key="entity.id")
    venue: str | None = Field(default=None, max_length=200)
    start_date: date | None = None
    end_date: date | None = None
    time_zone: str = Field(default="Africa/Casablanca", max_length=60)
    status: EditionStatus = Field(default=EditionStatus.draft, sa_type=String(30), index=True)
    summary_en: str | None = Field(default=None, sa_type=Text)
    summary_fr: str | None = Field(default=None, sa_type=Text)
    summary_ar: str | None = Field(default=None, sa_type=Text)
    is_demo: bool = False
    is_historical: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    @property
    def is_public(self) -> bool:
        return self.status != EditionStatus.draft
