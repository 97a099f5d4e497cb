"""The topology of docker-compose.yml, as processes on one machine: ``marrakech db upgrade``
and ``marrakech seed`` once (the ``migrate`` service), two ``marrakech serve`` replicas on one
database, and two ``marrakech send-mail --loop`` workers delivering to an SMTP server.

A write through one replica is read, from the public cache of the other, a moment later; a
replica killed with SIGKILL in the middle of a burst loses nothing it acknowledged while the
other carries on; two workers deliver every queued message exactly once. On PostgreSQL as
deployed, and on SQLite, where the same holds for several processes on one host."""

import collections
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from aiosmtpd.controller import Controller
from sqlalchemy import text
from sqlmodel import Session, col, select

from app.config import ROOT_DIR
from app.db import build_engine
from app.mail.models import OutboxMessage, OutboxStatus
from tests.cli_helpers import MARRAKECH
from tests.database import scratch_database
from tests.factories import free_port
from tests.mail.test_delivery import Inbox
from tests.served_app import open_edition

ORGANISER = "organiser@unoct.example"
ACKNOWLEDGED_BEFORE_THE_KILL = 30
MESSAGES = 60


def _environment(url: str, var_dir: Path, **settings: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "MARRAKECH_VAR_DIR": str(var_dir),
        "MARRAKECH_ENVIRONMENT": "development",
        "MARRAKECH_BASE_URL": "http://127.0.0.1:8000",
        **settings,
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _marrakech(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [MARRAKECH, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@contextmanager
def _migrated(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """A new database, migrated once as the ``migrate`` service does."""
    with scratch_database() as url:
        env = _environment(url, tmp_path)
        _marrakech(env, "db", "upgrade")
        yield url, env


@contextmanager
def _replica(env: dict[str, str], log: Path) -> Iterator[tuple[subprocess.Popen, str]]:
    """``marrakech serve`` as the image starts it, on a port of its own."""
    port = free_port()
    with open(log, "ab") as output:
        process = subprocess.Popen(
            [MARRAKECH, "serve"],
            cwd=ROOT_DIR,
            env={**env, "MARRAKECH_WEB_PORT": str(port), "MARRAKECH_WEB_WORKERS": "1"},
            stdout=output,
            stderr=output,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"{base_url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, log.read_text()[-2000:]
            assert time.monotonic() < deadline, "the replica did not answer in three minutes"
            time.sleep(0.2)
        yield process, base_url
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=60)


def _focal_point(
    base_url: str,
    token: str,
    name: str,
    stop: threading.Event,
    acknowledged: list[str],
    interrupted: list[str],
    failures: list[str],
) -> None:
    """Post new members until the replica goes away or the burst ends."""
    with httpx.Client(base_url=base_url, timeout=60) as client:
        serial = 0
        while not stop.is_set():
            serial += 1
            email = f"{name}-{serial}@topology.example"
            body = {
                "given_name": "Given",
                "family_name": f"Family {serial}",
                "function": "Officer",
                "role": "member",
                "email": email,
            }
            try:
                response = client.post(f"/api/v1/register/{token}/participants", json=body)
            except httpx.TransportError:
                interrupted.append(email)
                return
            if response.status_code != 201:
                failures.append(f"{response.status_code} {response.text}")
                return
            acknowledged.append(email)


# A replica's first answers on a loaded machine can take longer than httpx's 5 s default;
# what is checked is what they say, never how fast.
SLOW = 60


def _wait_until(condition, what: str, seconds: float = 120) -> float:  # noqa: ANN001
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < seconds, what
        time.sleep(0.05)
    return time.monotonic() - started


def test_replicas_share_writes_and_a_killed_replica_loses_nothing_acknowledged(
    tmp_path: Path,
) -> None:
    with _migrated(tmp_path) as (url, env):
        _marrakech(env, "seed")
        _marrakech(env, "create-organizer", ORGANISER, "--password-stdin", stdin="p" * 20 + "\n")
        bearer = {"Authorization": f"Bearer {_marrakech(env, 'create-token', ORGANISER).strip()}"}
        tokens = open_edition(url, delegations=4)
        with (
            _replica(env, tmp_path / "a.log") as (replica_a, a_url),
            _replica(env, tmp_path / "b.log") as (_replica_b, b_url),
        ):
            # A public page cached by replica B...
            edition_b = f"{b_url}/api/v1/editions/durability"
            assert httpx.get(edition_b, timeout=SLOW).json()["title"] == "Durability"
            assert httpx.get(edition_b, timeout=SLOW).headers["x-cache"] == "hit"
            # ... changed through replica A is read through B a moment later.
            changed = httpx.patch(
                f"{a_url}/api/v1/editions/durability",
                timeout=SLOW,
                json={"title_en": "Written through A"},
                headers=bearer,
            )
            assert changed.status_code == 200, changed.text
            waited = _wait_until(
                lambda: httpx.get(edition_b, timeout=SLOW).json()["title"] == "Written through A",
                "replica B never showed the write made through replica A",
            )
            print(f"replica B showed replica A's write after {waited:.2f} s")

            # Focal points on both replicas; replica A is killed in the middle.
            stop = threading.Event()
            acknowledged: dict[str, list[str]] = {"a": [], "b": []}
            interrupted: list[str] = []
            failures: list[str] = []
            threads = [
                threading.Thread(
                    target=_focal_point,
                    args=(
                        a_url if side == "a" else b_url,
                        tokens[n % len(tokens)],
                        f"{side}{n}",
                        stop,
                        acknowledged[side],
                        interrupted,
                        failures,
                    ),
                )
                for n in range(8)
                for side in ("a", "b")
            ]
            for thread in threads:
                thread.start()
            try:
                _wait_until(
                    lambda: (
                        failures
                        or len(acknowledged["a"]) >= ACKNOWLEDGED_BEFORE_THE_KILL
                        and len(acknowledged["b"]) >= ACKNOWLEDGED_BEFORE_THE_KILL
                    ),
                    "too few registrations were acknowledged",
                )
                os.kill(replica_a.pid, signal.SIGKILL)
                replica_a.wait(timeout=30)
                after_kill = len(acknowledged["b"])
                _wait_until(
                    lambda: failures or len(acknowledged["b"]) >= after_kill + 20,
                    "replica B stopped answering when A was killed",
                )
            finally:
                stop.set()
                for thread in threads:
                    thread.join(timeout=120)
        assert not failures, failures[0]
        assert interrupted, "the kill should have cut requests in flight"
        engine = build_engine(url)
        with engine.connect() as connection:
            stored = set(
                connection.execute(
                    text("SELECT email FROM participant WHERE email LIKE '%@topology.example'")
                ).scalars()
            )
        engine.dispose()
    every_acknowledged = set(acknowledged["a"]) | set(acknowledged["b"])
    assert every_acknowledged <= stored
    assert stored <= every_acknowledged | set(interrupted)


def test_two_workers_deliver_every_queued_message_exactly_once(tmp_path: Path) -> None:
    inbox = Inbox()
    smtp_port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        with _migrated(tmp_path) as (url, env):
            env = {**env, "MARRAKECH_SMTP_HOST": "127.0.0.1", "MARRAKECH_SMTP_PORT": str(smtp_port)}
            workers = [
                subprocess.Popen(
                    [MARRAKECH, "send-mail", "--loop", "--interval", "0.1"],
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
                for _ in range(2)
            ]
            engine = build_engine(url)
            try:
                for worker in workers:  # both are in their loop before anything is queued
                    assert worker.stdout.readline().startswith("delivering the outbox")
                with Session(engine) as db_session:
                    for batch in range(MESSAGES // 10):
                        db_session.add_all(
                            OutboxMessage(
                                kind="invitation",
                                to_address=f"fp{batch * 10 + n}@agency.example",
                                subject="Invitation",
                                body_text="Dear focal point,\n",
                            )
                            for n in range(10)
                        )
                        db_session.commit()
                        time.sleep(0.1)
                _wait_until(
                    lambda: len(inbox.messages) >= MESSAGES, "not every message was delivered"
                )
            finally:
                for worker in workers:
                    worker.send_signal(signal.SIGTERM)
                outputs = [worker.communicate(timeout=60)[0] for worker in workers]
            with Session(engine) as db_session:
                stored = [
                    (m.status, m.attempts)
                    for m in db_session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))
                ]
            engine.dispose()
    finally:
        controller.stop()
    assert [worker.returncode for worker in workers] == [0, 0], outputs
    received = collections.Counter(message["To"] for message in inbox.messages)
    assert received == collections.Counter(f"fp{n}@agency.example" for n in range(MESSAGES))
    assert stored == [(OutboxStatus.sent, 1)] * MESSAGES
    print("sent by each worker:", [output.count("sent ") for output in outputs], outputs)
