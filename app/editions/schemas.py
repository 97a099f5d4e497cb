"""What the API accepts and returns for editions."""

from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints, model_validator

from app.editions.models import EditionKind, EditionStatus
from app.web.params import ONE_LINE, InputModel, TimeZoneName

Text300 = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), ONE_LINE
]
Text120 = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), ONE_LINE
]
Venue = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), ONE_LINE]
CountryCode = Annotated[str, StringConstraints(max_length=20), ONE_LINE]
Slug = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", min_length=3, max_length=80)
]


class EditionCreate(InputModel):
    slug: Slug | None = None
    kind: EditionKind = EditionKind.session
    number: int | None = Field(default=None, ge=1, le=1000)
    title_en: Text300
    title_fr: Text300 | None = None
    title_ar: Text300 | None = None
    city_en: Text120
    city_fr: Text120 | None = None
    city_ar: Text120 | None = None
    country_code: CountryCode | None = "MAR"
    venue: Venue | None = None
    start_date: date | None = None
    end_date: date | None = None
    time_zone: TimeZoneName = "Africa/Casablanca"

    # The dates' order and the precursor's lack of a number are checked by the service,
    # so that the form shows the message next to the field it concerns.


class EditionUpdate(InputModel):
    title_en: Text300 | None = None
    title_fr: Text300 | None = None
    title_ar: Text300 | None = None
    city_en: Text120 | None = None
    city_fr: Text120 | None = None
    city_ar: Text120 | None = None
    venue: Venue | None = None
    country_code: CountryCode | None = None
    start_date: date | None = None
    end_date: date | None = None
    time_zone: TimeZoneName | None = None
    summary_en: str | None = Field(default=None, max_length=20000)
    summary_fr: str | None = Field(default=None, max_length=20000)
    summary_ar: str | None = Field(default=None, max_length=20000)

    @model_validator(mode="after")
    def _check_required(self) -> "EditionUpdate":
        for name in ("title_en", "city_en", "time_zone"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} may be changed but not removed")
        return self


class CitedRead(BaseModel):
    """How a fact is backed: its source, the quote, its strength (stated, inferred or
    reading: the project's interpretation) and the reasoning, in the reader's language."""

    source_id: int
    quote: str
    strength: str
    note: str | None


class FigureRead(CitedRead):
    metric: str
    value: int
    qualifier: str


class PersonRead(CitedRead):
    name: str
    name_ar: str | None
    name_ar_is_transliteration: bool
    role: str
    function: str | None


class StatementRead(CitedRead):
    topic: str
    value: str | None
    text: str
    conflict: str | None


class SummarySourceRead(BaseModel):
    source_id: int
    quote: str


class SourceRef(BaseModel):
    id: int
    title: str
    filename: str
    language: str
    url: str


class FactRead(CitedRead):
    field: str
    value: str


class EditionRead(BaseModel):
    slug: str
    kind: EditionKind
    number: int | None
    year: int
    title: str
    city: str
    city_aliases: list[str]
    country: str | None
    country_code: str | None
    venue: str | None
    start_date: date | None
    end_date: date | None
    time_zone: str
    status: EditionStatus
    is_demo: bool
    url: str


class EditionDetail(EditionRead):
    summary: str | None
    summary_sources: list[SummarySourceRead]
    figures: list[FigureRead]
    people: list[PersonRead]
    themes: list[str]
    reported_outcomes: list[str]
    facts: list[FactRead]
    statements: list[StatementRead]
    sources: list[SourceRef]


class EditionEditForm(EditionUpdate):
    """The organisers' edit form: every input is submitted, the required ones must be filled."""

    title_en: Text300
    city_en: Text120
    time_zone: TimeZoneName


class TransitionRequest(InputModel):
    to: EditionStatus
