"""Read pages and API calls against a bare FastAPI endpoint, served the same way.

    python bench/read_pages.py [--seconds 5] [--concurrency 16] [--database-url URL]

Serves the application (uvicorn, one worker) on a fresh SQLite database migrated and
seeded with the historical record (or on --database-url), and the bare endpoint of
bench/bare_app.py; loads each on loopback and prints requests/s, p50 and p99, and the
ratio of each path's rate to the bare endpoint's (goal: at least 0.5). Each path is
measured twice: as the public reads it (repeated requests, answered by the response cache
after the first), and with a query parameter that changes on every request, so that every
response is rendered from the database ("uncached").
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import ROOT, get, run_load, served  # noqa: E402

PATHS = ["/", "/editions/2024-fez", "/api/v1/editions"]


def busting(path: str):  # noqa: ANN201
    """Requests whose query changes every time, so that none is answered from the cache."""
    separator = "&" if "?" in path else "?"
    return lambda serial: ("GET", f"{path}{separator}n={serial}", {}, b"")


def prepare_database(url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    marrakech = str(Path(sys.executable).with_name("marrakech"))
    for command in (["db", "upgrade"], ["seed"]):
        subprocess.run([marrakech, *command], cwd=ROOT, env=env, check=True, capture_output=True)


def report(label: str, result, bare_rate: float | None) -> None:  # noqa: ANN001
    ratio = f"{result.rate / bare_rate:5.2f}" if bare_rate else "  -  "
    print(
        f"{label:<28} {result.rate:9.0f} {result.p50:8.2f} {result.p99:8.2f} {ratio:>6} "
        f"{result.errors:>6}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.db"
        prepare_database(url)
        print(f"{'path':<28} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6} {'errors':>6}")
        with served("bare_app:app", env={"PYTHONPATH": str(ROOT / "bench")}) as base:
            bare = run_load(base, get("/"), concurrency=args.concurrency, seconds=args.seconds)
        report("bare FastAPI endpoint", bare, None)
        env = {
            "DATABASE_URL": url,
            "MARRAKECH_ENVIRONMENT": "development",
            "MARRAKECH_LOG_LEVEL": "WARNING",
        }
        with served("app.asgi:app", env=env) as base:
            for path in PATHS:
                run_load(base, get(path), concurrency=4, seconds=0.5)  # warm up
                result = run_load(
                    base, get(path), concurrency=args.concurrency, seconds=args.seconds
                )
                report(path, result, bare.rate)
                uncached = run_load(
                    base, busting(path), concurrency=args.concurrency, seconds=args.seconds
                )
                report(f"{path} (uncached)", uncached, bare.rate)


if __name__ == "__main__":
    main()
