"""Fifty focal points submitting at the same moment, with real commits on a real database
(SQLite, or PostgreSQL with TEST_DATABASE_URL): no server error, quotas exact, nothing lost."""

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from app import migrate
from app.db import build_engine, is_sqlite
from app.delegations.errors import AlreadyRegistered, HeadOfDelegationTaken, QuotaExceeded
from app.delegations.models import Delegation, Participant
from app.delegations.participants import focal_point_actor, save_participant
from app.delegations.schemas import ParticipantIn
from app.editions.models import Edition
from app.entities.models import Entity, EntityType
from app.errors import DomainError
from tests.cli_helpers import migrated_database
from tests.database import scratch_database
from tests.served_app import add_open_edition, open_edition, served_app

SUBMISSIONS = 50


@pytest.fixture(scope="module")
def real_engine() -> Iterator[Engine]:
    with scratch_database() as url:
        migrate.upgrade(url)
        options = {} if is_sqlite(url) else {"pool_size": SUBMISSIONS, "max_overflow": 5}
        engine = build_engine(url, **options)
        yield engine
        engine.dispose()


def _edition(engine: Engine, *, delegations: int, quota: int) -> tuple[int, list[int]]:
    with Session(engine, expire_on_commit=False) as db_session:
        serial = db_session.exec(select(func.count()).select_from(Edition)).one()
        edition = add_open_edition(db_session, slug=f"load-{serial}", title="Load", quota=quota)
        ids = []
        for index in range(delegations):
            entity = Entity(
                code=f"L{serial}-{index}",
                entity_type=EntityType.member_state,
                name_en=f"State {index}",
                name_fr=f"État {index}",
                name_ar=f"دولة {index}",
            )
            db_session.add(entity)
            db_session.flush()
            delegation = Delegation(edition_id=edition.id, entity_id=entity.id)
            db_session.add(delegation)
            db_session.flush()
            ids.append(delegation.id)
        db_session.commit()
        return edition.id, ids


def _submit(engine: Engine, barrier: threading.Barrier, delegation_id: int, data: dict) -> str:
    barrier.wait()
    with Session(engine, expire_on_commit=False) as db_session:
        delegation = db_session.get(Delegation, delegation_id)
        edition = db_session.get(Edition, delegation.edition_id)
        try:
            save_participant(
                db_session,
                edition=edition,
                delegation=delegation,
                participant_in=ParticipantIn(**data),
                actor=focal_point_actor(delegation),
            )
        except (QuotaExceeded, HeadOfDelegationTaken, AlreadyRegistered) as error:
            return type(error).__name__
        except DomainError as error:  # any other refusal is a failure of the test
            return f"unexpected {type(error).__name__}: {error}"
    return "created"


def _fire(engine: Engine, jobs: list[tuple[int, dict]]) -> Counter:
    barrier = threading.Barrier(len(jobs))
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = [pool.submit(_submit, engine, barrier, d, data) for d, data in jobs]
        return Counter(future.result() for future in futures)  # re-raises server errors


def _person(serial: int, role: str = "member", email: str | None = None) -> dict:
    return {
        "given_name": f"Given{serial}",
        "family_name": "Load",
        "function": "Officer",
        "role": role,
        "email": email or f"load{serial}@agency.example",
    }


def test_fifty_submissions_at_once_against_one_delegation_keep_the_quota_exact(real_engine) -> None:
    _, [delegation_id] = _edition(real_engine, delegations=1, quota=10)
    jobs = [
        (delegation_id, _person(i, role="head" if i % 10 == 0 else "member"))
        for i in range(SUBMISSIONS)
    ]
    outcomes = _fire(real_engine, jobs)
    assert set(outcomes) <= {"created", "QuotaExceeded", "HeadOfDelegationTaken"}, outcomes
    assert outcomes["created"] == 10
    with Session(real_engine) as db_session:
        stored = db_session.exec(
            select(Participant).where(Participant.delegation_id == delegation_id)
        ).all()
    assert len(stored) == 10
    assert sum(1 for p in stored if p.role == "head") <= 1


