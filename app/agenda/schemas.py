"""What the agenda API accepts and returns."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.agenda.models import AgendaItemKind, Visibility

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
OptionalTitle = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20000)]
Room = Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
InterpretationLanguage = Literal["ar", "en", "fr", "es", "pt", "ru", "zh"]


class SpeakerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    function: OptionalTitle | None = None
    participant_id: int | None = Field(default=None, ge=1)


class AgendaItemCreate(BaseModel):
    """Times without an offset are read in the edition's time zone."""

    model_config = ConfigDict(extra="forbid")

    kind: AgendaItemKind
    starts_at: datetime
    ends_at: datetime
    title_en: Title
    title_fr: OptionalTitle | None = None
    title_ar: OptionalTitle | None = None
    description_en: Description | None = None
    description_fr: Description | None = None
    description_ar: Description | None = None
    room: Room | None = None
    chair: OptionalTitle | None = None
    speakers: list[SpeakerIn] = Field(default_factory=list, max_length=50)
    interpretation_languages: list[InterpretationLanguage] = Field(
        default_factory=list, max_length=7
    )
    visibility: Visibility = Visibility.public


class AgendaItemUpdate(BaseModel):
    """Only the fields sent change; times without an offset are in the edition's zone."""

    model_config = ConfigDict(extra="forbid")

    kind: AgendaItemKind | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    title_en: Title | None = None
    title_fr: OptionalTitle | None = None
    title_ar: OptionalTitle | None = None
    description_en: Description | None = None
    description_fr: Description | None = None
    description_ar: Description | None = None
    room: Room | None = None
    chair: OptionalTitle | None = None
    speakers: list[SpeakerIn] | None = Field(default=None, max_length=50)
    interpretation_languages: list[InterpretationLanguage] | None = Field(
        default=None, max_length=7
    )
    visibility: Visibility | None = None


class AgendaOrder(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item_ids: list[int] = Field(min_length=1, max_length=1000)


class PublishIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""


class SpeakerRead(BaseModel):
    name: str
    function: str | None
    participant_id: int | None


class AgendaItemRead(BaseModel):
    id: int
    uid: str
    position: int
    kind: AgendaItemKind
    starts_at: datetime
    ends_at: datetime
    title_en: str
    title_fr: str | None
    title_ar: str | None
    description_en: str | None
    description_fr: str | None
    description_ar: str | None
    room: str | None
    chair: str | None
    speakers: list[SpeakerRead]
    interpretation_languages: list[str]
    visibility: Visibility
    missing_translations: list[str]
    updated_at: datetime


class RevisionRead(BaseModel):
    number: int
    label: str
    published_at: datetime
    note: str
    url: str
