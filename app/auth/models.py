"""Organiser accounts, their login sessions, API tokens and the sign-in throttle.

Secrets (login-session ids, API tokens) are stored only as SHA-256 digests.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import String
from sqlmodel import Field, SQLModel

from app.timestamps import UTCDateTime, utcnow


class Role(StrEnum):
    viewer = "viewer"
    organiser = "organiser"
    admin = "admin"


ROLE_RANK = {Role.viewer: 1, Role.organiser: 2, Role.admin: 3}


class Account(SQLModel, table=True):
    __public_content__ = False  # no public page shows accounts
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    password_hash: str = Field(max_length=200)
    role: Role = Field(sa_type=String(20))
    is_active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class LoginSession(SQLModel, table=True):
    __tablename__ = "login_session"
    __public_content__ = False

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    account_id: int = Field(foreign_key="account.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"
    __public_content__ = False

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    account_id: int = Field(foreign_key="account.id", index=True, ondelete="CASCADE")
    label: str = Field(default="", max_length=120)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LoginAttempt(SQLModel, table=True):
    """A failed sign-in (or one being checked), keyed by a digest of the account and client
    address pair, or of the address alone (no raw data)."""

    __tablename__ = "login_attempt"
    __public_content__ = False

    id: int | None = Field(default=None, primary_key=True)
    key_hash: str = Field(max_length=64, index=True)
    attempted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
