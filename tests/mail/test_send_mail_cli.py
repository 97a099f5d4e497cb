"""``marrakech send-mail`` as cron runs it: one unsendable message never jams the outbox."""

import os

from aiosmtpd.controller import Controller
from sqlmodel import Session, col, select

from app.db import build_engine
from app.mail.models import OutboxMessage, OutboxStatus
from tests.cli_helpers import MARRAKECH, migrated_database
from tests.factories import free_port
from tests.mail.test_delivery import Inbox


def _message(to_address: str, subject: str) -> OutboxMessage:
    return OutboxMessage(
        kind="invitation",
        to_address=to_address,
        language="en",
        subject=subject,
        body_text="Dear focal point,\n",
    )


def test_a_poisoned_message_is_marked_failed_and_the_rest_of_the_batch_is_sent(
    tmp_path,
) -> None:
    import subprocess

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with migrated_database() as url:
            engine = build_engine(url)
            with Session(engine, expire_on_commit=False) as db_session:
                # Written directly, as a message queued before titles were checked could be.
                db_session.add(_message("first@agency.example", "Invitation: 2027 Rabat"))
                db_session.add(
                    _message("poisoned@agency.example", "Invitation: Rabat\nBcc: all@evil.example")
                )
                db_session.add(_message("third@agency.example", "Invitation: 2027 Rabat"))
                db_session.commit()
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "MARRAKECH_SMTP_HOST": "127.0.0.1",
                "MARRAKECH_SMTP_PORT": str(port),
                "MARRAKECH_VAR_DIR": str(tmp_path),
            }
            result = subprocess.run(
                [MARRAKECH, "send-mail"],
                capture_output=True,
                text=True,
                env=env,
                timeout=120,
                check=False,
            )
            with Session(engine) as db_session:
                stored = {
                    m.to_address: (m.status, m.attempts, m.last_error)
                    for m in db_session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))
                }
                # Run again: the failed message is not tried again and nothing is resent.
                again = subprocess.run(
                    [MARRAKECH, "send-mail"],
                    capture_output=True,
                    text=True,
                    env=env,
                    timeout=120,
                    check=False,
                )
            engine.dispose()
    finally:
        controller.stop()
    assert result.returncode == 0, result.stderr
    assert "sent 2, written 0, failed 1" in result.stdout
    assert sorted(m["To"] for m in inbox.messages) == [
        "first@agency.example",
        "third@agency.example",
    ]
    assert all("evil.example" not in str(m) for m in inbox.messages)
    status, attempts, error = stored["poisoned@agency.example"]
    assert status == OutboxStatus.failed and attempts == 1
    assert error == "UnsendableMessage: invalid Subject header"
    assert stored["first@agency.example"][0] == OutboxStatus.sent
    assert stored["third@agency.example"][0] == OutboxStatus.sent
    assert again.returncode == 0 and "sent 0, written 0, failed 0" in again.stdout
    assert len(inbox.messages) == 2
    assert "poisoned@agency.example" not in result.stdout + result.stderr
