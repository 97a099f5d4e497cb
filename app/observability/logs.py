"""The log format: text, or one JSON object a line (``MARRAKECH_LOG_FORMAT=json``), each line
of a request carrying its request id.

The request id is the client's (or the proxy's) ``X-Request-ID`` when it is short and made of
safe characters, otherwise a new random one; it is returned in the response's
``X-Request-ID``. What goes into a line stays what ``app/web/log_privacy.py`` allows: the
route template, never the path as sent."""

import json
import logging
import logging.config
import secrets
import string
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
REQUEST_ID_CHARACTERS = frozenset(string.ascii_letters + string.digits + "._-")
REQUEST_ID_MAX_LENGTH = 64
# Set by the request log middleware on its line (``extra=``), written by the JSON format.
REQUEST_FIELDS = ("method", "route", "status", "duration_ms")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def request_id_for(incoming: str | None) -> str:
    """The incoming X-Request-ID when it is valid (1 to 64 letters, digits, '.', '_' or
    '-'), otherwise a new random id."""
    if (
        incoming
        and len(incoming) <= REQUEST_ID_MAX_LENGTH
        and REQUEST_ID_CHARACTERS.issuperset(incoming)
    ):
        return incoming
    return secrets.token_hex(16)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request_id, and for the line of
    each request its method, route template, status and duration."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        current = request_id.get()
        if current:
            entry["request_id"] = current
        for name in REQUEST_FIELDS:
            if name in record.__dict__:
                entry[name] = record.__dict__[name]
        # The error scrubber (log_privacy.py) leaves its cleaned traceback in exc_text.
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """The plain format, with the request id at the end of the lines of a request."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        current = request_id.get()
        return f"{text} request_id={current}" if current else text


def logging_config(log_format: str, level: str) -> dict[str, Any]:
    """The logging configuration (``logging.config.dictConfig``) of the application and of
    uvicorn: every logger writes through one handler in the chosen format."""
    formatter = JsonFormatter if log_format == "json" else TextFormatter
    server_loggers = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": {"()": f"{formatter.__module__}.{formatter.__qualname__}"}},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["default"], "level": level.upper()},
        "loggers": {
            **{name: {"handlers": [], "propagate": True} for name in server_loggers},
            "fontTools": {"level": "WARNING"},
            "alembic": {"level": "WARNING"},  # the readiness check loads its scripts
        },
    }


def configure_logging(log_format: str, level: str) -> None:
    """Configure the process's logging, unless the server already did (``marrakech serve``
    hands the same configuration to uvicorn, which applies it in each worker)."""
    if not logging.getLogger().handlers:
        logging.config.dictConfig(logging_config(log_format, level))
