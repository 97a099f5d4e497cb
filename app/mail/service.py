"""Queueing messages in the outbox and delivering them.

A message is added to the caller's unit of work, so it exists exactly when the change it
announces was committed. Delivery happens afterwards (right after the request, and by
``marrakech send-mail``): over SMTP when MARRAKECH_SMTP_HOST is set, otherwise as a .eml
file under var/outbox. A failure only leaves the message queued with its error and
attempt count, retried later with a growing delay."""

import logging
import smtplib
import ssl
from collections.abc import Callable
from datetime import timedelta
from email import errors, policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from functools import lru_cache
from typing import Any

import anyio
from anyio.lowlevel import RunVar
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlmodel import Session, col, select, update

from app import i18n
from app.config import ROOT_DIR, Settings, get_settings
from app.mail.models import OutboxMessage, OutboxStatus
from app.timestamps import utcnow

log = logging.getLogger("marrakech.mail")
MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=5)


@lru_cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(ROOT_DIR / "templates" / "mail"),
        autoescape=False,  # noqa: S701 - plain-text messages, never HTML
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def render_message(kind: str, language: str, context: dict[str, Any]) -> tuple[str, str]:
    """The subject and plain-text body of a message in the recipient's language."""
    language = language if language in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE
    translations = i18n.get_translations(language)

    def translate(message: str, **params: Any) -> str:
        text = translations.gettext(message)
        return text.format(**params) if params else text

    text = (
        _environment()
        .get_template(f"{kind}.txt")
        .render(
            _=translate,
            _n=lambda singular, plural, n, **params: i18n.ngettext(
                language, singular, plural, n, **params
            ),
            lang=language,
            format_day=lambda value: i18n.format_day(value, language),
            format_date_range=lambda start, end: i18n.format_date_range(start, end, language),
            format_moment=lambda value, zone=None: i18n.format_moment(
                value, language, "long", time_zone=zone
            ),
            **context,
        )
    )
    subject, _, body = text.partition("\n\n")
    return subject.strip(), body.strip() + "\n"


def queue_message(
    db_session: Session,
    *,
    kind: str,
    to_address: str,
    language: str,
    context: dict[str, Any],
    edition_id: int | None = None,
    delegation_id: int | None = None,
) -> OutboxMessage:
    """Add a message to the outbox in the current unit of work (the caller commits)."""
    subject, body = render_message(kind, language, context)
    message = OutboxMessage(
        kind=kind,
        to_address=to_address,
        language=language if language in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE,
        subject=" ".join(subject.split())[:300],  # one line, whatever the title held
        body_text=body,
        edition_id=edition_id,
        delegation_id=delegation_id,
    )
    db_session.add(message)
    return message


def _send_smtp(email: EmailMessage, settings: Settings) -> None:
    assert settings.smtp_host
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=15) as smtp:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_username and settings.smtp_password:
            smtp.login(settings.smtp_username, settings.smtp_password)
        smtp.send_message(email)


def _write_eml(message: OutboxMessage, email: EmailMessage, settings: Settings) -> str:
    folder = settings.var_dir / "outbox"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{message.created_at:%Y%m%d-%H%M%S}-{message.id}-{message.kind}.eml"
    (folder / name).write_bytes(bytes(email))
    return name


class UnsendableMessage(ValueError):
    """A stored message that no retry can send (a line feed in its subject or address)."""


def _email(message: OutboxMessage, settings: Settings) -> EmailMessage:
    # The default policy refuses a header value holding CR or LF (a header injection);
    # say which header without echoing its value, which may be personal data.
    email = EmailMessage(policy=policy.default)
    for name, value in (
        ("From", settings.mail_from),
        ("To", message.to_address),
        ("Subject", message.subject),
    ):
        try:
            email[name] = value
        except (ValueError, IndexError, errors.HeaderParseError) as error:
            raise UnsendableMessage(f"invalid {name} header") from error
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(domain="marrakech-platform.example")
    email.set_content(message.body_text)
    email["Content-Language"] = message.language  # after set_content, which resets Content-*
    return email


