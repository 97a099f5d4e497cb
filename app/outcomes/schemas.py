"""What the API and the forms accept and return for outcome statements."""

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from app.outcomes.models import OutcomeKind, OutcomeStatus
from app.web.params import ONE_LINE, InputModel, RowId

StatementId = RowId
RevisionNumber = Annotated[int, Field(ge=1, le=2_147_483_647)]


_Payload = InputModel


Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), ONE_LINE
]
Body = Annotated[str, StringConstraints(max_length=200_000)]
Symbol = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, pattern=r"^[A-Z0-9]+(?:[/.\-][A-Z0-9]+)*$", max_length=40
    ),
]


class OutcomeCreate(_Payload):
    kind: OutcomeKind
    symbol: Symbol | None = None
    title_en: Title
    title_fr: Title | None = None
    title_ar: Title | None = None
    body_en: Body = ""
    body_fr: Body | None = None
    body_ar: Body | None = None


class OutcomeUpdate(_Payload):
    kind: OutcomeKind | None = None
    symbol: Symbol | None = None
    title_en: Title | None = None
    title_fr: Title | None = None
    title_ar: Title | None = None
    body_en: Body | None = None
    body_fr: Body | None = None
    body_ar: Body | None = None


class OutcomeForm(OutcomeCreate):
    """The organisers' form: every input is submitted."""

    symbol: Symbol


class AdoptRequest(_Payload):
    adopted_date: date


class OutcomeRead(BaseModel):
    id: int
    edition: str
    kind: OutcomeKind
    symbol: str
    title: str
    status: OutcomeStatus
    adopted_date: date | None
    published_at: datetime | None
    url: str | None
    pdf_url: str | None


class OutcomeDetail(OutcomeRead):
    language: str
    is_fallback: bool
    translation_outdated: bool = Field(
        description="the text in this language was written before the English last changed"
    )
    body_markdown: str
    body_html: str
    texts: dict[str, dict[str, str | None]] = Field(
        description="title and body (Markdown) in each language"
    )


class OutcomeRevisionRead(BaseModel):
    number: int
    actor: str
    created_at: datetime
