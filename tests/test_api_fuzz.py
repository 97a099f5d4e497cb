"""Fuzzing the API from its OpenAPI schema: no input produces a server error."""

import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.factories import auth_headers


def test_no_input_causes_a_server_error(app, db_session) -> None:  # noqa: ANN001
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    headers = auth_headers(db_session)  # writes are fuzzed too, as an organiser
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=30, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def call(case) -> None:  # noqa: ANN001
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code}")

        call()
    assert operations >= 5
    assert failures == []
