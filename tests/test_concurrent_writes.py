"""Two writers holding the same ETag at the same moment, through HTTP against the
application served by uvicorn on a real database (SQLite, or PostgreSQL with
TEST_DATABASE_URL): exactly one write is made, the other is refused with 412.

On PostgreSQL the test holds the item's row while both requests arrive, and lets it go
only once both wait for it: without the check and the write being one step, both would
have compared their ETag already and both writes would be made."""

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import text
from sqlmodel import Session

from app.agenda import service as agenda_service
from app.agenda.schemas import AgendaItemCreate
from app.audit.service import COMMAND_LINE
from app.auth import service as auth_service
from app.auth.models import Role
from app.db import build_engine, is_sqlite
from app.outcomes import service as outcomes_service
from app.outcomes.models import OutcomeKind
from app.outcomes.schemas import OutcomeCreate
from tests.cli_helpers import migrated_database
from tests.served_app import add_open_edition, served_app

SLUG = "same-etag"
PROBLEM = "application/problem+json"


@dataclass(frozen=True)
class Writers:
    """The served application, its database and the objects two organisers write to."""

    base_url: str
    database_url: str
    objects: dict

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.objects['token']}"}

    def read(self, path: str) -> httpx.Response:
        return httpx.get(self.base_url + path, headers=self.headers)

    def at_once(
        self, target: tuple[str, int], writes: list[tuple[str, str, dict | None]]
    ) -> list[httpx.Response]:
        """Send the writes at the same moment, each with the ETag read just before, while
        the target row is held (PostgreSQL) until every writer waits for it."""
        with httpx.Client(base_url=self.base_url, headers=self.headers, timeout=120) as http:
            etag = http.get(writes[0][1]).headers["etag"]
            barrier = threading.Barrier(len(writes))

            def send(method: str, path: str, body: dict | None) -> httpx.Response:
                barrier.wait()
                return http.request(method, path, json=body, headers={"If-Match": etag})

            with (
                ThreadPoolExecutor(len(writes)) as pool,
                holding(self.database_url, *target) as wait_for,
            ):
                futures = [pool.submit(send, *write) for write in writes]
                wait_for(len(writes))
            return [future.result() for future in futures]


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Writers]:  # noqa: ANN001
    """The application served on a database holding an item, a statement and an edition."""
    with migrated_database() as url:
        engine = build_engine(url)
        with Session(engine, expire_on_commit=False) as db_session:
            edition = add_open_edition(db_session, slug=SLUG, title="Same ETag", quota=5)
            items = [
                agenda_service.create_item(
                    db_session,
                    edition=edition,
                    item_in=AgendaItemCreate(
                        kind="plenary",
                        starts_at=datetime(2027, 6, 2, 9 + index, tzinfo=UTC),
                        ends_at=datetime(2027, 6, 2, 9 + index, 30, tzinfo=UTC),
                        title_en=f"Item {index}",
                    ),
                    actor=COMMAND_LINE,
                ).item.id
                for index in range(2)
            ]
            statement = outcomes_service.create_statement(
                db_session,
                edition=edition,
                statement_in=OutcomeCreate(kind=OutcomeKind.declaration, title_en="Draft"),
                actor=COMMAND_LINE,
            )
            account = auth_service.create_account(
                db_session,
                email="writer@unoct.example",
                password="correct horse battery staple",
                role=Role.organiser,
                actor=COMMAND_LINE,
            )
            token = auth_service.create_api_token(
                db_session, account=account, label="writers", actor=COMMAND_LINE
            )
            objects = {
                "items": items,
                "statement": statement.id,
                "edition": edition.id,
                "token": token,
            }
        engine.dispose()
        with served_app(url, tmp_path_factory.mktemp("served")) as (_, base_url):
            yield Writers(base_url, url, objects)