def test_fifty_submissions_at_once_across_delegations_lose_nothing_and_keep_emails_unique(
    real_engine,
) -> None:
    edition_id, delegation_ids = _edition(real_engine, delegations=SUBMISSIONS, quota=3)
    jobs = [(d, _person(1000 + i, role="head")) for i, d in enumerate(delegation_ids[:40])]
    # Ten more delegations all try to register the same person.
    jobs += [
        (d, _person(2000 + i, email="same.person@agency.example"))
        for i, d in enumerate(delegation_ids[40:])
    ]
    outcomes = _fire(real_engine, jobs)
    assert outcomes == Counter({"created": 41, "AlreadyRegistered": 9}), outcomes
    with Session(real_engine) as db_session:
        count = db_session.exec(
            select(func.count())
            .select_from(Participant)
            .where(Participant.edition_id == edition_id)
        ).one()
        same = db_session.exec(
            select(func.count())
            .select_from(Participant)
            .where(Participant.email_normalized == "same.person@agency.example")
        ).one()
    assert count == 41 and same == 1


def test_fifty_focal_points_at_once_through_http_get_no_server_error(tmp_path) -> None:
    """The same two races through the served application (uvicorn, as deployed): forty
    members for one delegation with a quota of ten, and ten delegations registering the same
    person. Every answer is a 201 or a 409 saying which rule refused it, and the database
    holds exactly the submissions that were answered 201."""
    with migrated_database() as url:
        tokens = open_edition(url, delegations=11, quota=10)
        one = tokens[0]
        jobs = [
            (one, _person(3000 + i, role="head" if i % 10 == 0 else "member")) for i in range(40)
        ]
        jobs += [
            (token, _person(4000 + i, email="same.person@agency.example"))
            for i, token in enumerate(tokens[1:])
        ]
        barrier = threading.Barrier(len(jobs))
        with served_app(url, tmp_path) as (_, base_url):

            def post(job: tuple[str, dict]) -> tuple[str, int, str | None]:
                token, data = job
                with httpx.Client(base_url=base_url, timeout=60) as http:
                    barrier.wait()
                    response = http.post(f"/api/v1/register/{token}/participants", json=data)
                refusal = None if response.status_code == 201 else response.json()
                return token, response.status_code, refusal and refusal["type"].rsplit(":")[-1]

            with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
                answers = list(pool.map(post, jobs))
        assert len(jobs) == SUBMISSIONS
        assert {status for _, status, _ in answers} <= {201, 409}, answers
        refusals = {kind for _, status, kind in answers if status == 409}
        assert refusals <= {"quota-exceeded", "head-of-delegation-taken", "already-registered"}
        assert sum(1 for token, status, _ in answers if token == one and status == 201) == 10
        assert sum(1 for token, status, _ in answers if token != one and status == 201) == 1
        engine = build_engine(url)
        with Session(engine) as db_session:
            stored = db_session.exec(select(Participant)).all()
        engine.dispose()
        assert len(stored) == 11
        assert sum(p.email_normalized == "same.person@agency.example" for p in stored) == 1


# More at once than a worker has threads for routes (AnyIO's 40).
ONE_LINK_AT_ONCE = 60


def test_more_submissions_on_one_link_than_worker_threads_are_all_answered(tmp_path) -> None:
    """A focal point's script (or someone holding a valid link) posting sixty members at the
    same moment: every submission is answered, ten accepted and the rest refused by the
    quota. None waits for ever: a submission holding its delegation never waits for a thread
    that only the submissions waiting for that delegation could give back."""
    with migrated_database() as url:
        [token] = open_edition(url, delegations=1, quota=10)
        barrier = threading.Barrier(ONE_LINK_AT_ONCE)
        with served_app(url, tmp_path) as (_, base_url):

            def post(serial: int) -> tuple[int, str]:
                with httpx.Client(base_url=base_url, timeout=90) as http:
                    barrier.wait()
                    response = http.post(
                        f"/api/v1/register/{token}/participants", json=_person(5000 + serial)
                    )
                body = response.json()
                kind = body["email"] if response.status_code == 201 else body["type"]
                return response.status_code, kind

            with ThreadPoolExecutor(max_workers=ONE_LINK_AT_ONCE) as pool:
                answers = list(pool.map(post, range(ONE_LINK_AT_ONCE)))
            listed = httpx.get(f"{base_url}/api/v1/register/{token}/participants").json()
    accepted = sorted(kind for status, kind in answers if status == 201)
    refused = [kind.rsplit(":")[-1] for status, kind in answers if status != 201]
    assert len(accepted) == 10
    assert refused == ["quota-exceeded"] * (ONE_LINK_AT_ONCE - 10)
    # The focal point's list holds exactly the ten members it was told were registered.
    assert sorted(member["email"] for member in listed) == accepted
