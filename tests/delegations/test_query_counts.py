"""A focal point's submission costs a handful of statements, on a real database with the
request's own unit of work (not the tests' shared session, whose identity map would hide
reads)."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app import migrate
from app.audit.models import AuditEntry
from app.content_version import read_versions
from app.db import build_engine
from app.delegations.models import Participant
from app.main import create_app
from tests.database import scratch_database
from tests.factories import participant_data
from tests.served_app import open_edition

# The delegation found by its link, with its edition and registration settings (1), locked
# by the same query on SQLite (whose unit of work holds the write lock from its start), on
# PostgreSQL locked again by id in the route's own trip to a worker thread (2); the quota,
# the head and the email checked in one query; the member and its audit entry. No content
# version is raised: a pending member shows on no public page.
MAX_SUBMISSION_STATEMENTS = {"sqlite": 4, "postgresql": 5}


@pytest.fixture(scope="module")
def served_engine() -> Iterator[Engine]:
    with scratch_database() as url:
        migrate.upgrade(url)
        engine = build_engine(url)
        yield engine
        engine.dispose()


@pytest.fixture
def real_client(served_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setattr("app.db.get_engine", lambda: served_engine)
    with TestClient(create_app(), base_url="http://testserver") as client:
        yield client


def test_a_focal_point_submission_issues_a_handful_of_statements(
    served_engine: Engine, real_client: TestClient
) -> None:
    [token] = open_edition(served_engine.url.render_as_string(hide_password=False), 1)
    url = f"/api/v1/register/{token}/participants"
    first = real_client.post(url, json=participant_data(role="head", email="head@x.example"))
    assert first.status_code == 201, first.text
    with Session(served_engine) as db_session:
        versions_before = read_versions(db_session)
    statements: list[str] = []
    member = participant_data(email="second@x.example")

    def _count(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        if not statement.lstrip().upper().startswith("BEGIN"):
            statements.append(statement)

    event.listen(served_engine, "before_cursor_execute", _count)
    try:
        response = real_client.post(url, json=member)
    finally:
        event.remove(served_engine, "before_cursor_execute", _count)
    assert response.status_code == 201, response.text
    assert len(statements) <= MAX_SUBMISSION_STATEMENTS[served_engine.dialect.name], "\n\n".join(
        statements
    )
    with Session(served_engine) as db_session:
        stored = db_session.exec(
            select(Participant).where(Participant.email_normalized == "second@x.example")
        ).one()
        assert stored.given_name == member["given_name"]
        audit = db_session.exec(
            select(AuditEntry).where(
                AuditEntry.action == "participant.create", AuditEntry.subject_id == stored.id
            )
        ).all()
        assert len(audit) == 1
        # A pending member is on no public page: every cached page stays valid.
        assert read_versions(db_session) == versions_before
