"""Accounts, passwords, login sessions, API tokens and the sign-in throttle."""

import hashlib
import math
import secrets
from datetime import datetime, timedelta
from functools import lru_cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, Signer
from sqlmodel import Session, col, delete, func, select

from app.audit import service as audit
from app.audit.service import Actor
from app.auth.models import Account, ApiToken, LoginAttempt, LoginSession, Role
from app.config import get_settings
from app.db import begin_immediate
from app.errors import Conflict, InvalidInput, NotAuthenticated, TooManyAttempts
from app.i18n import N_
from app.timestamps import utcnow
from app.web.text_input import is_single_line

MIN_PASSWORD_LENGTH = 12


@lru_cache
def password_hasher() -> PasswordHasher:
    """Argon2id with RFC 9106's low-memory parameters (64 MiB, three passes), the library's
    default. The test suite's environment uses the library's cheapest profile, made for
    tests, so that its hundreds of sign-ins do not each cost a quarter of a second."""
    if get_settings().environment == "test":
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher()


@lru_cache
def _dummy_hash() -> str:
    """A real hash to verify against when the email is unknown, so both cases take as long
    (made at the first sign-in, not when a command imports this module)."""
    return password_hasher().hash("not-a-real-password-for-timing")


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normalize_email(email: str) -> str:
    return email.strip().lower()


def actor_for(account: Account) -> Actor:
    return Actor("account", account.id, account.email)


def create_account(
    db_session: Session, *, email: str, password: str, role: Role, actor: Actor
) -> Account:
    """Create an organiser account with an Argon2 password hash."""
    email = normalize_email(email)
    if "@" not in email or len(email) > 254 or not is_single_line(email):
        raise InvalidInput(N_("Enter a valid email address."), field="email")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            N_("The password must have at least {count} characters."),
            field="password",
            count=MIN_PASSWORD_LENGTH,
        )
    if db_session.exec(select(Account).where(Account.email == email)).first():
        raise Conflict(N_("An account with this email already exists."), field="email")
    account = Account(email=email, password_hash=password_hasher().hash(password), role=role)
    db_session.add(account)
    db_session.flush()
    audit.record(
        db_session,
        actor=actor,
        action="account.create",
        subject=account,
        after={"email": email, "role": role.value},
    )
    db_session.commit()
    return account


def _throttle_keys(email: str, client_address: str) -> tuple[str, str]:
    """Digests (never the email or the address) of the account and address pair, and of
    the address alone."""
    return (
        digest(f"pair:{normalize_email(email)}|{client_address}"),
        digest(f"address:{client_address}"),
    )


def _lock_throttle(db_session: Session, keys: tuple[str, ...]) -> None:
    """Take the write lock, so that counting the failures and recording a new one are one
    step for concurrent tries (SQLite: BEGIN IMMEDIATE; PostgreSQL: a lock per key)."""
    begin_immediate(db_session)
    if db_session.get_bind().dialect.name == "postgresql":
        for key in sorted(keys):  # always in the same order: no deadlock
            db_session.exec(select(func.pg_advisory_xact_lock(int(key[:15], 16))))  # 60 bits


def _retry_at(
    db_session: Session, *, key: str, limit: int, window_start: datetime
) -> datetime | None:
    """When the failures recorded under the key drop below the limit, or None if they are
    below it already."""
    moments = db_session.exec(
        select(LoginAttempt.attempted_at)
        .where(LoginAttempt.key_hash == key, LoginAttempt.attempted_at >= window_start)
        .order_by(col(LoginAttempt.attempted_at))
    ).all()
    if len(moments) < limit:
        return None
    minutes = get_settings().login_throttle_minutes
    return moments[len(moments) - limit] + timedelta(minutes=minutes)


def _reserve_attempt(db_session: Session, *, keys: tuple[str, str]) -> list[LoginAttempt]:
    """Count the recent failures and record this try as one, in one locked step; refuse
    when the pair or the address has failed too often. The password is checked after."""
    settings = get_settings()
    pair_key, address_key = keys
    _lock_throttle(db_session, keys)
    window_start = utcnow() - timedelta(minutes=settings.login_throttle_minutes)
    db_session.exec(delete(LoginAttempt).where(col(LoginAttempt.attempted_at) < window_start))
    refused_until = [
        moment
        for moment in (
            _retry_at(
                db_session,
                key=pair_key,
                limit=settings.login_throttle_attempts,
                window_start=window_start,
            ),
            _retry_at(
                db_session,
                key=address_key,
                limit=settings.login_throttle_address_attempts,
                window_start=window_start,
            ),
        )
        if moment is not None
    ]
    if refused_until:
        db_session.commit()
        wait = max(refused_until) - utcnow()
        raise TooManyAttempts(
            N_("Too many failed sign-in attempts. Try again in {minutes} minutes."),
            minutes=max(1, math.ceil(wait.total_seconds() / 60)),
        )
    attempts = [LoginAttempt(key_hash=key) for key in keys]
    db_session.add_all(attempts)
    db_session.commit()
    return attempts


