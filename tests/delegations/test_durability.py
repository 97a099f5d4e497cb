"""A server killed in the middle of writes loses nothing it acknowledged.

A real server process (uvicorn, as deployed) on a real database file or PostgreSQL database
takes registrations from several focal points at once; it is killed with SIGKILL while
requests are in flight, started again, and every submission it answered with 201 must be
there, whole (with its audit entry), and nothing else half-written."""

import os
import signal
import threading
import time

import httpx
from sqlalchemy import text

from app.db import build_engine
from tests.cli_helpers import migrated_database
from tests.served_app import open_edition, served_app

FOCAL_POINTS = 12
ACKNOWLEDGED_BEFORE_THE_KILL = 40


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
        tokens = open_edition(url, delegations=4)
        acknowledged: list[str] = []
        interrupted: list[str] = []
        failures: list[str] = []
        lock = threading.Lock()
        with served_app(url, tmp_path) as (process, base_url):
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

        with served_app(url, tmp_path) as (_, base_url):
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
