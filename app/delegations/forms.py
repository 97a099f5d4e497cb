"""Reading the HTML forms of registration into input models, with field errors."""

from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from app.delegations.errors import InvalidFields
from app.delegations.schemas import DelegationDetailsIn, ParticipantIn
from app.errors import DomainError, InvalidInput
from app.i18n import N_
from app.web.params import whole_number
from app.web.text_input import SINGLE_LINE_MESSAGE

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
            if item["type"] == "single_line":
                message = SINGLE_LINE_MESSAGE
            elif item["type"] == "value_error":  # InputModel: a control character
                message = N_("Control characters are not allowed.")
            elif field in ("arrival_date", "departure_date"):
                message = N_("Enter a date as YYYY-MM-DD.")
            elif field == "role":
                message = N_("Choose a role from the list.")
            elif field == "gender":
                message = N_("Choose a gender from the list, or leave it blank.")
            else:
                message = N_("Enter at most {count} characters.")
            errors.append(InvalidInput(message, field=field, count=2000))
        raise InvalidFields(errors) from None


def participant_from_form(form: FormData, edition: Any) -> ParticipantIn:
    """A participant typed in the form; unparseable dates or roles are field errors, reported
    together with every other rule the input breaks."""
    from app.delegations.rules import validate_participant

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
    from app.delegations.models import HONORIFICS, INTERPRETATION_LANGUAGES
    from app.web import labels

    return {
        "honorific_options": [(h, translate(labels.honorific[h])) for h in HONORIFICS],
        "role_options": [(k, translate(v)) for k, v in labels.delegation_role.items()],
        "gender_options": [(k, translate(v)) for k, v in labels.gender.items()],
        "interpretation_options": [  # only what the rules accept
            (code, translate(labels.interpretation_language[code]))
            for code in INTERPRETATION_LANGUAGES
        ],
    }


def _local_input(value: Any, time_zone: str) -> str:
    from app.delegations.windows import to_local

    local = to_local(value, time_zone)
    return local.strftime("%Y-%m-%dT%H:%M") if local else ""


def settings_values(settings: Any, time_zone: str) -> dict[str, Any]:
    """Stored settings as the form shows them (times in the venue's time zone)."""
    return {
        "opens_at": _local_input(settings.opens_at, time_zone),
        "deadline_at": _local_input(settings.deadline_at, time_zone),
        "default_quota": str(settings.default_quota),
        "allowed_entity_types": list(settings.allowed_entity_types),
        "requests_open": "1" if settings.requests_open else "",
    }


def settings_from_form(form: FormData) -> Any:
    from datetime import datetime

    from app.delegations.schemas import RegistrationSettingsIn

    errors: list[DomainError] = []
    values: dict[str, Any] = {}
    for name in ("opens_at", "deadline_at"):
        raw = form.get(name)
        if isinstance(raw, str) and raw.strip():
            try:
                values[name] = datetime.fromisoformat(raw.strip())
            except ValueError:
                errors.append(
                    InvalidInput(N_("Enter a date and time as YYYY-MM-DD HH:MM."), field=name)
                )
    quota = form.get("default_quota")
    try:
        values["default_quota"] = int(str(quota))
        if not 1 <= values["default_quota"] <= 500:
            raise ValueError
    except ValueError:
        errors.append(
            InvalidInput(N_("Enter a whole number between 1 and 500."), field="default_quota")
        )
    values["allowed_entity_types"] = [str(v) for v in form.getlist("allowed_entity_types")]
    values["requests_open"] = bool(form.get("requests_open"))
    if errors:
        raise InvalidFields(errors)
    try:
        return RegistrationSettingsIn.model_validate(values)
    except ValidationError:
        raise InvalidFields(
            [InvalidInput(N_("Choose entity types from the list."), field="allowed_entity_types")]
        ) from None


def invitation_from_form(form: FormData) -> Any:
    from app.delegations.schemas import InvitationIn

    codes_text = str(form.get("entity_codes") or "")
    codes = [c for c in codes_text.replace(",", " ").split() if c]
    names = [str(name)[:200] for name in form.getlist("entity_names") if str(name).strip()]
    quota = str(form.get("quota_override") or "").strip()
    errors: list[DomainError] = []
    if quota and not whole_number(quota, maximum=500):
        errors.append(
            InvalidInput(N_("Enter a whole number between 1 and 500."), field="quota_override")
        )
    if len(codes) + len(names) > 400:
        errors.append(
            InvalidInput(
                N_("Invite at most {count} entities at once."), field="entity_codes", count=400
            )
        )
    if errors:
        raise InvalidFields(errors)
    try:
        return InvitationIn(
            entity_codes=codes,
            entity_names=names,
            african_union_members=bool(form.get("african_union_members")),
            previous_edition_slug=str(form.get("previous_edition_slug") or "").strip()[:80] or None,
            focal_point_email=str(form.get("focal_point_email") or "").strip()[:254] or None,
            focal_point_language=str(form.get("focal_point_language") or "en")[:2],
            quota_override=int(quota) if quota else None,
        )
    except ValidationError as error:
        raise InvalidFields(
            [
                InvalidInput(
                    SINGLE_LINE_MESSAGE
                    if item["type"] == "single_line"
                    else N_("This value has not the expected form."),
                    field=str(item["loc"][0]),
                )
                for item in error.errors()
            ]
        ) from None


