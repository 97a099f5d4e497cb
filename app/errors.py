"""Domain errors: each carries the HTTP status it maps to and, where it concerns one
input, the field it concerns, so that the API and the forms report it the same way.

Messages are English msgids marked for translation; ``params`` fill their ``{placeholders}``
once translated into the reader's language.
"""

from collections.abc import Callable
from typing import Any


class DomainError(Exception):
    status_code = 400

    def __init__(self, message: str, *, field: str | None = None, **params: Any) -> None:
        super().__init__(message.format(**params) if params else message)
        self.message = message
        self.field = field
        self.params = params

    def translated(self, gettext: Callable[[str], str]) -> str:
        text = gettext(self.message)
        return text.format(**self.params) if self.params else text


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class NotAuthenticated(DomainError):
    status_code = 401


class Conflict(DomainError):
    status_code = 409


class InvalidInput(DomainError):
    status_code = 422


class TooManyAttempts(DomainError):
    status_code = 429


class PreconditionFailed(DomainError):
    """The item changed since the client read it (its If-Match no longer matches)."""

    status_code = 412
