"""Reading the HTML forms of registration into input models, with field errors."""

from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from app.delegations.errors import InvalidFields
from app.delegations.schemas import DelegationDetailsIn, ParticipantIn
from app.errors import DomainError, InvalidInput
from app.i18n import N_

PARTICIPANT_FIELDS = tuple(ParticipantIn.model_fields)
DETAIL_FIELDS = tuple(DelegationDetailsIn.model_fields)


def _values(form: FormData, fields: tuple[str, ...]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in fields:
        value = form.get(name)
        if isinstance(value, str) and value.strip():
            values[name] = value
    return values


def _parse(model: type[ParticipantIn] | type[DelegationDetailsIn], values: dict[str, Any]):  # noqa: ANN202
    try:
        return model.model_validate(values)
    except ValidationError as error:
        errors: list[DomainError] = []
        for item in error.errors():
            field = str(item["loc"][-1]) if item["loc"] else None
            if field in ("arrival_date", "departure_date"):
                message = N_("Enter a date as YYYY-MM-DD.")
            elif field == "role":
                message = N_("Choose a role from the list.")
            else:
                message = N_("Enter at most {count} characters.")
            errors.append(InvalidInput(message, field=field, count=2000))
        raise InvalidFields(errors) from None


def participant_from_form(form: FormData, edition: Any) -> ParticipantIn:
    """A participant typed in the form; unparseable dates or roles are field errors, reported
    together with every other rule the input breaks."""
    from app.delegations.participants import validate_participant

    values = _values(form, PARTICIPANT_FIELDS)
    try:
        return _parse(ParticipantIn, values)
    except InvalidFields as parse_error:
        bad = {error.field for error in parse_error.errors}
        rest = ParticipantIn.model_validate({k: v for k, v in values.items() if k not in bad})
        try:
            validate_participant(rest, edition)
        except InvalidFields as more:
            parse_error.errors.extend(e for e in more.errors if e.field not in bad)
        raise


def details_from_form(form: FormData) -> DelegationDetailsIn:
    return _parse(DelegationDetailsIn, _values(form, DETAIL_FIELDS))


def form_values(form: FormData) -> dict[str, str]:
    """What was typed, to show it again when the form comes back with errors."""
    return {
        key: value for key, value in form.items() if isinstance(value, str) and key != "csrf_token"
    }


def field_errors(translate: Any, error: DomainError) -> dict[str, str]:
    """Each message under its field ("form" for those about the whole form)."""
    errors = getattr(error, "errors", None) or [error]
    shown: dict[str, str] = {}
    for item in errors:
        shown.setdefault(item.field or "form", item.translated(translate))
    return shown


def participant_values(participant: Any) -> dict[str, str]:
    """A stored participant as form values, to correct it."""
    values = {}
    for name in PARTICIPANT_FIELDS:
        value = getattr(participant, name)
        values[name] = "" if value is None else str(value)
    return values


def form_options(translate: Any) -> dict[str, list[tuple[str, str]]]:
    """The choices of the member form's lists, labelled in the reader's language."""
    from app.delegations.models import HONORIFICS
    from app.web import labels

    return {
        "honorific_options": [(h, h) for h in HONORIFICS],
        "role_options": [(k, translate(v)) for k, v in labels.delegation_role.items()],
        "interpretation_options": [
            (k, translate(v)) for k, v in labels.interpretation_language.items()
        ],
    }
