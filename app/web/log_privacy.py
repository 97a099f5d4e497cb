"""The server's log, made safe to keep.

uvicorn's access log: a request line names the route template, never the path as sent
(``/register/{token}`` is a private link) nor its query string, and not the client's
address. Errors: the engines never print bound values (``hide_parameters``), but
PostgreSQL's own message may quote them ("DETAIL: Key (email)=(...) already exists"), so
those lines are dropped from logged tracebacks.

``marrakech serve`` turns the access log off (the application logs each request itself,
see ``RequestLogMiddleware``); a plain ``uvicorn app.asgi:app``, or any server that feeds
the ``uvicorn.access`` logger, gets these scrubbed lines instead."""

import logging
import re
import traceback
from contextvars import ContextVar

ACCESS_LOGGER = "uvicorn.access"
ERROR_LOGGERS = ("uvicorn.error",)  # where servers log the exceptions of requests
QUOTED_VALUES = re.compile(r"^(\s*)DETAIL:.*$", re.MULTILINE)
UNMATCHED = "(unmatched)"
# Set by RequestLogMiddleware as the response starts, which is when uvicorn writes the line.
route_template: ContextVar[str] = ContextVar("route_template", default=UNMATCHED)


class AccessLogScrubber(logging.Filter):
    """Rewrite each access-log record: the route template in place of the path."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5:
            # uvicorn: '%s - "%s %s HTTP/%s" %d' % (client, method, path?query, version, status)
            _client, method, _path, version, status = args
            record.args = ("-", method, route_template.get(), version, status)
        else:  # a format this filter does not know: keep the fact, not the details
            record.msg, record.args = "request (access log line withheld)", ()
        return True


class ErrorDetailScrubber(logging.Filter):
    """Drop the database's DETAIL lines, which quote the values, from logged tracebacks."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            text = "".join(traceback.format_exception(record.exc_info[1]))
            record.exc_text = QUOTED_VALUES.sub(r"\1DETAIL: (withheld)", text).rstrip("\n")
            record.exc_info = None
        return True


def scrub_server_logs() -> None:
    """Install the scrubbers on the server's loggers, once per process."""
    for name, scrubber in [(ACCESS_LOGGER, AccessLogScrubber)] + [
        (name, ErrorDetailScrubber) for name in ERROR_LOGGERS
    ]:
        logger = logging.getLogger(name)
        if not any(isinstance(f, scrubber) for f in logger.filters):
            logger.addFilter(scrubber())
