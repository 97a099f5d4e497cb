"""Errors of the JSON API as RFC 9457 problem details (``application/problem+json``).

Every error under /api/ has one shape: ``type`` (a URN naming the kind of error, or
``about:blank`` when the status says it all), ``title``, ``status``, ``detail`` (in the
reader's language), ``instance`` (the path asked for) and, when input was refused,
``errors``: one entry per field with where it was (``body``, ``query``, ``path``), the field
(dotted for nested ones) and the reason.
"""

import re
from collections.abc import Callable, Iterable, Mapping
from http import HTTPStatus
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from app.errors import DomainError


def is_for_programs(path: str) -> bool:
    """Whether the path answers programs rather than people (the JSON API, the Prometheus
    scrape): errors come as problems, and a missing credential is a 401 asking for a
    bearer token, never a redirect to the sign-in page."""
    return path.startswith("/api/") or path == "/metrics"


PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:marrakech-platform:problem:"
VALIDATION_TYPE = TYPE_PREFIX + "invalid-input"


class ProblemFieldError(BaseModel):
    location: str | None = Field(
        default=None,
        description="Where the value was: body, query, path or header.",
        examples=["body"],
    )
    field: str | None = Field(
        default=None, description="The field, dotted when nested.", examples=["slug"]
    )
    reason: str = Field(description="Why it was refused, in the reader's language.")
    type: str = Field(description="A short code for the reason.", examples=["missing"])


class Problem(BaseModel):
    """An error, as RFC 9457 problem details."""

    type: str = Field(
        default="about:blank",
        description="A URN naming the kind of error, or about:blank.",
        examples=["urn:marrakech-platform:problem:not-found"],
    )
    title: str = Field(description="A short summary of the kind of error.")
    status: int = Field(description="The HTTP status code.")
    detail: str | None = Field(default=None, description="What went wrong, for a reader.")
    instance: str | None = Field(default=None, description="The path that was asked for.")
    errors: list[ProblemFieldError] | None = Field(
        default=None, description="The refused inputs, one entry per field."
    )


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _kebab(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def problem_response(
    request: Request,
    status: int,
    *,
    detail: str | None,
    type_: str = "about:blank",
    errors: list[ProblemFieldError] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    problem = Problem(
        type=type_,
        title=_title(status),
        status=status,
        detail=detail,
        instance=request.url.path,
        errors=errors,
    )
    return JSONResponse(
        problem.model_dump(exclude_none=True),
        status_code=status,
        headers=dict(headers or {}),
        media_type=PROBLEM_MEDIA_TYPE,
    )


def domain_problem(
    request: Request, exc: DomainError, gettext: Callable[[str], str]
) -> JSONResponse:
    """A domain error (and the field errors it groups) as a problem."""
    grouped: list[DomainError] = getattr(exc, "errors", None) or [exc]
    errors = [
        ProblemFieldError(
            location="body",
            field=error.field,
            reason=error.translated(gettext),
            type=_kebab(type(error).__name__),
        )
        for error in grouped
        if error.field
    ]
    headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else {}
    headers.update(getattr(exc, "headers", None) or {})
    return problem_response(
        request,
        exc.status_code,
        detail=exc.translated(gettext),
        type_=TYPE_PREFIX + _kebab(type(exc).__name__),
        errors=errors or None,
        headers=headers,
    )


def validation_problem(
    request: Request, raw_errors: Iterable[Mapping[str, Any]], summary: str
) -> JSONResponse:
    """Refused input (pydantic's errors) as a problem; the submitted values are never echoed,
    as they may be personal data."""
    errors = []
    for error in raw_errors:
        loc = [str(part) for part in error.get("loc", ())]
        location = loc[0] if loc and loc[0] in ("body", "query", "path", "header") else None
        field = ".".join(loc[1:] if location else loc) or None
        errors.append(
            ProblemFieldError(
                location=location,
                field=field,
                reason=error.get("msg", ""),
                type=error.get("type", ""),
            )
        )
    detail = errors[0].reason if len(errors) == 1 else summary
    return problem_response(request, 422, detail=detail, type_=VALIDATION_TYPE, errors=errors)
