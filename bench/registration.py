"""Many focal points submitting at once against a served app.

    python bench/registration.py [--seconds 10] [--concurrency 64] [--delegations 120]
    .ci/with-postgres python bench/registration.py --postgres   # on a scratch PostgreSQL

Prepares a fresh database (migrated, seeded, ``marrakech demo`` with N delegations), issues
a private link per delegation, serves the app (uvicorn, ``--workers``), warms it up for a
second with as many focal points reading their own lists (which opens each worker's pooled
connections; the slowest of those reads, a cold start, is printed) and then has
``concurrency`` simulated focal points post new members to their own links for ``seconds``.
Each posts to ``POST /api/v1/register/{token}/participants``: the private link is the
credential (no cookie, so no CSRF token is involved), and the rules are the form's
(deadline, quota, one head, one registration per email per edition). Prints submissions/s,
p50/p99 latency, the server-error count, and checks afterwards that no delegation exceeds
its quota and that every accepted submission is stored. Meanwhile ``readers`` anonymous
readers read public pages and API reads (the home page, other editions, the demo edition's
page and agenda); the share of them answered by the public response cache (``X-Cache: hit``)
is printed.

Then the mixed burst (``tests/write_burst.py``, as in ``tests/test_write_burst.py``): on
another fresh database, the app served by three uvicorn workers, ``--rounds`` times a
hundred writes released at the same moment (40 focal-point submissions, 20 organiser API
writes: agenda changes, new outcome statements, re-issued links; 20 sign-ins, 20 public
requests to take part). Prints writes/s, the 5xx count (must be 0), the refusals by a rule
and whether the database holds exactly what was acknowledged.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from load import (  # noqa: E402
    ROOT,
    machine_cpu,
    process_tree_cpu,
    result_line,
    run_loads,
    served,
)

# Enough for every submission of a 10-second burst at several hundred a second: a quota
# reached during the run turns the rest into quick refusals and flatters the figures.
QUOTA = 60


PUBLIC_PAGES = (
    "/",
    "/editions/2024-fez",
    "/editions/2023-tangier",
    "/api/v1/editions",
    "/api/v1/editions/2024-fez",
    "/api/v1/entities",
    "/editions/{demo}",
    "/editions/{demo}/agenda",
)
LANGUAGES = ("en", "fr", "ar")


def prepare(url: str, delegations: int) -> tuple[str, list[str]]:
    env = {**os.environ, "DATABASE_URL": url}
    marrakech = str(Path(sys.executable).with_name("marrakech"))
    for command in (["db", "upgrade"], ["seed"], ["demo", "--delegations", str(delegations)]):
        subprocess.run([marrakech, *command], cwd=ROOT, env=env, check=True, capture_output=True)
    from sqlmodel import Session, select

    from app.audit.service import COMMAND_LINE
    from app.db import build_engine
    from app.delegations import invitations
    from app.delegations.models import Delegation, RegistrationSettings
    from app.editions.models import Edition
    from app.entities.models import Entity

    engine = build_engine(url)
    tokens = []
    with Session(engine, expire_on_commit=False) as db_session:
        edition = db_session.exec(select(Edition).where(Edition.is_demo)).one()
        settings = db_session.exec(
            select(RegistrationSettings).where(RegistrationSettings.edition_id == edition.id)
        ).one()
        settings.default_quota = QUOTA
        db_session.add(settings)
        db_session.commit()
        for delegation in db_session.exec(
            select(Delegation).where(Delegation.edition_id == edition.id)
        ).all():
            entity = db_session.get(Entity, delegation.entity_id)
            link = invitations.reissue_link(
                db_session,
                edition=edition,
                delegation=delegation,
                entity=entity,
                actor=COMMAND_LINE,
            )
            tokens.append(link.rsplit("/", 1)[1])
        slug = edition.slug
    engine.dispose()
    return slug, tokens


def check(url: str) -> tuple[int, int]:
    """Participants stored, and delegations over their quota (must be 0)."""
    from sqlalchemy import text

    from app.db import build_engine

    engine = build_engine(url)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT count(*) FROM participant")).scalar_one()
        over = connection.execute(
            text(
                "SELECT count(*) FROM (SELECT delegation_id FROM participant "
                "GROUP BY delegation_id HAVING count(*) > :quota) AS over_quota"
            ),
            {"quota": QUOTA},
        ).scalar_one()
    engine.dispose()
    return stored, over


def database_cpu(url: str) -> float:
    """CPU seconds used so far by the PostgreSQL server's processes (its postmaster and
    every backend, found from a backend's parent); 0 on SQLite or without /proc."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    from app.db import is_sqlite

    if is_sqlite(url) or not Path("/proc").exists():
        return 0.0

    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        backend = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        try:
            stat = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # a server on another host or in another container
            return 0.0
    engine.dispose()
    return process_tree_cpu(int(stat[1]))  # the backend's parent: the postmaster