@contextmanager
def holding(url: str, table: str, row_id: int) -> Iterator[Callable[[int], None]]:
    """On PostgreSQL, hold the row until the block ends; inside it, ``wait_for(n)`` returns
    once n other transactions wait for a lock. On SQLite, writers already take turns."""
    if is_sqlite(url):
        yield lambda _count: None
        return
    engine = build_engine(url)
    watcher = build_engine(url, isolation_level="AUTOCOMMIT")
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )

    def wait_for(count: int) -> None:
        with watcher.connect() as connection:
            for _ in range(6000):
                if connection.execute(waiting).scalar_one() >= count:
                    return
                threading.Event().wait(0.05)
        raise AssertionError(f"{count} writers never waited for the row")

    try:
        with engine.connect() as connection, connection.begin():
            connection.execute(
                text(f"SELECT id FROM {table} WHERE id = :id FOR UPDATE"),  # noqa: S608
                {"id": row_id},
            )
            yield wait_for
    finally:
        engine.dispose()
        watcher.dispose()


def _one_wins(
    answers: list[httpx.Response], *, refusals: tuple[int, ...] = (412,)
) -> httpx.Response:
    won = [answer for answer in answers if answer.status_code in (200, 204)]
    refused = [answer for answer in answers if answer.status_code in refusals]
    assert len(won) == 1 and len(refused) == 1, [(a.status_code, a.text) for a in answers]
    assert refused[0].headers["content-type"] == PROBLEM
    if refused[0].status_code == 412:
        assert "changed by someone else" in refused[0].json()["detail"]
    return won[0]


def test_two_organisers_renaming_an_item_from_the_same_version_one_is_refused(
    served: Writers,
) -> None:
    item_id = served.objects["items"][0]
    path = f"/api/v1/editions/{SLUG}/agenda/items/{item_id}"
    answers = served.at_once(
        ("agenda_item", item_id),
        [("PATCH", path, {"title_en": "Renamed by A"}), ("PATCH", path, {"title_en": "By B"})],
    )
    winner = _one_wins(answers)
    assert served.read(path).json()["title_en"] == winner.json()["title_en"]


def test_an_item_changed_and_deleted_from_the_same_version_one_is_refused(served: Writers) -> None:
    item_id = served.objects["items"][1]
    path = f"/api/v1/editions/{SLUG}/agenda/items/{item_id}"
    answers = served.at_once(
        ("agenda_item", item_id), [("PATCH", path, {"title_en": "Kept?"}), ("DELETE", path, None)]
    )
    # A change sent after the deletion finds no item (404, RFC 9110 13.2.1); one that waited
    # for the deletion to commit is refused as based on an older version (412).
    winner = _one_wins(answers, refusals=(404, 412))
    after = served.read(path)
    if winner.request.method == "DELETE":
        assert after.status_code == 404
    else:
        assert after.json()["title_en"] == "Kept?"


def test_a_statement_an_edition_and_the_registration_settings_too(served: Writers) -> None:
    objects = served.objects
    outcome = f"/api/v1/editions/{SLUG}/outcomes/{objects['statement']}"
    edition = f"/api/v1/editions/{SLUG}"
    settings = f"/api/v1/editions/{SLUG}/registration"
    for table, row_id, method, path, field, shown_as in (
        ("outcome_statement", objects["statement"], "PATCH", outcome, "title_en", "title"),
        ("edition", objects["edition"], "PATCH", edition, "venue", "venue"),
        ("registration_settings", None, "PUT", settings, "default_quota", "default_quota"),
    ):
        if row_id is None:  # one row per edition
            row_id = _settings_id(served.database_url, objects["edition"])
        values = (7, 9) if field == "default_quota" else ("Written by A", "Written by B")
        writes = [(method, path, {field: value}) for value in values]
        winner = _one_wins(served.at_once((table, row_id), writes))
        stored = served.read(path).json()
        assert stored[shown_as] == winner.json()[shown_as] in values, path


def _settings_id(url: str, edition_id: int) -> int:
    engine = build_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(
                text("SELECT id FROM registration_settings WHERE edition_id = :id"),
                {"id": edition_id},
            ).scalar_one()
    finally:
        engine.dispose()
