"""uvicorn's access log, made safe to keep: a request line names the route template, never
the path as sent (``/register/{token}`` is a private link) nor its query string, and not the
client's address.

``marrakech serve`` turns the access log off (the application logs each request itself,
see ``RequestLogMiddleware``); a plain ``uvicorn app.asgi:app``, or any server that feeds
the ``uvicorn.access`` logger, gets these scrubbed lines instead."""

import logging
from contextvars import ContextVar

ACCESS_LOGGER = "uvicorn.access"
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


def scrub_access_log() -> None:
    """Install the scrubber on the access logger, once per process."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, AccessLogScrubber) for f in logger.filters):
        logger.addFilter(AccessLogScrubber())