def authenticate(db_session: Session, *, email: str, password: str, client_address: str) -> Account:
    """Check the credentials, refusing while this account and address pair, or this
    address, has failed too often; the password is checked only when not refused."""
    keys = _throttle_keys(email, client_address)
    attempts = _reserve_attempt(db_session, keys=keys)
    account = db_session.exec(
        select(Account).where(Account.email == normalize_email(email))
    ).first()
    try:
        password_hasher().verify(account.password_hash if account else _dummy_hash(), password)
        valid = account is not None and account.is_active
    except (VerificationError, InvalidHashError):
        valid = False
    if not valid or account is None:
        db_session.rollback()  # the failure stays recorded: it was committed beforehand
        raise NotAuthenticated(N_("The email or the password is not correct."), field="email")
    # Signed in: the pair starts afresh; this try no longer counts against the address.
    begin_immediate(db_session)
    db_session.exec(delete(LoginAttempt).where(col(LoginAttempt.key_hash) == keys[0]))
    db_session.exec(delete(LoginAttempt).where(col(LoginAttempt.id) == attempts[1].id))
    if password_hasher().check_needs_rehash(account.password_hash):
        account.password_hash = password_hasher().hash(password)
        db_session.add(account)
    db_session.commit()
    return account


def _cookie_signer() -> Signer:
    return Signer(get_settings().secret_key, salt="login-session")


def sign_cookie(secret: str) -> str:
    return _cookie_signer().sign(secret).decode()


def unsign_cookie(value: str | None) -> str | None:
    """The login-session secret in a cookie, or None when the signature does not hold."""
    if not value:
        return None
    try:
        return _cookie_signer().unsign(value).decode()
    except BadSignature:
        return None


def start_login_session(db_session: Session, *, account: Account) -> str:
    """Open a login session; return the secret for the cookie (only its digest is stored)."""
    secret = secrets.token_urlsafe(32)
    hours = get_settings().login_session_hours
    db_session.add(
        LoginSession(
            token_hash=digest(secret),
            account_id=account.id,
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    db_session.exec(delete(LoginSession).where(LoginSession.expires_at < utcnow()))
    db_session.commit()
    return secret


def end_login_session(db_session: Session, *, secret: str) -> None:
    """Sign out: the login session stops existing on the server."""
    db_session.exec(delete(LoginSession).where(LoginSession.token_hash == digest(secret)))
    db_session.commit()


def account_for_login_session(db_session: Session, secret: str) -> Account | None:
    row = db_session.exec(
        select(Account)
        .join(LoginSession, col(LoginSession.account_id) == Account.id)
        .where(LoginSession.token_hash == digest(secret), LoginSession.expires_at > utcnow())
    ).first()
    return row if row and row.is_active else None


API_TOKEN_PREFIX = "mpt_"  # noqa: S105 - a prefix, not a secret


def create_api_token(db_session: Session, *, account: Account, label: str, actor: Actor) -> str:
    """Issue a bearer token for the write API; the token is shown once, stored hashed."""
    secret = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(token_hash=digest(secret), account_id=account.id, label=label[:120])
    db_session.add(token)
    db_session.flush()
    audit.record(
        db_session,
        actor=actor,
        action="api_token.create",
        subject=token,
        after={"account_id": account.id, "label": token.label},
    )
    db_session.commit()
    return secret


def revoke_api_token(db_session: Session, *, token: ApiToken, actor: Actor) -> None:
    """Revoke a bearer token at once."""
    token.revoked_at = utcnow()
    db_session.add(token)
    audit.record(db_session, actor=actor, action="api_token.revoke", subject=token)
    db_session.commit()


def find_api_token(db_session: Session, secret: str) -> ApiToken | None:
    return db_session.exec(select(ApiToken).where(ApiToken.token_hash == digest(secret))).first()


def account_for_api_token(
    db_session: Session, secret: str, *, record_use: bool = True
) -> Account | None:
    """The token's account; ``record_use`` notes when it was last used (a write, so only
    in a unit of work that may write: a read-only request never takes the write lock)."""
    result = db_session.exec(
        select(Account, ApiToken)
        .join(ApiToken, col(ApiToken.account_id) == Account.id)
        .where(ApiToken.token_hash == digest(secret), col(ApiToken.revoked_at).is_(None))
    ).first()
    if result is None:
        return None
    account, token = result
    now = utcnow()
    if record_use and (
        token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5)
    ):
        token.last_used_at = now
        db_session.add(token)
        db_session.commit()
    return account if account.is_active else None


def get_account_by_email(db_session: Session, email: str) -> Account | None:
    return db_session.exec(select(Account).where(Account.email == normalize_email(email))).first()
