"""Reading an HTML form into a schema: blank inputs become None, and validation errors come
back as one translated message per field, ready for the ``field`` macro."""

from collections.abc import Iterable
from typing import Any

from fastapi import Request
from pydantic import BaseModel, ValidationError

from app.errors import DomainError
from app.i18n import N_
from app.web.params import TIME_ZONE_MESSAGE
from app.web.templating import error_message
from app.web.text_input import CONTROL_CHARACTERS, SINGLE_LINE_MESSAGE

ERROR_MESSAGES = {
    "missing": N_("This field is required."),
    # Forms submit text, so a type error means a required input was left blank (None).
    "string_type": N_("This field is required."),
    "int_type": N_("This field is required."),
    "date_type": N_("This field is required."),
    "string_too_short": N_("This field is required."),
    "string_too_long": N_("This text is too long."),
    "date_from_datetime_parsing": N_("Enter a date as YYYY-MM-DD."),
    "date_parsing": N_("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_inexact": N_("Enter a date as YYYY-MM-DD."),
    "int_parsing": N_("Enter a whole number."),
    "greater_than_equal": N_("This number is too small."),
    "less_than_equal": N_("This number is too large."),
    "string_pattern_mismatch": N_("This value has not the expected form."),
    "enum": N_("Choose one of the options."),
    "literal_error": N_("Choose one of the options."),
    "single_line": SINGLE_LINE_MESSAGE,
    "time_zone": TIME_ZONE_MESSAGE,
}


def form_values(form: Any, names: Iterable[str]) -> dict[str, str]:
    """The submitted text of each named input, stripped (absent inputs are '')."""
    values = {}
    for name in names:
        value = form.get(name)
        values[name] = value.strip() if isinstance(value, str) else ""
    return values


def parse_form(
    request: Request, model: type[BaseModel], values: dict[str, str], **extra: Any
) -> tuple[Any, dict[str, str]]:
    """Validate the values with the model: (the model, {}) or (None, {field: message})."""
    data: dict[str, Any] = {name: value or None for name, value in values.items()}
    data.update(extra)
    # PostgreSQL cannot store NUL, and no control character belongs in a typed text.
    refused = {
        name: error_message(request, DomainError(N_("Control characters are not allowed.")))
        for name, value in data.items()
        if isinstance(value, str) and CONTROL_CHARACTERS.search(value)
    }
    if refused:
        return None, refused
    try:
        return model.model_validate(data), {}
    except ValidationError as error:
        errors: dict[str, str] = {}
        for item in error.errors():
            location = [str(part) for part in item.get("loc", ())]
            name = location[0] if location else "__all__"
            message = ERROR_MESSAGES.get(item["type"])
            if message is None:
                text = str(item.get("msg", ""))
                message = text.removeprefix("Value error, ")
            else:
                message = error_message(request, DomainError(message))
            errors.setdefault(name, message)
        return None, errors


def domain_errors(request: Request, error: DomainError) -> dict[str, str]:
    """A domain error as the field errors of a form."""
    return {error.field or "__all__": error_message(request, error)}
