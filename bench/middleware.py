"""What each middleware adds to a request, measured in process (no server, no network).

    python bench/middleware.py [--requests 3000]

Calls the application's ASGI stack directly for ``GET /livez`` (no database), ``/healthz``
(one query in a worker thread, one request at a time) and for an edition's page answered by
the public cache, first whole, then without each middleware in
turn; the difference is what that middleware costs a request. The bare FastAPI endpoint of
bench/bare_app.py, called the same way, is the floor. Figures are microseconds a request.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from load import result_line  # noqa: E402


def _scope(path: str) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1:8000"),
            (b"accept-language", b"fr,en;q=0.8"),
            (b"user-agent", b"bench"),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }


async def _per_request(app, path: str, requests: int, owner=None) -> float:  # noqa: ANN001
    """Mean microseconds a request, the best of three rounds (``owner``: the Starlette
    application whose stack ``app`` is, named in the scope as Starlette does)."""

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    statuses = []

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(requests):
            scope = _scope(path)
            scope["app"] = owner or app
            await app(scope, receive, send)
        best = min(best, (time.perf_counter() - started) / requests * 1e6)
    assert set(statuses) == {200}, set(statuses)
    return best


async def _constant(scope, receive, send) -> None:  # noqa: ANN001
    """An endpoint that costs nothing: what is measured around it is the middleware."""
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html")]}
    )
    await send({"type": "http.response.body", "body": b"<p>ok</p>"})


def _wrapped(application, only: int | None = None):  # noqa: ANN001, ANN202
    """The application's middleware (all, or only the ``only``-th) around ``_constant``."""
    stack = _constant
    for index, middleware in reversed(list(enumerate(application.user_middleware))):
        if only is None or index == only:
            stack = middleware.cls(stack, *middleware.args, **middleware.kwargs)
    return stack


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        os.environ.update(DATABASE_URL=url, MARRAKECH_LOG_LEVEL="WARNING", MARRAKECH_VAR_DIR=folder)
        from read_pages import prepare_database

        prepare_database(url)
        import logging

        logging.basicConfig(level=logging.WARNING)
        from bare_app import app as bare_app

        from app.main import create_app

        application = create_app()
        full = application.build_middleware_stack()

        async def measure() -> None:
            floor = await _per_request(bare_app, "/", args.requests)
            result_line("bare FastAPI endpoint, in process", floor, "µs a request")
            for path in ("/livez", "/healthz", "/editions/2024-fez"):
                await _per_request(full, path, 50, application)  # warm the cache, the imports
                whole = await _per_request(full, path, args.requests, application)
                label = path + (" (cached)" if path.startswith("/editions") else "")
                result_line(
                    f"{label}, whole application, in process",
                    whole,
                    "µs a request",
                    ratio=round(floor / whole, 2),
                    against="bare",
                )
            # A path outside the public cache's prefixes, so that every middleware runs.
            nothing = await _per_request(_constant, "/livez", args.requests, application)
            stack = await _per_request(_wrapped(application), "/livez", args.requests, application)
            result_line("every middleware together", stack - nothing, "µs a request")
            for index, middleware in enumerate(application.user_middleware):
                alone = _wrapped(application, index)
                cost = await _per_request(alone, "/livez", args.requests, application) - nothing
                result_line(f"middleware {middleware.cls.__name__}", cost, "µs a request")

        import uvloop

        uvloop.run(measure())


if __name__ == "__main__":
    main()
