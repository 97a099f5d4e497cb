"""Outcome statements and the archive: read rates, PDF time, export and import time.

    python bench/outcomes.py [--seconds 5] [--concurrency 16] [--statements 30]

Builds a fresh SQLite database (migrated, seeded, one announced edition with N published
statements in three languages), serves it with uvicorn beside the bare endpoint of
bench/bare_app.py, and prints the rate of the public statement page and API against the
bare endpoint; then times a statement PDF (first and repeated renders) and a full
`export` / `import` round trip of the database.
"""

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from load import ROOT, get, run_load, served  # noqa: E402
from read_pages import prepare_database, report  # noqa: E402
from sqlmodel import Session  # noqa: E402

from app import backup, migrate  # noqa: E402
from app.audit.service import SYSTEM  # noqa: E402
from app.db import build_engine  # noqa: E402
from app.editions import lifecycle  # noqa: E402
from app.editions import service as editions_service  # noqa: E402
from app.editions.models import EditionStatus  # noqa: E402
from app.editions.schemas import EditionCreate  # noqa: E402
from app.outcomes import service as outcomes_service  # noqa: E402
from app.outcomes.schemas import OutcomeCreate  # noqa: E402

PARAGRAPH = "The heads of agencies **agreed** to strengthen the exchange of information. "
ARABIC = "اتفق رؤساء الأجهزة على تعزيز تبادل المعلومات. "


def fill(url: str, statements: int) -> tuple[str, int]:
    """Add an announced edition with published statements; return its slug and one id."""
    engine = build_engine(url)
    with Session(engine, expire_on_commit=False) as db_session:
        edition = editions_service.create_edition(
            db_session,
            edition_in=EditionCreate(
                title_en="Bench edition",
                city_en="Rabat",
                start_date=date(2025, 6, 2),
                end_date=date(2025, 6, 3),
            ),
            actor=SYSTEM,
        )
        lifecycle.transition_edition(
            db_session, edition=edition, target=EditionStatus.announced, actor=SYSTEM
        )
        body_en = "\n\n".join(f"{n}. {PARAGRAPH * 4}" for n in range(1, 25))
        body_ar = "\n\n".join(f"{n}. {ARABIC * 4}" for n in range(1, 25))
        for serial in range(statements):
            statement = outcomes_service.create_statement(
                db_session,
                edition=edition,
                statement_in=OutcomeCreate(
                    kind="declaration",
                    title_en=f"Declaration {serial}",
                    title_ar=f"إعلان {serial}",
                    body_en=body_en,
                    body_ar=body_ar,
                ),
                actor=SYSTEM,
            )
            outcomes_service.adopt_statement(
                db_session, statement=statement, adopted_date=date(2025, 6, 3), actor=SYSTEM
            )
            outcomes_service.publish_statement(
                db_session, edition=edition, statement=statement, actor=SYSTEM
            )
    engine.dispose()
    return edition.slug, statement.id or 0


def timed(action) -> float:  # noqa: ANN001
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--statements", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        prepare_database(url)
        slug, statement_id = fill(url, args.statements)
        page = f"/editions/{slug}/outcomes/{statement_id}"
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
            for label, path in (
                ("statement page", page),
                ("statements API (list)", f"/api/v1/editions/{slug}/outcomes"),
                ("edition page", f"/editions/{slug}"),
            ):
                run_load(base, get(path), concurrency=4, seconds=0.5)
                result = run_load(
                    base, get(path), concurrency=args.concurrency, seconds=args.seconds
                )
                report(label, result, bare.rate)
            import httpx

            for language in ("en", "ar"):
                pdf_url = f"{base}{page}.pdf?lang={language}"
                times = [timed(lambda url=pdf_url: httpx.get(url, timeout=60)) for _ in range(5)]
                print(
                    f"statement PDF ({language}): first {times[0]:.0f} ms, "
                    f"median of the next four {statistics.median(times[1:]):.0f} ms"
                )
        archive = Path(folder) / "archive.json"
        engine = build_engine(url)
        export_ms = timed(lambda: backup.write_archive(engine, archive))
        engine.dispose()
        target = f"sqlite:///{folder}/restored.db"
        migrate.upgrade(target)
        restored = build_engine(target)
        import_ms = timed(lambda: backup.import_archive(restored, backup.read_archive(archive)))
        restored.dispose()
        size = archive.stat().st_size / 1024
        print(
            f"export: {export_ms:.0f} ms ({size:.0f} KiB); import into SQLite: {import_ms:.0f} ms"
        )


if __name__ == "__main__":
    main()
