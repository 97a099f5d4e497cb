"""What the agenda API accepts and returns."""

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from app.agenda.models import AgendaItemKind, Visibility
from app.i18n import N_
from app.web.params import ONE_LINE, IdInBody, InputModel, Moment
from app.web.text_input import SINGLE_LINE_MESSAGE

Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), ONE_LINE
]
OptionalTitle = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300), ONE_LINE]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20000)]
Room = Annotated[str, StringConstraints(strip_whitespace=True, max_length=120), ONE_LINE]
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), ONE_LINE
]
InterpretationLanguage = Literal["ar", "en", "fr", "es", "pt", "ru", "zh"]


OptionalName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), ONE_LINE]


class SpeakerIn(InputModel):
    """A speaker as typed in English, with the French and Arabic forms where given."""

    name: Name
    function: OptionalTitle | None = None
    name_fr: OptionalName | None = None
    name_ar: OptionalName | None = None
    function_fr: OptionalTitle | None = None
    function_ar: OptionalTitle | None = None
    participant_id: IdInBody | None = None


class AgendaItemCreate(InputModel):
    """Times without an offset are read in the edition's time zone."""

    kind: AgendaItemKind
    starts_at: Moment
    ends_at: Moment
    title_en: Title
    title_fr: OptionalTitle | None = None
    title_ar: OptionalTitle | None = None
    description_en: Description | None = None
    description_fr: Description | None = None
    description_ar: Description | None = None
    room: Room | None = None
    chair: OptionalName | None = None
    chair_fr: OptionalName | None = None
    chair_ar: OptionalName | None = None
    speakers: list[SpeakerIn] = Field(default_factory=list, max_length=50)
    interpretation_languages: list[InterpretationLanguage] = Field(
        default_factory=list, max_length=7
    )
    visibility: Visibility = Visibility.public


class AgendaItemUpdate(InputModel):
    """Only the fields sent change; times without an offset are in the edition's zone."""

    kind: AgendaItemKind | None = None
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    title_en: Title | None = None
    title_fr: OptionalTitle | None = None
    title_ar: OptionalTitle | None = None
    description_en: Description | None = None
    description_fr: Description | None = None
    description_ar: Description | None = None
    room: Room | None = None
    chair: OptionalName | None = None
    chair_fr: OptionalName | None = None
    chair_ar: OptionalName | None = None
    speakers: list[SpeakerIn] | None = Field(default=None, max_length=50)
    interpretation_languages: list[InterpretationLanguage] | None = Field(
        default=None, max_length=7
    )
    visibility: Visibility | None = None


class AgendaOrder(InputModel):
    item_ids: list[IdInBody] = Field(min_length=1, max_length=1000)


class PublishIn(InputModel):
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""


class SpeakerRead(BaseModel):
    name: str
    function: str | None
    name_fr: str | None = None
    name_ar: str | None = None
    function_fr: str | None = None
    function_ar: str | None = None
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
    chair_fr: str | None
    chair_ar: str | None
    speakers: list[SpeakerRead]
    interpretation_languages: list[str]
    visibility: Visibility
    missing_translations: list[str]
    updated_at: datetime


class AgendaRevisionRead(BaseModel):
    number: int
    label: str
    published_at: datetime
    note: str
    url: str


class ExportEdition(BaseModel):
    slug: str
    title: str
    city: str | None
    venue: str | None
    start_date: date | None
    end_date: date | None
    time_zone: str


class ExportRevision(BaseModel):
    number: int
    label: str
    published_at: datetime
    note: str | None
    latest: bool


class ExportSpeaker(BaseModel):
    name: str
    function: str | None


class ExportItem(BaseModel):
    uid: str
    sequence: int
    kind: str
    kind_label: str
    starts_at: datetime
    ends_at: datetime
    title: str
    description: str | None
    translated: bool
    translation_outdated: bool = Field(
        description="the translation was written before the English last changed"
    )
    room: str | None
    chair: str | None
    speakers: list[ExportSpeaker]
    interpretation_languages: list[str]
    url: str


class AgendaExport(BaseModel):
    """A published revision's public items, as the JSON export writes them."""

    edition: ExportEdition
    revision: ExportRevision
    language: str
    url: str
    items: list[ExportItem]


