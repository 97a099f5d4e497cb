"""The outbox: every message is stored first, then sent (or written as .eml) and retried,
so a mail failure never loses or blocks the change that caused it."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import String, Text
from sqlmodel import Field, SQLModel

from app.timestamps import UTCDateTime, utcnow


class OutboxStatus(StrEnum):
    queued = "queued"
    sent = "sent"
    written = "written"  # no SMTP configured: saved as a .eml file under var/outbox
    failed = "failed"  # gave up after the maximum number of attempts


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox_message"
    __public_content__ = False  # no public page shows the outbox

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)
    edition_id: int | None = Field(default=None, index=True)
    delegation_id: int | None = Field(default=None, index=True)
    to_address: str = Field(max_length=254)
    language: str = Field(default="en", max_length=2)
    subject: str = Field(max_length=300)
    body_text: str = Field(sa_type=Text)
    status: OutboxStatus = Field(default=OutboxStatus.queued, sa_type=String(20), index=True)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=500)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    eml_file: str | None = Field(default=None, max_length=120)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
