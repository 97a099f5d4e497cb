"""Conditional requests: If-None-Match on reads, If-Match on writes (optimistic
concurrency: a write based on an older version of an item is refused with 412)."""

import hashlib
import json
from typing import Any

from fastapi import Request, Response
from sqlalchemy import inspect as sa_inspect

from app.errors import PreconditionFailed
from app.i18n import N_


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


def check_if_match(request: Request, etag: str) -> None:
    """Refuse a write whose If-Match names an older version of the item."""
    if if_match_fails(request.headers.get("if-match"), etag):
        raise PreconditionFailed(
            N_("This item was changed by someone else since you read it. Read it again.")
        )


def set_etag(response: Response, *rows: Any) -> str:
    """Put the item's ETag on the response (and return it)."""
    etag = row_etag(*rows)
    response.headers["ETag"] = etag
    return etag
