"""A server killed in the middle of writes loses nothing it acknowledged.

A real server process (uvicorn, as deployed) on a real database file or PostgreSQL database
takes registrations from several focal points at once; it is killed with SIGKILL while
requests are in flight, started again, and every submission it answered with 201 must be
there, whole (with its audit entry), and nothing else half-written."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlmodel import Session

from app.audit.service import COMMAND_LINE
from app.config import ROOT_DIR
from app.db import build_engine
from app.delegations import invitations
from app.delegations.models import Delegation, RegistrationSettings
from app.editions.models import Edition, EditionKind, EditionStatus
from app.entities.models import Entity, EntityType
from tests.cli_helpers import migrated_database

FOCAL_POINTS = 12
ACKNOWLEDGED_BEFORE_THE_KILL = 40


def _open_edition(url: str, delegations: int) -> list[str]:
    """An edition open for registration; the private link of each delegation."""
    engine = build_engine(url)
    tokens = []
    with Session(engine, expire_on_commit=False) as db_session:
        edition = Edition(
            slug="durability",
            kind=EditionKind.session,
            year=2027,
            title_en="Durability",
            city_en="Rabat",
            start_date=date(2027, 6, 2),
            end_date=date(2027, 6, 3),
            status=EditionStatus.registration_open,
        )
        db_session.add(edition)
        db_session.flush()
        now = datetime.now(UTC)
        db_session.add(
            RegistrationSettings(
                edition_id=edition.id,
                opens_at=now - timedelta(days=1),
                deadline_at=now + timedelta(days=1),
                default_quota=500,
            )
        )
        db_session.commit()
        for index in range(delegations):
            entity = Entity(
                code=f"D{index}",
                entity_type=EntityType.member_state,
                name_en=f"State {index}",
                name_fr=f"État {index}",
                name_ar=f"دولة {index}",
            )
            db_session.add(entity)
            db_session.flush()
            delegation = Delegation(edition_id=edition.id, entity_id=entity.id)
            db_session.add(delegation)
            db_session.commit()
            link = invitations.reissue_link(
                db_session,
                edition=edition,
                delegation=delegation,
                entity=entity,
                actor=COMMAND_LINE,
            )
            tokens.append(link.rsplit("/", 1)[1])
    engine.dispose()
    return tokens


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def _server(url: str, var_dir: Path) -> Iterator[tuple[subprocess.Popen, str]]:
    """The application served by uvicorn in its own process, as in production."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "MARRAKECH_ENVIRONMENT": "development",
        "MARRAKECH_VAR_DIR": str(var_dir),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.asgi:app", "--host", "127.0.0.1"]
        + ["--port", str(port), "--no-access-log"],
        cwd=ROOT_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, "the server did not start"
            assert time.monotonic() < deadline, "the server did not answer within a minute"
            time.sleep(0.1)
        yield process, base_url
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


def _focal_point(
    base_url: str,
    token: str,
    worker: int,
    acknowledged: list[str],
    interrupted: list[str],
    failures: list[str],
    lock: threading.Lock,
) -> None:
    """Post new members until the server goes away; keep the emails it acknowledged."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        for serial in range(10_000):
            email = f"w{worker}-{serial}@durability.example"
            body = {
                "given_name": f"Given {worker}",
                "family_name": f"Family {serial}",
                "function": "Officer",
                "role": "member",
                "email": email,
            }
            try:
                response = client.post(f"/api/v1/register/{token}/participants", json=body)
            except httpx.TransportError:
                with lock:
                    interrupted.append(email)
                return
            with lock:
                if response.status_code != 201:
                    failures.append(f"{response.status_code} {response.text}")
                    return
                acknowledged.append(email)


def test_a_killed_server_loses_no_acknowledged_registration(tmp_path) -> None:
    with migrated_database() as url:
        tokens = _open_edition(url, delegations=4)
        acknowledged: list[str] = []
        interrupted: list[str] = []
        failures: list[str] = []
        lock = threading.Lock()
        with _server(url, tmp_path) as (process, base_url):
            workers = [
                threading.Thread(
                    target=_focal_point,
                    args=(
                        base_url,
                        tokens[n % len(tokens)],
                        n,
                        acknowledged,
                        interrupted,
                        failures,
                        lock,
                    ),
                )
                for n in range(FOCAL_POINTS)
            ]
            for worker in workers:
                worker.start()
            deadline = time.monotonic() + 120
            while len(acknowledged) < ACKNOWLEDGED_BEFORE_THE_KILL:
                assert not failures, failures[0]
                assert time.monotonic() < deadline, "too few registrations were acknowledged"
                time.sleep(0.01)
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
            for worker in workers:
                worker.join(timeout=60)
        assert not failures, failures[0]
        assert interrupted, "the kill should have cut requests in flight"

        with _server(url, tmp_path) as (_, base_url):
            stored_emails = set()
            for token in tokens:
                response = httpx.get(f"{base_url}/api/v1/register/{token}/participants")
                assert response.status_code == 200
                stored_emails |= {member["email"] for member in response.json()}
        assert set(acknowledged) <= stored_emails
        # What was stored is whole: every participant with its audit entry, and no more
        # participants than the submissions sent.
        assert stored_emails <= set(acknowledged) | set(interrupted)
        engine = build_engine(url)
        with engine.connect() as connection:
            unaudited = connection.execute(
                text(
                    "SELECT count(*) FROM participant p WHERE NOT EXISTS (SELECT 1 FROM "
                    "audit_entry a WHERE a.action = 'participant.create' "
                    "AND a.subject_type = 'participant' AND a.subject_id = p.id)"
                )
            ).scalar_one()
        engine.dispose()
        assert unaudited == 0
