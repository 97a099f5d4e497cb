"""ASGI middleware: the request log, language and cookies, the size of request bodies, and
the public response cache.

Written as plain ASGI callables (not BaseHTTPMiddleware) because they run on every request.
"""

import hashlib
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from fastapi import params
from fastapi.dependencies.utils import get_flat_params
from starlette.exceptions import HTTPException
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import i18n
from app.config import get_settings
from app.content_version import ContentVersions
from app.observability import logs, metrics
from app.web.conditional import etag_matches
from app.web.csrf import CSRF_COOKIE
from app.web.log_privacy import UNMATCHED, route_template

request_log = logging.getLogger("marrakech.requests")
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}
SECURITY_HEADER_ITEMS = tuple((k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items())
YEAR = 365 * 86400


def _cookies(scope: Scope) -> dict[str, str]:
    """The cookies exactly as the application reads them (Starlette's parser, which keeps
    every well-formed pair however the rest of the header parses); parsed once a request."""
    state = scope.setdefault("state", {})
    cookies = state.get(_PARSED_COOKIES)
    if cookies is None:
        header = _header(scope, b"cookie")
        cookies = state[_PARSED_COOKIES] = cookie_parser(header) if header else {}
    return cookies


_PARSED_COOKIES = "_parsed_cookies"


def _header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == wanted:
            return value.decode("latin-1")
    return None


def _query_param(scope: Scope, wanted: str) -> str | None:
    query: bytes = scope.get("query_string", b"")
    if wanted.encode() not in query:  # most requests: no need to parse
        return None
    for key, value in parse_qsl(query.decode("latin-1")):
        if key == wanted:
            return value
    return None


def _add_missing(headers: list[tuple[bytes, bytes]], added: Sequence[tuple[bytes, bytes]]) -> None:
    """Append each header the response does not already have (names in lower case, as
    ASGI servers and Starlette give them)."""
    present = {name.lower() for name, _ in headers}
    headers.extend(item for item in added if item[0] not in present)


class RequestTooLarge(HTTPException):
    """Raised while a body is read. FastAPI lets HTTP exceptions through its parsing of
    bodies, so the application's own handler answers, in the reader's language."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail="Request body too large")
        self.limit = limit


class BodySizeLimitMiddleware:
    """Refuse a request body over the limit with 413: by its declared length before a byte
    of it is read, and by counting as it arrives when no length is declared, so that no
    upload or form can fill the memory or the disk. A few paths may allow more."""

    def __init__(self, app: ASGIApp, *, limit: int, larger: Sequence[tuple[str, int]] = ()) -> None:
        self.app = app
        self.limit = limit
        self.larger = [(re.compile(pattern), size) for pattern, size in larger]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = next(
            (size for pattern, size in self.larger if pattern.fullmatch(scope["path"])),
            self.limit,
        )
        declared = _header(scope, b"content-length") or ""
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            if declared.isascii() and declared.isdigit() and int(declared) > limit:
                raise RequestTooLarge(limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise RequestTooLarge(limit)
            return message

        await self.app(scope, limited_receive, send)


class RequestLogMiddleware:
    """The one middleware of the request log and the metrics: the request id (a valid
    incoming X-Request-ID or a new one, returned in the response's X-Request-ID), then one
    log line and the metrics under the route template (never the raw path: it may hold a
    private link), the status and the time taken; no query string, no body, no client
    address. Its cost is a header scan, a context variable, one log record and two metric
    updates a request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        current_id = logs.request_id_for(_header(scope, b"x-request-id"))
        id_header = (b"x-request-id", current_id.encode("ascii"))
        reset = logs.request_id.set(current_id)
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                route_template.set(_route_template(scope))  # for uvicorn's access log
                message["headers"] = [*message.get("headers", ()), id_header]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            seconds = time.perf_counter() - started
            method, route = scope["method"], _route_template(scope)
            if request_log.isEnabledFor(logging.INFO):  # the record is built only if written
                request_log.info(
                    "%s %s %s %.1fms",
                    method,
                    route,
                    status,
                    seconds * 1000,
                    extra={
                        "method": method,
                        "route": route,
                        "status": status,
                        "duration_ms": round(seconds * 1000, 1),
                    },
                )
            cached = scope.get("route") is None and route != UNMATCHED
            metrics.observe_request(method, metrics.CACHED if cached else route, status, seconds)
            logs.request_id.reset(reset)


def _route_template(scope: Scope) -> str:
    template = getattr(scope.get("route"), "path", None)
    if template is None and scope.get("state", {}).get("served_from_cache"):
        template = f"{scope['path']} (cached)"  # only public paths are cached
    return template or UNMATCHED


_COOKIE_SUFFIX = {False: "; Path=/; SameSite=lax", True: "; Path=/; SameSite=lax; Secure"}


class LanguageMiddleware:
    """Choose the language (``?lang=``, cookie, Accept-Language), remember an explicit choice
    in a cookie, set the CSRF cookie a page minted, and the security headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookies = _cookies(scope)
        query_language = _query_param(scope, "lang")
        state = scope.setdefault("state", {})
        language = state["language"] = i18n.negotiate(
            query_language, cookies.get(i18n.LANGUAGE_COOKIE), _header(scope, b"accept-language")
        )
        remember = query_language in i18n.LANGUAGES and query_language != cookies.get(
            i18n.LANGUAGE_COOKIE
        )
        suffix = _COOKIE_SUFFIX[get_settings().secure_cookies]

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message["headers"] = list(message.get("headers", ()))
                content_type = next((v for n, v in headers if n.lower() == b"content-type"), b"")
                added = list(SECURITY_HEADER_ITEMS)
                if content_type.startswith(b"text/html"):
                    added.append((b"content-language", language.encode()))
                _add_missing(headers, added)
                if remember:
                    cookie = f"{i18n.LANGUAGE_COOKIE}={query_language}; Max-Age={YEAR}{suffix}"
                    headers.append((b"set-cookie", cookie.encode("latin-1")))
                new_csrf = state.get("new_csrf_cookie")
                if new_csrf:
                    cookie = f"{CSRF_COOKIE}={new_csrf}; HttpOnly{suffix}"
                    headers.append((b"set-cookie", cookie.encode("latin-1")))
            await send(message)

        await self.app(scope, receive, send_wrapper)


@dataclass
class CachedResponse:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: str
    stored_at: float


# Kept on a 304 (RFC 9110, 15.4.5); the body's own headers are not.
NOT_MODIFIED_HEADERS = (b"etag", b"cache-control", b"vary", b"expires", b"content-location")
# Language is part of the key: a shared cache between here and the reader must keep
# the languages apart too (the language comes from ?lang=, the cookie or Accept-Language).
VARY = ("Accept-Language", "Cookie")


def _with_vary(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    present = [v.decode("latin-1") for n, v in headers if n == b"vary"]
    varies = [item.strip() for value in present for item in value.split(",") if item.strip()]
    known = {item.lower() for item in varies}
    varies += [item for item in VARY if item.lower() not in known]
    kept = [(n, v) for n, v in headers if n != b"vary"]
    return [*kept, (b"vary", ", ".join(varies).encode("latin-1"))]


def _shareable(start: Message, state: dict[str, Any]) -> bool:
    """A response any anonymous reader may get: 200, no cookie set, nothing private in the
    page (a form's CSRF token is the reader's own), and not marked private."""
    if start["status"] != 200 or state.get("csrf_used"):
        return False
    for name, value in start.get("headers", []):
        if name == b"set-cookie":
            return False
        if name == b"cache-control" and (b"no-store" in value or b"private" in value):
            return False
    return True


def _query_names(route: Any) -> frozenset[str]:
    """The query parameters a route reads (its own and its dependencies'), and the language."""
    names = _route_query_names.get(id(route))
    if names is None:
        dependant = getattr(route, "dependant", None)
        fields = get_flat_params(dependant) if dependant is not None else []
        names = frozenset(
            field.alias for field in fields if isinstance(field.field_info, params.Query)
        )
        names |= {"lang"}
        _route_query_names[id(route)] = names
    return names


# By the route's identity (routes live as long as the process): one entry per route.
_route_query_names: dict[int, frozenset[str]] = {}


def _reads_its_whole_query(scope: Scope) -> bool:
    """Whether the route that answered reads every parameter of the query. Another is the
    same response under a new key: stored, a client varying it (``?n=1``, ``?n=2``...) would
    fill the cache with copies of one page and push out what readers use."""
    query: bytes = scope.get("query_string", b"")
    if not query:
        return True
    known = _query_names(scope.get("route"))
    return all(
        name in known for name, _ in parse_qsl(query.decode("latin-1"), keep_blank_values=True)
    )


class PublicResponseCache:
    """Serve repeated anonymous GETs of public pages and API reads from memory.

    An entry is keyed on the path, the query, the language and the content versions it
    depends on (app/content_version.py): the site's, and its edition's for an edition's
    pages. A committed change raises the versions it touches, so a cached page is at most
    about a second behind another process's write (and never behind this process's own),
    and a write to one edition leaves every other edition's pages cached. Requests carrying
    the login cookie or an Authorization header, however the rest of their Cookie header
    parses, bypass it; responses that set a cookie, hold a form's token or say private are
    never stored. Entries also expire after ``max_age`` seconds. Responses through it say
    ``X-Cache: hit`` or ``miss``, carry an ETag (the route's own, or a hash of the body) and
    answer 304 to it, weak or in a list.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        prefixes: tuple[str, ...],
        version: Callable[[], Awaitable[ContentVersions]],
        edition_of: Callable[[str], str | None],
        max_entries: int = 512,
        max_age: float = 60.0,
        max_body: int = 2_000_000,
    ) -> None:
        self.app = app
        self.version = version
        self.edition_of = edition_of
        self.prefixes = prefixes
        self.max_entries = max_entries
        self.max_age = max_age
        self.max_body = max_body
        self.entries: OrderedDict[tuple[Any, ...], CachedResponse] = OrderedDict()

    def _cacheable(self, scope: Scope) -> bool:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return False
        path: str = scope["path"]
        if path != "/" and not path.startswith(self.prefixes):
            return False
        if _header(scope, b"authorization") is not None:
            return False
        from app.auth.access import LOGIN_COOKIE

        return LOGIN_COOKIE not in _cookies(scope)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._cacheable(scope):
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        language = state.get("language", i18n.DEFAULT_LANGUAGE)
        versions = state["content_versions"] = await self.version()  # also for app.web.memo
        path: str = scope["path"]
        key = (path, scope.get("query_string", b""), language, versions.of(self.edition_of(path)))
        entry = self.entries.get(key)
        now = time.monotonic()
        if entry is not None and now - entry.stored_at < self.max_age:
            self.entries.move_to_end(key)
            state["served_from_cache"] = True
            await self._replay(scope, entry, send, b"hit")
            return
        entry = await self._render(scope, receive, send, state)
        if entry is None:
            return
        if _reads_its_whole_query(scope):
            self.entries[key] = entry
            while len(self.entries) > self.max_entries:
                self.entries.popitem(last=False)
        await self._replay(scope, entry, send, b"miss")

    async def _render(
        self, scope: Scope, receive: Receive, send: Send, state: dict[str, Any]
    ) -> CachedResponse | None:
        """Run the application, holding a shareable response back to store it (returned);
        anything else, or a body over the size limit, goes to the reader as it comes."""
        held: dict[str, Any] = {"start": None, "body": [], "size": 0, "complete": False}
        passing = False

        async def send_wrapper(message: Message) -> None:
            nonlocal passing
            if passing:
                await send(message)
            elif message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"x-cache", b"miss")]
                if scope["method"] == "GET" and _shareable(message, state):
                    held["start"] = message
                else:
                    passing = True
                    await send(message)
            elif message["type"] == "http.response.body":
                body = message.get("body", b"")
                held["body"].append(body)
                held["size"] += len(body)
                more = message.get("more_body", False)
                if held["size"] > self.max_body:
                    passing = True
                    await send(held["start"])
                    joined = b"".join(held["body"])
                    await send({"type": "http.response.body", "body": joined, "more_body": more})
                held["complete"] = not more

        await self.app(scope, receive, send_wrapper)
        start = held["start"]
        if passing or start is None or not held["complete"] or not _shareable(start, state):
            if not passing and start is not None:  # held, then found private: send it now
                await send(start)
                await send({"type": "http.response.body", "body": b"".join(held["body"])})
            return None
        body = b"".join(held["body"])
        headers = _with_vary([(n, v) for n, v in start.get("headers", []) if n != b"x-cache"])
        etag = next((v.decode("latin-1") for n, v in headers if n == b"etag"), None)
        if etag is None:
            etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
            headers.append((b"etag", etag.encode()))
        return CachedResponse(200, headers, body, etag, time.monotonic())

    async def _replay(
        self, scope: Scope, entry: CachedResponse, send: Send, outcome: bytes
    ) -> None:
        headers = [*entry.headers, (b"x-cache", outcome)]
        if etag_matches(_header(scope, b"if-none-match"), entry.etag):
            kept = [(n, v) for n, v in headers if n in (*NOT_MODIFIED_HEADERS, b"x-cache")]
            await send({"type": "http.response.start", "status": 304, "headers": kept})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.start", "status": entry.status, "headers": headers})
        body = b"" if scope["method"] == "HEAD" else entry.body
        await send({"type": "http.response.body", "body": body})
