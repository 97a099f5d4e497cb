"""Where the time of a request goes: pyinstrument over a focal point's submission and an
uncached public page, in process.

    python bench/profile.py [--requests 200] [--html folder]

On a fresh SQLite database (migrated, seeded, a demo edition with private links), calls the
application's ASGI stack directly, with the work FastAPI sends to worker threads run inline
so that one profiler sees all of it: ``--requests`` submissions
(``POST /api/v1/register/{token}/participants``) and as many renderings of an edition's page
with a query that defeats the cache. Prints for each the five functions where most time is
spent (their own time, summed over every call), and the share of the whole. Then the same
for the list of editions in the API (``/api/v1/editions``), uncached, and for ``/healthz``.
Each request's milliseconds and its five largest costs by package are also ``BENCH`` lines
(``make bench``).
"""

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from load import result_line  # noqa: E402


def _scope(method: str, path: str, query: bytes, body: bytes) -> dict:
    headers = [(b"host", b"127.0.0.1:8000"), (b"accept-language", b"en")]
    if body:
        headers += [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def _call(app, method: str, path: str, query: bytes = b"", body: bytes = b"") -> int:  # noqa: ANN001
    sent = False

    async def receive() -> dict:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    status = [0]

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            status[0] = message["status"]

    await app(_scope(method, path, query, body), receive, send)
    return status[0]


def top_functions(session, count: int = 5) -> list[tuple[str, float]]:  # noqa: ANN001
    """The functions with the most time of their own, summed over the profile."""
    own: Counter = Counter()

    def walk(frame) -> None:  # noqa: ANN001
        for child in frame.children:
            walk(child)
        if not frame.function.startswith("["):  # [self], [await]: time already counted
            name = f"{frame.function} ({frame.file_path_short}:{frame.line_no})"
            own[name] += frame.total_self_time

    walk(session.root_frame())
    total = session.duration or 1.0
    return [(name, seconds / total) for name, seconds in own.most_common(count)]


def top_packages(session, count: int = 5) -> list[tuple[str, float]]:  # noqa: ANN001
    """The same time summed by the package the code belongs to (``<built-in>``: C calls
    such as SQLite's execute and commit)."""
    own: Counter = Counter()

    def walk(frame) -> None:  # noqa: ANN001
        for child in frame.children:
            walk(child)
        if not frame.function.startswith("["):
            path = frame.file_path_short or "?"
            package = path.split("/")[0] if "/" in path else path
            if package == "<built-in>":
                package = f"<built-in> {frame.function}"
            own[package] += frame.total_self_time

    walk(session.root_frame())
    total = session.duration or 1.0
    return [(name, seconds / total) for name, seconds in own.most_common(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--html", help="also write each profile as HTML into this folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        os.environ.update(DATABASE_URL=url, MARRAKECH_LOG_LEVEL="WARNING", MARRAKECH_VAR_DIR=folder)
        from registration import prepare

        _slug, tokens = prepare(url, 40)
        import anyio.to_thread
        from pyinstrument import Profiler

        async def inline(func, *call_args, **_kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
            return func(*call_args)

        anyio.to_thread.run_sync = inline  # one thread, so that one profiler sees everything
        import logging

        logging.basicConfig(level=logging.WARNING)
        from app.main import create_app

        app = create_app()

        async def submissions(serial: int) -> int:
            body = {
                "given_name": f"Profile{serial}",
                "family_name": "Focal",
                "function": "Officer",
                "role": "member",
                "email": f"profile{serial}@load.example",
            }
            token = tokens[serial % len(tokens)]
            path = f"/api/v1/register/{token}/participants"
            return await _call(app, "POST", path, body=json.dumps(body).encode())

        async def page(serial: int) -> int:
            return await _call(app, "GET", "/editions/2024-fez", query=b"n=%d" % serial)

        async def api_list(serial: int) -> int:
            return await _call(app, "GET", "/api/v1/editions", query=b"n=%d" % serial)

        async def health(_serial: int) -> int:
            return await _call(app, "GET", "/healthz")

        for label, request, expected in (
            ("registration submission", submissions, 201),
            ("uncached public page", page, 200),
            ("uncached API list", api_list, 200),
            ("/healthz", health, 200),
        ):

            async def run(request=request, expected=expected, label=label) -> None:  # noqa: ANN001
                for serial in range(10):  # warm up imports and caches
                    await request(10_000 + serial)
                started = time.perf_counter()
                for serial in range(args.requests):
                    await request(20_000 + serial)
                plain = (time.perf_counter() - started) / args.requests * 1000
                profiler = Profiler(interval=0.001, async_mode="disabled")
                profiler.start()
                for serial in range(args.requests):
                    status = await request(serial)
                    assert status == expected, (label, status)
                session = profiler.stop()
                print(
                    f"\n{label}: {plain:.2f} ms a request in process "
                    f"({session.duration / args.requests * 1000:.2f} ms while profiled)"
                )
                print("  by function (own time):")
                for rank, (name, share) in enumerate(top_functions(session), 1):
                    print(f"  {rank}. {share:5.1%}  {name}")
                print("  by package:")
                packages = top_packages(session)
                for rank, (name, share) in enumerate(packages, 1):
                    print(f"  {rank}. {share:5.1%}  {name}")
                result_line(
                    f"{label}, in process, work in threads run inline",
                    plain,
                    "ms a request",
                    detail=", ".join(f"{name} {share:.0%}" for name, share in packages),
                )
                if args.html:
                    target = Path(args.html) / f"{label.replace(' ', '-')}.html"
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_text(profiler.output_html())

            asyncio.run(run())


if __name__ == "__main__":
    main()