def mixed_burst(url: str, folder: str, rounds: int) -> None:
    """The mixed burst of every kind of write against three workers; prints one line."""
    from collections import Counter

    from app import migrate
    from tests import write_burst
    from tests.served_app import served_app

    migrate.upgrade(url)
    scenario = write_burst.prepare(url, rounds=rounds)
    before = write_burst.stored_state(url, scenario)
    answers: list = []
    timings: list[float] = []
    with served_app(url, Path(folder), workers=3, log_level="WARNING") as (_, base_url):
        for round_number in range(rounds):
            answers += write_burst.fire_round(base_url, scenario, round_number, timings)
    exact = write_burst.stored_state(url, scenario) == write_burst.expected_state(before, answers)
    server_errors = sum(1 for answer in answers if answer.status >= 500)
    refused = Counter(
        answer.kind for answer in answers if not answer.acknowledged and answer.status < 500
    )
    print(
        f"mixed burst: {len(answers)} writes in {rounds} rounds of 100, "
        f"{len(answers) / sum(timings):.0f} writes/s (each round {min(timings):.2f} to "
        f"{max(timings):.2f} s from release to last answer), 5xx: {server_errors}, "
        f"refused by a rule: {dict(refused) or 0}, database holds exactly the acknowledged "
        f"writes: {'yes' if exact else 'NO'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--delegations", type=int, default=120)
    parser.add_argument("--readers", type=int, default=8, help="anonymous public readers")
    parser.add_argument("--postgres", action="store_true", help="use TEST_DATABASE_URL's server")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the mixed burst (0: none)")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    args = parser.parse_args()
    with ExitStack() as stack:
        folder = stack.enter_context(tempfile.TemporaryDirectory())
        if args.postgres:
            from tests.database import scratch_database

            base = os.environ.get("TEST_DATABASE_URL")
            if not base:
                raise SystemExit("--postgres needs TEST_DATABASE_URL (run under .ci/with-postgres)")
            url = stack.enter_context(scratch_database(base))
        else:
            url = f"sqlite:///{folder}/bench.db"
        demo, tokens = prepare(url, args.delegations)
        before, _ = check(url)

        def submission(serial: int) -> tuple[str, str, dict[str, str], bytes]:
            token = tokens[serial % len(tokens)]
            body = {
                "given_name": f"Bench{serial}",
                "family_name": "Focal",
                "function": "Officer",
                "role": "member",
                "email": f"bench{serial}@load.example",
            }
            headers = {"Content-Type": "application/json"}
            return (
                "POST",
                f"/api/v1/register/{token}/participants",
                headers,
                json.dumps(body).encode(),
            )

        def public_read(serial: int) -> tuple[str, str, dict[str, str], bytes]:
            path = PUBLIC_PAGES[serial % len(PUBLIC_PAGES)].format(demo=demo)
            language = LANGUAGES[serial // len(PUBLIC_PAGES) % len(LANGUAGES)]
            return ("GET", path, {"Accept-Language": language}, b"")

        env = {
            "DATABASE_URL": url,
            "MARRAKECH_ENVIRONMENT": "development",
            "MARRAKECH_LOG_LEVEL": "WARNING",
            "MARRAKECH_VAR_DIR": folder,
        }

        def own_list(serial: int) -> tuple[str, str, dict[str, str], bytes]:
            token = tokens[serial % len(tokens)]
            return ("GET", f"/api/v1/register/{token}/participants", {}, b"")

        with served("app.asgi:app", env=env, workers=args.workers) as base_url:
            # As a server that has been answering for a while: each worker has opened the
            # pooled connections that as many focal points at once need (reading their own
            # lists, which writes nothing), as bench/serving.py warms every worker up.
            warm_up = run_loads(base_url, [(own_list, args.concurrency)], seconds=1.0)[0]
            print(
                f"warm-up: {warm_up.requests} reads of the private links in 1 s, "
                f"the slowest {max(warm_up.latencies_ms, default=0):.0f} ms (a cold start)"
            )
            loads = [(submission, args.concurrency)]
            if args.readers:
                loads.append((public_read, args.readers))
            database_before = database_cpu(url)
            server_before, client_before = (
                process_tree_cpu(base_url.process.pid),
                time.process_time(),
            )
            machine_before = machine_cpu()
            result, *reads = run_loads(base_url, loads, seconds=args.seconds)
            cpu = CpuShares(
                server=process_tree_cpu(base_url.process.pid) - server_before,
                client=time.process_time() - client_before,
                machine=machine_cpu() - machine_before,
                database=database_cpu(url) - database_before,
                seconds=result.seconds,
                requests=sum(load.requests for load in (result, *reads)),
            )
        stored, over = check(url)
        database = "PostgreSQL" if args.postgres else "SQLite"
        report(database, result, reads, stored - before, over, len(tokens), args.concurrency)
        print(cpu.describe())
        goal = 200 if args.postgres else 150
        workers = f"{args.workers} worker" + ("s" if args.workers > 1 else "")
        result_line(
            f"registration burst, {database}, {workers}",
            result.rate,
            "submissions/s",
            ratio=round(result.rate / goal, 2),
            against=f"goal {goal}/s",
            p99=round(result.p99, 1),
            errors=result.errors,
            over_quota=over,
            # Acknowledged (201) but not in the database: must be 0.
            lost=max(0, result.statuses[201] - (stored - before)),
        )
        result_line(
            f"registration burst, {database}, {workers}: server CPU a request",
            cpu.per_request(cpu.server),
            "ms",
            client=round(cpu.per_request(cpu.client), 2),
            postgresql=round(cpu.per_request(cpu.database), 2),
            rest_of_machine=round(
                cpu.per_request(cpu.machine - cpu.server - cpu.client - cpu.database), 2
            ),
            cores_busy=round(cpu.machine / cpu.seconds, 2),
        )
        if args.rounds:
            if args.postgres:
                mixed_url = stack.enter_context(scratch_database(base))
            else:
                mixed_url = f"sqlite:///{folder}/mixed.db"
            mixed_burst(mixed_url, folder, args.rounds)


@dataclass
class CpuShares:
    """CPU seconds spent during the load by the server (supervisor and workers), by this
    client, and by the whole machine (the rest: the database server, other work)."""

    server: float
    client: float
    machine: float
    database: float  # PostgreSQL's processes (0 on SQLite: it runs in the server)
    seconds: float
    requests: int

    def per_request(self, seconds: float) -> float:
        return 1000 * seconds / max(1, self.requests)

    def describe(self) -> str:
        rest = self.machine - self.server - self.client - self.database
        return (
            f"CPU a request: server {self.per_request(self.server):.2f} ms, client "
            f"{self.per_request(self.client):.2f} ms, PostgreSQL "
            f"{self.per_request(self.database):.2f} ms, rest of the machine (other work) "
            f"{self.per_request(rest):.2f} ms; cores busy {self.machine / self.seconds:.2f} "
            f"of {os.cpu_count()}"
        )


def report(database, result, reads, stored, over, delegations, concurrency) -> None:  # noqa: ANN001
    """The focal-point load's table."""
    print(
        f"{'database':<12} {'submissions/s':>14} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'errors':>7} {'stored':>7} {'over quota':>10}"
    )
    print(
        f"{database:<12} {result.rate:14.0f} {result.p50:8.1f} {result.p99:8.1f} "
        f"{result.errors:>7} {stored:>7} {over:>10}"
    )
    refused = result.requests - result.errors - stored
    print(
        f"({result.requests} submissions from {concurrency} simultaneous focal points on "
        f"{delegations} delegations, quota {QUOTA}; {refused} refused by a rule with a 4xx)"
    )
    for read in reads:
        print(
            f"public reads meanwhile: {read.rate:.0f}/s, p50 {read.p50:.1f} ms, "
            f"{read.cache_hits} of {read.requests} from the cache "
            f"({100 * read.cache_hits / max(1, read.requests):.0f}% hits, "
            f"{read.requests - read.cache_hits} misses), {read.errors} server errors"
        )


if __name__ == "__main__":
    main()
