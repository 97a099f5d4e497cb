"""The per-request cost of the request log and metrics middleware (RequestLogMiddleware):
a trivial ASGI endpoint called directly, bare and behind the middleware, with the log line
off, in text and in JSON (written to /dev/null). Figures in microseconds a request, the
minimum of three rounds, all measured in the same run.

    .venv/bin/python bench/request_middleware.py [--calls 20000]
"""

import argparse
import asyncio
import logging
import time

from app.observability.logs import JsonFormatter, TextFormatter
from app.web.middleware import RequestLogMiddleware

HEADERS = [(b"host", b"testserver"), (b"accept", b"*/*"), (b"x-request-id", b"abc-123")]


class Route:
    path = "/api/v1/editions/{slug}"


async def endpoint(scope, receive, send) -> None:  # noqa: ANN001
    scope["route"] = Route
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"{}"})


async def receive() -> dict:
    return {"type": "http.request", "body": b""}


async def send(message: dict) -> None:
    pass


async def microseconds(app, calls: int) -> float:  # noqa: ANN001
    started = time.perf_counter()
    for _ in range(calls):
        scope = {"type": "http", "method": "GET", "path": "/api/v1/editions/x"}
        await app({**scope, "headers": HEADERS, "query_string": b""}, receive, send)
    return (time.perf_counter() - started) / calls * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=20000)
    calls = parser.parse_args().calls
    handler = logging.StreamHandler(open("/dev/null", "w"))  # noqa: SIM115
    root = logging.getLogger()
    root.addHandler(handler)
    cases = [
        ("bare endpoint", endpoint, logging.WARNING, TextFormatter()),
        ("middleware, no log line", RequestLogMiddleware(endpoint), logging.WARNING, None),
        ("middleware, text line", RequestLogMiddleware(endpoint), logging.INFO, TextFormatter()),
        ("middleware, JSON line", RequestLogMiddleware(endpoint), logging.INFO, JsonFormatter()),
    ]
    figures: dict[str, list[float]] = {}
    for _ in range(3):
        for name, app, level, formatter in cases:
            root.setLevel(level)
            handler.setFormatter(formatter or TextFormatter())
            figures.setdefault(name, []).append(asyncio.run(microseconds(app, calls)))
    print("| case | µs a request |\n| --- | ---: |")
    for name, values in figures.items():
        print(f"| {name} | {min(values):.1f} |")


if __name__ == "__main__":
    main()
