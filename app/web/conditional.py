"""Conditional requests: whether an If-None-Match header names a response's ETag."""

from fastapi import Request


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