def review_from_form(form: FormData) -> tuple[list[int], Any, str | None]:
    from app.delegations.models import ParticipantStatus

    ids = [
        number
        for v in form.getlist("participant_ids")
        if isinstance(v, str) and (number := whole_number(v))
    ]
    if not ids:
        raise InvalidInput(N_("Tick at least one member."), field="participant_ids")
    try:
        status = ParticipantStatus(str(form.get("status")))
    except ValueError:
        raise InvalidInput(N_("Choose an action from the list."), field="status") from None
    reason = str(form.get("reason") or "")[:600]
    return ids, status, reason


def table_context(
    db_session: Any,
    edition: Any,
    *,
    status: Any = None,
    entity_type: Any = None,
    search: str | None = None,
    sort: str = "",
    order: str = "asc",
    page: int = 1,
) -> dict[str, Any]:
    """What the delegations table shows: rows with counts, totals, filters, the invite form,
    sorted by a column and cut into pages of PAGE_SIZE rows."""
    from app.delegations import windows
    from app.delegations.service import list_delegations
    from app.editions import service as editions_service
    from app.entities import service as entities_service
    from app.entities.models import EntityType

    rows = list_delegations(
        db_session, edition=edition, status=status, entity_type=entity_type, search=search
    )
    settings = windows.settings_of(db_session, edition)
    rows = sort_rows(rows, sort, order)
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    filters = {"status": status or "", "entity_type": entity_type or "", "q": search or ""}
    return {
        "edition": edition,
        "all_rows": rows,
        "rows": rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        "delegation_entities": {row.delegation.id: row.entity for row in rows},
        "sort": {"by": sort, "order": order},
        "page": page,
        "pages": pages,
        "query": lambda **changes: _query({**filters, "sort": sort, "order": order}, changes),
        "quotas": {row.delegation.id: windows.quota_of(settings, row.delegation) for row in rows},
        "total_participants": sum(row.participants for row in rows),
        "total_accredited": sum(row.accredited for row in rows),
        "filters": filters,
        "entity_types": list(EntityType),
        "entities": entities_service.list_entities(db_session),
        "other_editions": [
            e
            for e in editions_service.list_editions(db_session, include_drafts=True)
            if e.id != edition.id
        ],
        "settings": settings,
        "deadline": windows.to_local(settings.deadline_at, edition.time_zone),
        "is_open": windows.registration_is_open(edition, settings),
        "errors": {},
        "values": {},
    }


PAGE_SIZE = 50
SORT_COLUMNS = ("name", "status", "submitted", "participants")


def sort_rows(rows: list[Any], sort: str, order: str) -> list[Any]:
    """The rows sorted by a column (the List of Participants order otherwise)."""
    from datetime import UTC, datetime

    from app.delegations.models import DelegationStatus

    status_rank = {status.value: rank for rank, status in enumerate(DelegationStatus)}
    never = datetime.max.replace(tzinfo=UTC)
    keys = {
        "name": lambda row: row.entity.name_en.casefold(),
        "status": lambda row: (status_rank.get(row.delegation.status, 9), row.entity.name_en),
        "submitted": lambda row: (row.delegation.submitted_at or never, row.entity.name_en),
        "participants": lambda row: (row.participants, row.entity.name_en),
    }
    if sort not in keys:
        return rows
    return sorted(rows, key=keys[sort], reverse=order == "desc")


def _query(current: dict[str, Any], changes: dict[str, Any]) -> str:
    """The table's address keeping the filters and sort, with some changed (for links)."""
    from urllib.parse import urlencode

    values = {**current, **changes}
    return urlencode({k: v for k, v in values.items() if v not in ("", None, 1, "asc")})


def detail_context(request: Any, view: Any, errors: dict[str, str]) -> dict[str, Any]:
    from app.delegations.models import DelegationStatus
    from app.delegations.review import TRANSITIONS

    return {
        "view": view,
        "edition": view.edition,
        "errors": errors,
        "next_statuses": [s.value for s in TRANSITIONS[DelegationStatus(view.delegation.status)]],
    }


def quota_from_form(raw: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    quota = whole_number(raw, maximum=500)
    if not quota:
        raise InvalidInput(N_("Enter a whole number between 1 and 500."), field="quota_override")
    return quota


def bulk_filters(form: FormData) -> dict[str, Any]:
    """The table's filters and sort as the bulk form carried them (unknown values: none)."""
    from app.delegations.models import DelegationStatus
    from app.entities.models import EntityType

    def choice(name: str, kind: Any) -> Any:
        try:
            return kind(str(form.get(name) or ""))
        except ValueError:
            return None

    sort = str(form.get("sort") or "")
    return {
        "status": choice("status", DelegationStatus),
        "entity_type": choice("entity_type", EntityType),
        "search": str(form.get("q") or "")[:100] or None,
        "sort": sort if sort in SORT_COLUMNS else "",
        "order": "desc" if form.get("order") == "desc" else "asc",
    }


def bulk_selection(form: FormData, rows: list[Any]) -> list[Any]:
    """The delegations a bulk action applies to: every row the filters match ("all"), or
    the ticked ones among them."""
    if form.get("scope") == "all":
        return [row.delegation for row in rows]
    ticked = {
        number
        for v in form.getlist("delegation_ids")
        if isinstance(v, str) and (number := whole_number(v))
    }
    return [row.delegation for row in rows if row.delegation.id in ticked]
