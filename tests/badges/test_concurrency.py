"""Two (or more) scanners reading one badge at the same moment, with real commits on a real
database (SQLite, or PostgreSQL with TEST_DATABASE_URL): exactly one check-in succeeds."""

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app import migrate
from app.audit.models import AuditEntry
from app.audit.service import SYSTEM
from app.badges import service as badges_service
from app.badges.service import AlreadyCheckedIn
from app.db import build_engine
from app.delegations.models import Delegation, Participant, ParticipantStatus
from app.editions.models import Edition, EditionKind, EditionStatus
from app.entities.models import Entity, EntityType
from tests.database import scratch_database

SCANNERS = 8


@pytest.fixture(scope="module")
def real_engine() -> Iterator[Engine]:
    with scratch_database() as url:
        migrate.upgrade(url)
        engine = build_engine(url)
        yield engine
        engine.dispose()


def _accredited_participant(engine: Engine) -> tuple[int, int]:
    with Session(engine, expire_on_commit=False) as db_session:
        edition = Edition(
            slug="check-in-race",
            kind=EditionKind.session,
            year=2027,
            title_en="Race",
            city_en="Rabat",
            start_date=date(2027, 6, 2),
            end_date=date(2027, 6, 3),
            status=EditionStatus.registration_open,
        )
        entity = Entity(
            code="RACE",
            entity_type=EntityType.member_state,
            name_en="Raceland",
            name_fr="Raceland",
            name_ar="Raceland",
        )
        db_session.add_all([edition, entity])
        db_session.flush()
        delegation = Delegation(edition_id=edition.id, entity_id=entity.id)
        db_session.add(delegation)
        db_session.flush()
        participant = Participant(
            delegation_id=delegation.id,
            edition_id=edition.id,
            given_name="Scanned",
            family_name="Twice",
            function="Director",
            email="twice@agency.example",
            email_normalized="twice@agency.example",
            status=ParticipantStatus.accredited,
        )
        db_session.add(participant)
        db_session.commit()
        return edition.id, participant.id


def _scan(engine: Engine, barrier: threading.Barrier, edition_id: int, code: str) -> str:
    barrier.wait()
    with Session(engine, expire_on_commit=False) as db_session:
        edition = db_session.get(Edition, edition_id)
        try:
            badges_service.check_in(db_session, edition=edition, code=code, actor=SYSTEM)
        except AlreadyCheckedIn:
            return "already"
    return "arrived"


def test_one_badge_scanned_at_once_by_several_scanners_checks_in_once(real_engine) -> None:
    edition_id, participant_id = _accredited_participant(real_engine)
    with Session(real_engine) as db_session:
        code = badges_service.badge_code(db_session.get(Participant, participant_id))
    barrier = threading.Barrier(SCANNERS)
    with ThreadPoolExecutor(max_workers=SCANNERS) as pool:
        futures = [
            pool.submit(_scan, real_engine, barrier, edition_id, code) for _ in range(SCANNERS)
        ]
        outcomes = Counter(future.result() for future in futures)  # re-raises other errors
    assert outcomes == {"arrived": 1, "already": SCANNERS - 1}
    with Session(real_engine) as db_session:
        assert db_session.get(Participant, participant_id).checked_in_at is not None
        entries = db_session.exec(
            select(AuditEntry).where(
                AuditEntry.action == "participant.check_in",
                AuditEntry.subject_id == participant_id,
            )
        ).all()
    assert len(entries) == 1
