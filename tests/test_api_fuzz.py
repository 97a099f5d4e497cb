"""Fuzzing the whole API from its OpenAPI schema: no input produces a server error, and
every answer is one the schema declares (its status, media type and body), for an anonymous
caller and for an administrator with a bearer token.

Fixed seed, 50 examples per operation. Every other example is aimed at objects that exist
(an edition open for registration with a delegation, a member, an agenda item, a published
revision, a statement and a join request), so that the bodies reach the services rather
than stopping at a 404; the state an example leaves behind (an edition renamed, moved to
another time zone, an item deleted) is what the next operations read."""

import itertools
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from schemathesis.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlmodel import Session

from app.auth.models import Role
from tests.factories import (
    auth_headers,
    make_agenda_item,
    make_delegation,
    make_edition,
    make_participant,
    make_statement,
    open_registration,
    publish,
)

EXAMPLES = 50
CONFORMANCE = [status_code_conformance, content_type_conformance, response_schema_conformance]
SEED = 20261127


def _known_objects(db_session: Session) -> dict[str, Any]:
    """Path parameters that name real objects."""
    from app.delegations import invitations
    from app.editions.models import EditionStatus

    edition = make_edition(db_session, status=EditionStatus.registration_open)
    open_registration(db_session, edition, requests_open=True)
    delegation, token = make_delegation(db_session, edition, email="fp@kenya.example")
    participant = make_participant(db_session, edition, delegation, status="pending")
    item = make_agenda_item(db_session, edition)
    publish(db_session, edition)
    statement = make_statement(db_session, edition)
    request = invitations.request_to_join(
        db_session,
        edition=edition,
        entity_code="GHA",
        contact_name="Kofi",
        contact_email="kofi@ghana.example",
        language="en",
        message=None,
        client_address="192.0.2.1",
    )
    return {
        "slug": edition.slug,
        "token": token,
        "delegation_id": delegation.id,
        "participant_id": participant.id,
        "item_id": item.id,
        "number": 0,
        "statement_id": statement.id,
        "request_id": request.id,
        "source_id": 1,
    }


def _fuzz_operation(
    operation: Any, headers: dict[str, str], known: dict[str, Any], failures: list[str]
) -> None:
    examples = itertools.count()

    @seed(SEED)
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def call(case: Any) -> None:
        if next(examples) % 2:
            for name in case.path_parameters or {}:
                if name in known:
                    case.path_parameters[name] = known[name]
        # A generous timeout: a busy CI machine is slow, and only a 5xx is a failure here.
        response = case.call(headers=headers, timeout=120)
        if response.status_code >= 500:
            failures.append(
                f"{case.method} {case.formatted_path} {case.query or ''} "
                f"{str(case.body)[:200]}: {response.status_code}"
            )
            return
        try:
            case.validate_response(response, checks=CONFORMANCE, headers=headers)
        except Exception as error:  # noqa: BLE001 - each failure is reported below
            failures.append(
                f"{case.method} {case.formatted_path} {case.query or ''}: "
                f"{response.status_code} {str(error).splitlines()[0:3]}"
            )

    call()


def _fuzz(app: Any, headers: dict[str, str], known: dict[str, Any]) -> tuple[int, list[str]]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        _fuzz_operation(result.ok(), headers, known, failures)
        operations += 1
    return operations, failures


@pytest.mark.parametrize("caller", ["anonymous", "admin"])
def test_no_input_causes_a_server_error(app, db_session, caller: str) -> None:  # noqa: ANN001
    known = _known_objects(db_session)
    headers = auth_headers(db_session, role=Role.admin) if caller == "admin" else {}
    operations, failures = _fuzz(app, headers, known)
    assert operations >= 40  # the whole API, not a part of it
    assert failures == []