def deliver_queued(
    db_session: Session,
    *,
    settings: Settings | None = None,
    limit: int = 100,
    should_stop: Callable[[], bool] = lambda: False,
) -> dict[str, int]:
    """Send (or write) every message that is due; return how many went and failed.

    Each message succeeds or fails on its own: a failure is recorded on the message (its
    kind, never its text, which may echo an address), and the batch carries on, until
    ``should_stop()`` says to end after the message in hand."""
    settings = settings or get_settings()
    now = utcnow()
    due = list(
        db_session.exec(
            select(OutboxMessage)
            .where(
                OutboxMessage.status == OutboxStatus.queued, OutboxMessage.next_attempt_at <= now
            )
            .order_by(col(OutboxMessage.id))
            .limit(limit)
        )
    )
    # End the read: each message is leased in a transaction of its own, and no transaction
    # (on SQLite, no write lock) is left open when there is nothing to send.
    db_session.commit()
    result = {"sent": 0, "written": 0, "failed": 0}
    for message in due:
        if should_stop():
            break  # the rest stays queued, unleased, for the next delivery
        if not _lease(db_session, message):
            continue  # another worker is delivering it
        message.attempts += 1
        try:
            email = _email(message, settings)
            if settings.smtp_host:
                _send_smtp(email, settings)
                message.status = OutboxStatus.sent
                result["sent"] += 1
            else:
                message.eml_file = _write_eml(message, email, settings)
                message.status = OutboxStatus.written
                result["written"] += 1
            message.sent_at = utcnow()
            message.last_error = None
        except UnsendableMessage as error:
            message.last_error = f"{type(error).__name__}: {error}"[:500]
            message.status = OutboxStatus.failed  # the same text would fail every time
            result["failed"] += 1
            log.warning("outbox message %s cannot be sent: %s", message.id, error)
        except Exception as error:  # noqa: BLE001 - one message must never stop the batch
            # The error text of an SMTP server may echo the recipient: keep only its kind.
            message.last_error = f"{type(error).__name__}: {getattr(error, 'smtp_code', '')}"[:500]
            message.next_attempt_at = utcnow() + timedelta(minutes=2**message.attempts)
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxStatus.failed
            result["failed"] += 1
            log.warning(
                "outbox message %s not delivered (attempt %s, %s)",
                message.id,
                message.attempts,
                type(error).__name__,
            )
        db_session.add(message)
        db_session.commit()
    return result


# Deliveries after a response run in a few threads of their own, so that however many are
# waiting for the database they never take the threads that requests need.
_delivery_threads: RunVar[anyio.CapacityLimiter] = RunVar("mail_delivery_threads")


async def deliver_after_response(db_session: Session) -> None:
    """``deliver_queued`` as a background task of the request that queued the message."""
    try:
        limiter = _delivery_threads.get()
    except LookupError:
        limiter = anyio.CapacityLimiter(2)
        _delivery_threads.set(limiter)
    await anyio.to_thread.run_sync(deliver_queued, db_session, limiter=limiter)


def _lease(db_session: Session, message: OutboxMessage) -> bool:
    """Claim a message for a few minutes, atomically: concurrent deliveries (several
    requests, several processes, the cron command) never send it twice; if this process
    dies while sending, the lease runs out and the message is tried again."""
    claimed = db_session.exec(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.id) == message.id,
            col(OutboxMessage.status) == OutboxStatus.queued,
            col(OutboxMessage.next_attempt_at) == message.next_attempt_at,
        )
        .values(next_attempt_at=utcnow() + LEASE)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db_session.commit()
        return False
    db_session.refresh(message)
    # Commit before sending: no transaction (on SQLite, no write lock) is held while the
    # SMTP server takes its time.
    db_session.commit()
    return True


def list_outbox(
    db_session: Session, *, edition_id: int | None = None, limit: int = 200
) -> list[OutboxMessage]:
    """The latest messages, newest first, for the organiser pages."""
    query = select(OutboxMessage).order_by(col(OutboxMessage.id).desc()).limit(limit)
    if edition_id is not None:
        query = query.where(OutboxMessage.edition_id == edition_id)
    return list(db_session.exec(query))


def get_message(db_session: Session, *, edition_id: int, message_id: int) -> OutboxMessage:
    """A message of this edition's outbox, or 404."""
    from app.errors import NotFound
    from app.i18n import N_

    message = db_session.get(OutboxMessage, message_id)
    if message is None or message.edition_id != edition_id:
        raise NotFound(N_("There is no such message."))
    return message


def preview_text(text: str) -> str:
    """The message as its recipient reads it, with any private registration link masked:
    the outbox is open to viewers, and a link is the focal point's credential."""
    import re

    return re.sub(r"(/register/)[A-Za-z0-9_\-]{8,}", r"\1…", text)


def resend_message(db_session: Session, *, message: OutboxMessage, actor: Any) -> OutboxMessage:
    """Queue a failed or already sent message again, due now (audited)."""
    from app.audit import service as audit

    before = {"status": message.status, "attempts": message.attempts}
    message.status = OutboxStatus.queued
    message.attempts = 0
    message.next_attempt_at = utcnow()
    db_session.add(message)
    audit.record(
        db_session,
        actor=actor,
        action="outbox.resend",
        subject=message,
        edition_id=message.edition_id,
        before=before,
        after={"status": message.status, "attempts": 0},
    )
    db_session.commit()
    return message
