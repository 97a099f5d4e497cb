"""The rules a participant's own fields must follow, checked all at once so that a form
shows every message next to its field."""

import re
import unicodedata
from datetime import date, timedelta

from app.delegations.errors import InvalidFields
from app.delegations.models import HONORIFICS, INTERPRETATION_LANGUAGES
from app.delegations.schemas import ParticipantIn
from app.editions.models import Edition
from app.errors import DomainError, InvalidInput
from app.i18n import N_

DATE_MARGIN = timedelta(days=14)  # travel days accepted around the edition's dates
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_PATTERN = re.compile(r"^\+?[0-9 ().\-]{6,30}$")


def clean_text(value: str | None) -> str:
    """Trim and NFC-normalise typed text, keeping every script and character as typed."""
    return unicodedata.normalize("NFC", (value or "").strip())


def check_length(
    errors: list[DomainError], field: str, value: str, limit: int, required: bool
) -> None:
    if required and not value:
        errors.append(InvalidInput(N_("This field is required."), field=field))
    elif len(value) > limit:
        errors.append(
            InvalidInput(N_("Enter at most {count} characters."), field=field, count=limit)
        )


def validate_participant(participant_in: ParticipantIn, edition: Edition) -> dict[str, object]:
    """Clean the input and check every rule on its own fields; raise all errors at once."""
    errors: list[DomainError] = []
    values: dict[str, object] = {}
    for field, limit, required in (
        ("given_name", 100, True),
        ("family_name", 100, True),
        ("function", 200, True),
        ("agency", 200, False),
        ("dietary_needs", 500, False),
        ("access_needs", 500, False),
    ):
        value = clean_text(getattr(participant_in, field))
        check_length(errors, field, value, limit, required)
        values[field] = value or (None if not required else "")
    honorific = clean_text(participant_in.honorific) or None
    if honorific and honorific not in HONORIFICS:
        errors.append(InvalidInput(N_("Choose a title from the list."), field="honorific"))
    values["honorific"] = honorific
    email = clean_text(participant_in.email)
    if not email:
        errors.append(InvalidInput(N_("This field is required."), field="email"))
    elif len(email) > 254 or not EMAIL_PATTERN.match(email):
        errors.append(InvalidInput(N_("Enter a valid email address."), field="email"))
    values["email"] = email
    phone = clean_text(participant_in.phone) or None
    if phone and not PHONE_PATTERN.match(phone):
        errors.append(
            InvalidInput(
                N_("Enter a phone number with digits, spaces and an optional +."), field="phone"
            )
        )
    values["phone"] = phone
    language = clean_text(participant_in.interpretation_language) or "en"
    if language not in INTERPRETATION_LANGUAGES:
        errors.append(
            InvalidInput(N_("Choose a language from the list."), field="interpretation_language")
        )
    values["interpretation_language"] = language
    values["role"] = participant_in.role
    values["gender"] = participant_in.gender
    arrival, departure = participant_in.arrival_date, participant_in.departure_date
    if edition.start_date and edition.end_date:
        earliest, latest = edition.start_date - DATE_MARGIN, edition.end_date + DATE_MARGIN
        for field, day in (("arrival_date", arrival), ("departure_date", departure)):
            if day is not None and not earliest <= day <= latest:
                errors.append(
                    InvalidInput(
                        N_("Enter a date between {earliest} and {latest}."),
                        field=field,
                        earliest=earliest.isoformat(),
                        latest=latest.isoformat(),
                    )
                )
    if arrival and departure and departure < arrival:
        errors.append(
            InvalidInput(
                N_("The departure must not be before the arrival."), field="departure_date"
            )
        )
    values["arrival_date"], values["departure_date"] = arrival, departure
    if errors:
        raise InvalidFields(errors)
    return values


def travel_window(edition: Edition) -> tuple[date | None, date | None]:
    """The earliest arrival and latest departure accepted, for the form's hints."""
    if not (edition.start_date and edition.end_date):
        return None, None
    return edition.start_date - DATE_MARGIN, edition.end_date + DATE_MARGIN
