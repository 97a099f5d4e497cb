"""``marrakech send-mail --loop``, the outbox worker of a deployment: it stops at once and
cleanly on SIGTERM (``docker stop``), finishing the message it is sending first."""

import asyncio
import os
import signal
import subprocess
import threading
import time

from aiosmtpd.controller import Controller
from sqlmodel import Session, col, select

from app.db import build_engine
from app.mail.models import OutboxMessage, OutboxStatus
from tests.cli_helpers import MARRAKECH, migrated_database
from tests.factories import free_port
from tests.mail.test_delivery import Inbox


class SlowInbox(Inbox):
    """An SMTP server that holds each message until released, to stop a worker mid-send."""

    def __init__(self) -> None:
        super().__init__()
        self.receiving = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001, N802
        self.receiving.set()
        while not self.release.is_set():
            await asyncio.sleep(0.02)
        return await super().handle_DATA(server, session, envelope)


def _worker(url: str, tmp_path, smtp_port: int, *args: str) -> subprocess.Popen:  # noqa: ANN001
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "MARRAKECH_SMTP_HOST": "127.0.0.1",
        "MARRAKECH_SMTP_PORT": str(smtp_port),
        "MARRAKECH_VAR_DIR": str(tmp_path),
    }
    return subprocess.Popen(
        [MARRAKECH, "send-mail", "--loop", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_for(event: threading.Event, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while not event.wait(0.05):
        assert process.poll() is None, process.stdout.read()
        assert time.monotonic() < deadline, "the worker did not start delivering"


def test_sigterm_while_sending_finishes_that_message_and_leaves_the_rest_queued(
    tmp_path,
) -> None:
    inbox = SlowInbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with migrated_database() as url:
            engine = build_engine(url)
            with Session(engine) as db_session:
                for n in range(3):
                    db_session.add(
                        OutboxMessage(
                            kind="invitation",
                            to_address=f"fp{n}@agency.example",
                            subject=f"Invitation {n}",
                            body_text="Dear focal point,\n",
                        )
                    )
                db_session.commit()
            worker = _worker(url, tmp_path, port, "--interval", "0.2")
            try:
                _wait_for(inbox.receiving, worker)
                worker.send_signal(signal.SIGTERM)
                inbox.release.set()
                output, _ = worker.communicate(timeout=60)
            finally:
                if worker.poll() is None:
                    worker.kill()
            with Session(engine) as db_session:
                stored = [
                    (m.to_address, m.status, m.attempts)
                    for m in db_session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))
                ]
            engine.dispose()
    finally:
        controller.stop()
    assert worker.returncode == 0, output
    assert output.rstrip().endswith("stopped")
    assert [m["To"] for m in inbox.messages] == ["fp0@agency.example"]
    assert stored == [
        ("fp0@agency.example", OutboxStatus.sent, 1),
        ("fp1@agency.example", OutboxStatus.queued, 0),
        ("fp2@agency.example", OutboxStatus.queued, 0),
    ]


def test_sigterm_while_waiting_ends_the_worker_without_waiting_for_the_interval(
    tmp_path,
) -> None:
    with migrated_database() as url:
        # An hour between deliveries: only the signal can end it before the test's deadline.
        worker = _worker(url, tmp_path, free_port(), "--interval", "3600")
        try:
            assert worker.stdout.readline().startswith("delivering the outbox every 3600 s")
            worker.send_signal(signal.SIGTERM)
            output, _ = worker.communicate(timeout=60)
        finally:
            if worker.poll() is None:
                worker.kill()
    assert worker.returncode == 0, output
    assert output.strip() == "stopped"
