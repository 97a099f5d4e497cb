"""The per-request floor and the server: the application against a bare FastAPI endpoint,
both served as ``marrakech serve`` serves (uvloop, httptools, a socket per worker).

    python bench/serving.py [--seconds 4] [--concurrency 20] [--workers 2]

On a fresh SQLite database, migrated and seeded: requests/s of the bare endpoint, then of
``/livez`` (no database), ``/healthz`` (one query), an edition's page as the public reads it
(from the response cache) and rendered every time (a query parameter that changes on every
request), each as a ratio to the bare endpoint measured in the same run; the p50 latency of
a cached page with two connections (no queueing: what each request costs, where Nagle's
delay would show as 40 ms); and how 20 new connections are spread over the workers.
"""

import argparse
import asyncio
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import get, result_line, run_load, served  # noqa: E402
from read_pages import busting, prepare_database  # noqa: E402

PAGE = "/editions/2024-fez"


async def _spread(base: str, connections: int) -> Counter:
    """Open the connections at once; each asks which worker answers it."""
    host, port = base.removeprefix("http://").split(":")

    async def one() -> int:
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(f"GET /pid HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length")
        )
        body = await reader.readexactly(length)
        writer.close()
        return json.loads(body)["pid"]

    return Counter(await asyncio.gather(*(one() for _ in range(connections))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    workers, seconds, concurrency = args.workers, args.seconds, args.concurrency
    label = f"{workers} worker" + ("s" if workers > 1 else "")
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        prepare_database(url)
        with served("bare_app:app", workers=workers) as base:
            run_load(base, get("/"), concurrency=4, seconds=0.5)
            bare = run_load(base, get("/"), concurrency=concurrency, seconds=seconds)
            spreads = [asyncio.run(_spread(base, 20)) for _ in range(3)]
        result_line(f"bare FastAPI endpoint, {label}", bare.rate, "req/s", p50=bare.p50)
        shares = ", ".join(
            "/".join(str(n) for n in sorted(s.values(), reverse=True)) for s in spreads
        )
        result_line(
            f"20 new connections over {label}, three counts",
            min(min(s.values()) if len(s) == workers else 0 for s in spreads),
            "fewest on a worker",
            detail=shares,
        )
        env = {
            "DATABASE_URL": url,
            "MARRAKECH_ENVIRONMENT": "development",
            "MARRAKECH_LOG_LEVEL": "WARNING",
            "MARRAKECH_VAR_DIR": folder,
        }
        with served("app.asgi:app", env=env, workers=workers) as base:
            for name, request in (
                ("/livez", get("/livez")),
                ("/healthz", get("/healthz")),
                (f"{PAGE} (cached)", get(PAGE)),
                (f"{PAGE} (uncached)", busting(PAGE)),
                ("/api/v1/editions (uncached)", busting("/api/v1/editions")),
            ):
                run_load(base, request, concurrency=4, seconds=0.5)  # warm up every worker
                result = run_load(base, request, concurrency=concurrency, seconds=seconds)
                result_line(
                    f"{name}, {label}",
                    result.rate,
                    "req/s",
                    ratio=round(result.rate / bare.rate, 2),
                    against="bare",
                    p50=round(result.p50, 2),
                    errors=result.errors,
                )
            latency = run_load(base, get(PAGE), concurrency=2, seconds=seconds)
            result_line(
                f"p50 of {PAGE} (cached), {label}, 2 connections",
                latency.p50,
                "ms",
                ratio=round(latency.p50 / 5.0, 2),
                against="goal 5 ms",
            )


if __name__ == "__main__":
    main()
