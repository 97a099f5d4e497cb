"""What public pages read from the database, kept per content version so that a page
rendered again (another language, another query string, a cache entry expired) costs no
query; and what is built from it alone, the same for every reader of a language (the long
lists of an edition's page as HTML).

Only for the requests the public response cache serves (anonymous GETs of public paths,
``app/web/middleware.py``), which leaves there the content versions it keyed them on: the
data is kept on exactly the terms the cached page would be (at most about a second behind
another process's write, never behind this process's own, a minute at most). A signed-in
organiser, a focal point's private link, an API token and every write compute afresh.
Nothing personal goes in here: only rows any anonymous reader may see, the same for all.
Values are shared between requests and threads: callers treat them as read-only (the rows
are detached from their unit of work, with every column loaded).
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import cache
from typing import Any, TypeVar

import anyio.to_thread
from fastapi import Request
from sqlalchemy import inspect

from app.content_version import ContentVersions

T = TypeVar("T")
MISSING = object()
VERSIONS = "content_versions"  # the request state key the response cache fills


class ContentMemo:
    """A bounded map of computed values, each kept at most ``max_age`` seconds."""

    def __init__(self, max_entries: int = 1024, max_age: float = 60.0) -> None:
        self.max_entries = max_entries
        self.max_age = max_age
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def peek(self, key: Hashable) -> Any:
        """The value kept for ``key``, or ``MISSING``."""
        now = time.monotonic()
        with self._lock:
            found = self._entries.get(key)
            if found is not None and now - found[0] < self.max_age:
                self._entries.move_to_end(key)
                return found[1]
        return MISSING

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        found = self.peek(key)
        if found is not MISSING:
            return found
        now = time.monotonic()
        value = compute()
        with self._lock:
            self._entries[key] = (now, value)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value


def public_versions(request: Request) -> ContentVersions | None:
    """The content versions of a request the public cache serves; None for any other."""
    return request.scope.get("state", {}).get(VERSIONS)


def per_content_version(
    request: Request,
    key: tuple[Hashable, ...],
    compute: Callable[[], T],
    *,
    edition: str | None,
    keep: Callable[[T], T] | None = None,
) -> T:
    """``compute()``, or its value for an earlier public request at the same versions of the
    site and of ``edition`` (a slug, or None for data beyond one edition).

    ``keep`` turns a value computed for the public into what is kept and read (its rows as
    ``RowCopy``); a request computed afresh gets ``compute()`` as it is."""
    versions = public_versions(request)
    if versions is None:
        return compute()
    kept = compute if keep is None else lambda: keep(compute())
    return _memo(request).get((*key, versions.of(edition)), kept)


async def per_content_version_async(
    request: Request,
    key: tuple[Hashable, ...],
    compute: Callable[[], T],
    *,
    edition: str | None,
) -> T:
    """``per_content_version`` for an async dependency: a value already kept is returned on
    the event loop, without the trip to a worker thread that ``compute()`` (a query) needs."""
    versions = public_versions(request)
    if versions is not None:
        found = _memo(request).peek((*key, versions.of(edition)))
        if found is not MISSING:
            return found
    return await anyio.to_thread.run_sync(
        lambda: per_content_version(request, key, compute, edition=edition)
    )


def _memo(request: Request) -> ContentMemo:
    # One per application, like its response cache (and its lifetime).
    memo = getattr(request.app.state, "content_memo", None)
    if memo is None:
        memo = request.app.state.content_memo = ContentMemo()
    return memo


@cache
def _column_keys(model: type) -> tuple[str, ...]:
    return tuple(column.key for column in inspect(model).column_attrs)


class RowCopy:
    """A row's columns as plain attributes, for the public renderings kept here: each read
    of a SQLAlchemy instance's attribute goes through its instrumentation, and an edition's
    page reads a thousand. Only the columns: no property, relationship or session."""

    def __init__(self, row: Any) -> None:
        self.__dict__.update({key: getattr(row, key) for key in _column_keys(type(row))})


def row_copy(row: T) -> T:
    """``RowCopy(row)`` as the row's type for the callers; None stays None."""
    return row if row is None else RowCopy(row)  # type: ignore[return-value]
