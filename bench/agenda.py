"""The agenda's read paths and its PDF, for a two-day agenda of 40 items.

    python bench/agenda.py [--seconds 5] [--concurrency 16]

Builds a fresh SQLite database (migrated, seeded), adds a demo edition with the demo
agenda (app/agenda/demo.py, published as Rev.0), serves the application and the bare
endpoint of bench/bare_app.py with uvicorn (one worker each), and prints:
- requests/s, p50 and p99 of the agenda page and the JSON export, with the ratio of each
  rate to the bare endpoint's (goal: at least 0.5);
- the time of the PDF's first rendering (goal: under one second) and of a repeated request
  served from the cache (goal: under 20 ms).
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import ROOT, get, run_load, served  # noqa: E402
from read_pages import prepare_database, report  # noqa: E402

SLUG = "bench-demo"
PDF_EDITIONS = 4  # more agendas, so that "first rendering" is measured several times


def add_demo_edition(url: str, slug: str = SLUG, number: int = 900) -> None:
    """A demo edition with the demo agenda, through the application's own code."""
    code = f"""
from datetime import date
from sqlmodel import Session
import app.models
from app.agenda.demo import add_demo_agenda
from app.audit.service import COMMAND_LINE
from app.db import build_engine
from app.editions.models import Edition, EditionKind, EditionStatus
engine = build_engine({url!r})
with Session(engine, expire_on_commit=False) as db_session:
    edition = Edition(slug={slug!r}, kind=EditionKind.session, number={number}, year=2027,
        title_en="Demo edition", title_fr="Édition de démonstration",
        title_ar="دورة تجريبية", city_en="Rabat", city_ar="الرباط",
        start_date=date(2027, 6, 2), end_date=date(2027, 6, 3),
        status=EditionStatus.announced, is_demo=True)
    db_session.add(edition)
    db_session.commit()
    add_demo_agenda(db_session, edition=edition, actor=COMMAND_LINE)
"""
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def timed_get(url: str) -> tuple[float, int]:
    started = time.perf_counter()
    with urllib.request.urlopen(url) as response:  # noqa: S310 - loopback only
        body = response.read()
    return (time.perf_counter() - started) * 1000, len(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        prepare_database(url)
        add_demo_edition(url)
        for serial in range(1, PDF_EDITIONS + 1):
            add_demo_edition(url, f"{SLUG}-{serial}", 900 + serial)
        print(f"{'path':<34} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6} {'errors':>6}")
        with served("bare_app:app", env={"PYTHONPATH": str(ROOT / "bench")}) as base:
            bare = run_load(base, get("/"), concurrency=args.concurrency, seconds=args.seconds)
        report("bare FastAPI endpoint", bare, None)
        env = {
            "DATABASE_URL": url,
            "MARRAKECH_ENVIRONMENT": "development",
            "MARRAKECH_LOG_LEVEL": "WARNING",
        }
        with served("app.asgi:app", env=env) as base:
            # /healthz (one SELECT 1) shows the application's own per-request cost.
            for path in ("/healthz", f"/editions/{SLUG}/agenda", f"/editions/{SLUG}/agenda.json"):
                run_load(base, get(path), concurrency=4, seconds=0.5)  # warm up
                result = run_load(
                    base, get(path), concurrency=args.concurrency, seconds=args.seconds
                )
                report(path, result, bare.rate)
            print()
            for language in ("en", "fr", "ar"):
                pdf = f"{base}/editions/{SLUG}/agenda.pdf?lang={language}"
                first, size = timed_get(pdf)
                repeats = sorted(timed_get(pdf)[0] for _ in range(20))
                print(
                    f"PDF ({language}, {size // 1024} KiB): first rendering {first:7.0f} ms, "
                    f"repeated request p50 {repeats[10]:5.1f} ms (max {repeats[-1]:5.1f} ms)"
                )
            for language in ("en", "ar"):
                firsts = sorted(
                    timed_get(f"{base}/editions/{SLUG}-{n}/agenda.pdf?lang={language}")[0]
                    for n in range(1, PDF_EDITIONS + 1)
                )
                print(
                    f"PDF ({language}) first rendering of {PDF_EDITIONS} more agendas: "
                    f"min {firsts[0]:5.0f} ms, median {firsts[len(firsts) // 2]:5.0f} ms"
                )


if __name__ == "__main__":
    os.environ.setdefault("MARRAKECH_ENVIRONMENT", "development")
    main()