class FormInvalid(Exception):
    """The agenda item form has errors, by field name."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


FORM_MESSAGES = {
    "title_en": N_("Enter the title in English (at most 300 characters)."),
    "kind": N_("Choose a kind from the list."),
    "visibility": N_("Choose a visibility from the list."),
    "interpretation_languages": N_("Choose interpretation languages from the list."),
    "speakers": N_("Each speaker needs a name of at most 200 characters."),
    "speakers_fr": N_("One line per speaker, in the order of the English list."),
    "speakers_ar": N_("One line per speaker, in the order of the English list."),
    "starts_at": N_("Enter a day (YYYY-MM-DD) and a time (HH:MM)."),
    "ends_at": N_("Enter a day (YYYY-MM-DD) and a time (HH:MM)."),
}
TOO_LONG = N_("This text is too long.")


class AgendaItemForm(BaseModel):
    """The organisers' form: a day and two clock times in the venue's time zone, and
    speakers one per line as ``Name | Function``."""

    model_config = ConfigDict(extra="ignore")

    kind: str = Field(default="plenary", max_length=30)
    day: str = Field(default="", max_length=20)
    starts_at: str = Field(default="", max_length=10)
    ends_at: str = Field(default="", max_length=10)
    title_en: str = Field(default="", max_length=1000)
    title_fr: str = Field(default="", max_length=1000)
    title_ar: str = Field(default="", max_length=1000)
    description_en: str = Field(default="", max_length=20000)
    description_fr: str = Field(default="", max_length=20000)
    description_ar: str = Field(default="", max_length=20000)
    room: str = Field(default="", max_length=500)
    chair: str = Field(default="", max_length=1000)
    chair_fr: str = Field(default="", max_length=1000)
    chair_ar: str = Field(default="", max_length=1000)
    speakers: str = Field(default="", max_length=20000)
    # The same speakers in French and Arabic, line by line in the English list's order.
    speakers_fr: str = Field(default="", max_length=20000)
    speakers_ar: str = Field(default="", max_length=20000)
    interpretation_languages: list[str] = Field(default_factory=list, max_length=10)
    visibility: str = Field(default="public", max_length=20)
    # The ETag of the item when the form was opened, to detect a change made meanwhile.
    version: str = Field(default="", max_length=100)

    def speaker_list(
        self, linked: dict[str, int | None], errors: dict[str, str] | None = None
    ) -> list[dict[str, object]]:
        """The English lines, each with the French and Arabic line of the same rank."""
        speakers: list[dict[str, object]] = []
        for line in self.speakers.splitlines():
            name, _, function = line.partition("|")
            if name.strip():
                speakers.append(
                    {
                        "name": name.strip(),
                        "function": function.strip() or None,
                        "participant_id": linked.get(name.strip()),
                    }
                )
        for language in ("fr", "ar"):
            lines = getattr(self, f"speakers_{language}").rstrip().splitlines()
            if len(lines) > len(speakers) and errors is not None:
                errors[f"speakers_{language}"] = FORM_MESSAGES[f"speakers_{language}"]
            for speaker, line in zip(speakers, lines, strict=False):
                name, _, function = line.partition("|")
                speaker[f"name_{language}"] = name.strip() or None
                speaker[f"function_{language}"] = function.strip() or None
        return speakers

    def _moment(self, clock: str, name: str, errors: dict[str, str]) -> datetime | None:
        try:
            return datetime.fromisoformat(f"{self.day.strip()}T{clock.strip()}")
        except ValueError:
            errors[name] = FORM_MESSAGES[name]
            return None

    def to_create(self, linked: dict[str, int | None] | None = None) -> AgendaItemCreate:
        """The validated item, or FormInvalid with an English message per field."""
        errors: dict[str, str] = {}
        starts_at = self._moment(self.starts_at, "starts_at", errors)
        ends_at = self._moment(self.ends_at, "ends_at", errors)
        data = self.model_dump(
            exclude={"day", "starts_at", "ends_at", "speakers", "speakers_fr", "speakers_ar"}
            | {"version"}
        )
        data["speakers"] = self.speaker_list(linked or {}, errors)
        data["starts_at"], data["ends_at"] = starts_at, ends_at
        try:
            item_in = AgendaItemCreate.model_validate(data)
        except ValidationError as error:
            for detail in error.errors():
                loc = detail.get("loc") or ("title_en",)
                name = str(loc[0])
                if name in ("starts_at", "ends_at") and name in errors:
                    continue
                if detail["type"] == "single_line":
                    errors.setdefault(name, SINGLE_LINE_MESSAGE)
                elif detail["type"] == "value_error":  # InputModel: a control character
                    errors.setdefault(name, N_("Control characters are not allowed."))
                errors.setdefault(name, FORM_MESSAGES.get(name, TOO_LONG))
            raise FormInvalid(errors) from error
        if errors:
            raise FormInvalid(errors)
        return item_in

    def to_update(self, linked: dict[str, int | None]) -> AgendaItemUpdate:
        item_in = self.to_create(linked)
        return AgendaItemUpdate.model_validate(item_in.model_dump())
