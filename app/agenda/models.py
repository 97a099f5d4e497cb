"""The agenda of an edition: the working items organisers edit, and the published
revisions that freeze them."""

from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import uuid4

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from app.timestamps import UTCDateTime, utcnow
from app.translation_status import outdated_flag


class AgendaItemKind(StrEnum):
    opening_ceremony = "opening_ceremony"
    plenary = "plenary"
    panel = "panel"
    working_session = "working_session"
    closed_door_meeting = "closed_door_meeting"
    break_ = "break"
    meal = "meal"
    side_event = "side_event"
    press = "press"


class Visibility(StrEnum):
    public = "public"
    participants = "participants"
    closed = "closed"


# Languages offered for simultaneous interpretation: the six official UN languages and
# Portuguese, spoken by several African delegations.
INTERPRETATION_LANGUAGES = ("ar", "en", "fr", "es", "pt", "ru", "zh")


def new_uid() -> str:
    return str(uuid4())


class AgendaItem(SQLModel, table=True):
    __tablename__ = "agenda_item"

    id: int | None = Field(default=None, primary_key=True)
    edition_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("edition.id", ondelete="CASCADE"), index=True, nullable=False
        )
    )
    uid: str = Field(default_factory=new_uid, max_length=36, unique=True)
    position: int = 0
    kind: AgendaItemKind = Field(sa_type=String(30))
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    title_en: str = Field(max_length=300)
    title_fr: str | None = Field(default=None, max_length=300)
    title_ar: str | None = Field(default=None, max_length=300)
    description_en: str | None = Field(default=None, sa_type=Text)
    description_fr: str | None = Field(default=None, sa_type=Text)
    description_ar: str | None = Field(default=None, sa_type=Text)
    # The English changed since the French / Arabic was last saved (see translation_status).
    fr_outdated: bool = outdated_flag()
    ar_outdated: bool = outdated_flag()
    room: str | None = Field(default=None, max_length=120)
    chair: str | None = Field(default=None, max_length=200)  # as typed in English
    chair_fr: str | None = Field(default=None, max_length=200)
    chair_ar: str | None = Field(default=None, max_length=200)
    interpretation_languages: list[str] = Field(default_factory=list, sa_type=JSON)
    visibility: Visibility = Field(default=Visibility.public, sa_type=String(20))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AgendaSpeaker(SQLModel, table=True):
    __tablename__ = "agenda_speaker"

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True, nullable=False
        )
    )
    position: int = 0
    name: str = Field(max_length=200)
    function: str | None = Field(default=None, max_length=300)
    # The name (with its honorific) and function in French and Arabic, where given.
    name_fr: str | None = Field(default=None, max_length=200)
    name_ar: str | None = Field(default=None, max_length=200)
    function_fr: str | None = Field(default=None, max_length=300)
    function_ar: str | None = Field(default=None, max_length=300)
    # A speaker who is also a registered participant; the link goes if the person does.
    participant_id: int | None = Field(
        default=None, foreign_key="participant.id", index=True, ondelete="SET NULL"
    )


class AgendaRevision(SQLModel, table=True):
    __tablename__ = "agenda_revision"
    __table_args__ = (UniqueConstraint("edition_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    edition_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("edition.id", ondelete="CASCADE"), index=True, nullable=False
        )
    )
    number: int
    published_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    note: str = Field(default="", sa_type=Text)
    items: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    published_by: int | None = Field(default=None, foreign_key="account.id", ondelete="SET NULL")


class AgendaPdf(SQLModel, table=True):
    """A rendered PDF of one revision in one language, keyed by its ETag."""

    __tablename__ = "agenda_pdf"
    __public_content__ = False  # a rendering kept for reuse: storing one changes no page

    id: int | None = Field(default=None, primary_key=True)
    revision_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("agenda_revision.id", ondelete="CASCADE"),
            index=True,
            nullable=False,
        )
    )
    language: str = Field(max_length=2)
    etag: str = Field(max_length=64, unique=True)
    content: bytes = Field(sa_type=LargeBinary)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
