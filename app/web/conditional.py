"""Conditional requests: If-None-Match on reads, If-Match on writes (optimistic
concurrency: a write based on an older version of an item is refused with 412).

The check of If-Match and the write are one step: the item's row is locked (and read
again) before its ETag is compared, and stays locked until the write commits, so that of
two writers holding the same ETag one writes and the other is refused."""

import hashlib
import json
from collections.abc import Callable
from typing import Any

from fastapi import Request, Response
from sqlalchemy import inspect as sa_inspect
from sqlmodel import Session

from app.db import lock_row
from app.errors import PreconditionFailed
from app.i18n import N_

CHANGED = N_("This item was changed by someone else since you read it. Read it again.")


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """The weak comparison of RFC 9110 (13.1.2): ``*``, the tag itself or ``W/`` the tag,
    alone or in a comma-separated list."""
    if not if_none_match:
        return False
    opaque = etag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == opaque:
            return True
    return False


def not_modified(request: Request, etag: str) -> bool:
    """Whether the client's copy is this one, so that a 304 without a body answers."""
    return etag_matches(request.headers.get("if-none-match"), etag)


def row_etag(*rows: Any) -> str:
    """A strong ETag of database rows: a hash of every column, so that any change to the
    item (its row, and the rows it is shown with, such as an item's speakers) changes it."""
    digest = hashlib.blake2b(digest_size=12)
    for row in rows:
        columns = sa_inspect(row).mapper.column_attrs
        values = {column.key: getattr(row, column.key) for column in columns}
        digest.update(json.dumps(values, sort_keys=True, default=str).encode())
        digest.update(b"\x00")
    return f'"{digest.hexdigest()}"'


def if_match_fails(if_match: str | None, etag: str) -> bool:
    """Whether a write must be refused with 412: an If-Match header that names neither this
    ETag nor ``*`` (strong comparison, RFC 9110 13.1.1). No header, no refusal."""
    if if_match is None:
        return False
    for candidate in if_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate == etag:
            return False
    return True


def check_if_match(
    request: Request,
    db_session: Session,
    row: Any,
    *,
    etag_of: Callable[[], str] | None = None,
) -> None:
    """Lock the item's row until the write commits, then refuse the write if its If-Match
    names another version than the one stored now (``etag_of`` computes the ETag of an item
    shown with other rows; by default the row's own)."""
    if not sa_inspect(row).has_identity:
        return  # never stored (defaults): nobody can have changed it, the write creates it
    if_match = request.headers.get("if-match")
    if not lock_row(db_session, row):
        raise PreconditionFailed(CHANGED)
    if if_match_fails(if_match, etag_of() if etag_of else row_etag(row)):
        raise PreconditionFailed(CHANGED)


def changed_since(db_session: Session, row: Any, version: str) -> bool:
    """Whether a form opened on ``version`` of the row (its ETag, sent back in a hidden
    field) is saved after someone else changed it; the row is locked first, as for
    If-Match, so that the comparison and the save are one step. No version, no refusal;
    an object never stored (defaults) cannot have been changed."""
    if not sa_inspect(row).has_identity:
        return False
    if not lock_row(db_session, row):
        return True
    return bool(version) and version != row_etag(row)


def set_etag(response: Response, *rows: Any) -> str:
    """Put the item's ETag on the response (and return it)."""
    etag = row_etag(*rows)
    response.headers["ETag"] = etag
    return etag
