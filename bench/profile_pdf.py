"""Where the printed outputs spend their time and memory.

    python bench/profile_pdf.py [--runs 5] [--participants 400] [--profile] [--no-served]

Builds a fresh SQLite database with the demo edition's 40-item agenda (Rev.0) and an
edition of --participants accredited participants (a third with Arabic names), then, in
this process:
- renders the agenda PDF in English, French and Arabic --runs times each (every run a first
  rendering: nothing is cached) and prints the median, as a ratio to the goal (350 ms);
- renders the badges (goal 2 s) and the list of participants (goal 1 s) --runs times and
  prints the median; the list through its route (an organiser signed in), as people get it;
- with --profile, runs each once under pyinstrument and prints the five functions with the
  most time of their own (time spent in the function itself, not in what it calls).
Then it serves the same database with ``marrakech serve --workers 1``, asks for the agenda
PDF in the three languages (first rendering over HTTP), then 20 times more each (the stored
copy: p50, goal under 10 ms), and reads the worker's resident memory from /proc (goal under
150 MB a worker). Every figure is also printed as a ``BENCH {json}`` line (bench/run.py).
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from badges import build  # noqa: E402
from load import ROOT, free_port, result_line  # noqa: E402
from sqlmodel import Session  # noqa: E402

from app import migrate  # noqa: E402
from app.agenda import pdf as agenda_pdf  # noqa: E402
from app.agenda import publishing  # noqa: E402
from app.agenda.demo import add_demo_agenda  # noqa: E402
from app.agenda.presenters import agenda_view  # noqa: E402
from app.audit.service import COMMAND_LINE  # noqa: E402
from app.auth.models import Role  # noqa: E402
from app.auth.service import create_account  # noqa: E402
from app.badges import pdf as badges_pdf  # noqa: E402
from app.badges import service as badges_service  # noqa: E402
from app.db import build_engine  # noqa: E402
from app.editions.models import Edition, EditionKind, EditionStatus  # noqa: E402

LANGUAGES = ("en", "fr", "ar")
SLUG = "bench-demo"
EMAIL, PASSWORD = "bench@organiser.example", "a bench password, long enough"
AGENDA_GOAL_MS, BADGES_GOAL_MS, LIST_GOAL_MS = 350, 2000, 1000
REPEATED_GOAL_MS, WORKER_GOAL_MB = 10, 150


def resident_mb(pid: int | str = "self") -> float:
    """The resident set size of a process now, in MB (from /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def demo_edition(db_session: Session) -> Edition:
    edition = Edition(
        slug=SLUG,
        kind=EditionKind.session,
        number=900,
        year=2027,
        title_en="Demo edition",
        title_fr="Édition de démonstration",
        title_ar="دورة تجريبية",
        city_en="Rabat",
        city_ar="الرباط",
        start_date=date(2027, 6, 2),
        end_date=date(2027, 6, 3),
        status=EditionStatus.announced,
        is_demo=True,
    )
    db_session.add(edition)
    db_session.commit()
    add_demo_agenda(db_session, edition=edition, actor=COMMAND_LINE)
    return edition


def organiser_client(url: str):  # noqa: ANN201 - starlette's TestClient, imported late
    """The application in process (no lifespan: nothing preloaded) with an organiser signed
    in through the sign-in form."""
    os.environ["DATABASE_URL"] = url
    from fastapi.testclient import TestClient

    from app.config import get_settings
    from app.main import create_app

    get_settings.cache_clear()
    base_url = os.environ.setdefault("MARRAKECH_BASE_URL", "http://testserver")
    client = TestClient(create_app(), base_url=base_url)
    page = client.get("/admin/sign-in").text
    assert "csrf_token" in page, page[:300]
    marker = 'name="csrf_token" value="'
    start = page.index(marker) + len(marker)
    token = page[start : page.index('"', start)]
    form = {"email": EMAIL, "password": PASSWORD, "csrf_token": token, "next": "/admin"}
    response = client.post("/admin/sign-in", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    return client


def targets(url: str, participants: int) -> dict[str, tuple[Callable[[], bytes], float]]:
    """What to render: each a function giving the PDF's bytes, and its goal in ms."""
    engine = build_engine(url)
    with Session(engine, expire_on_commit=False) as db_session:
        demo = demo_edition(db_session)
        revision = publishing.latest_revision(db_session, edition=demo)
        assert revision is not None
        views = {
            language: agenda_view(demo, revision, language, latest_number=revision.number)
            for language in LANGUAGES
        }
        edition = build(db_session, participants)
        rows = badges_service.list_badges(db_session, edition=edition)
        create_account(
            db_session, email=EMAIL, password=PASSWORD, role=Role.organiser, actor=COMMAND_LINE
        )
    engine.dispose()
    client = organiser_client(url)
    list_path = f"/admin/editions/{edition.slug}/participants.pdf"

    def list_pdf() -> bytes:
        response = client.get(list_path)
        assert response.headers["content-type"] == "application/pdf", response.text[:300]
        return response.content

    found: dict[str, tuple[Callable[[], bytes], float]] = {
        f"agenda PDF first rendering ({language})": (
            lambda view=view: agenda_pdf.render_agenda_pdf(view),
            AGENDA_GOAL_MS,
        )
        for language, view in views.items()
    }
    found[f"badges PDF ({participants})"] = (
        lambda: badges_pdf.badges_pdf(edition, rows, "en"),
        BADGES_GOAL_MS,
    )
    found[f"list of participants PDF ({participants})"] = (list_pdf, LIST_GOAL_MS)
    return found


def top_costs(render: Callable[[], bytes], count: int = 5) -> list[tuple[str, float]]:
    """The functions with the most time of their own during one rendering."""
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.001)
    profiler.start()
    render()
    session = profiler.stop()
    own: Counter[str] = Counter()

    def walk(frame) -> None:  # noqa: ANN001 - pyinstrument's frame
        children = [child for child in frame.children if not child.is_synthetic]
        path = Path(frame.file_path or "?")
        name = f"{path.parent.name}/{path.stem}.{frame.function}"
        own[name] += frame.time - sum(child.time for child in children)
        for child in children:
            walk(child)

    root = session.root_frame()
    if root is not None:
        walk(root)
    return own.most_common(count)


def in_process(found: dict[str, tuple[Callable[[], bytes], float]], runs: int) -> None:
    print(f"resident memory of this process before rendering: {resident_mb():.0f} MB")
    for name, (render, goal) in found.items():
        render()  # the process's first rendering loads fonts and styles
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            content = render()
            times.append((time.perf_counter() - started) * 1000)
        median = statistics.median(times)
        print(
            f"{name:<42} median {median:7.0f} ms  min {min(times):7.0f} ms  "
            f"{len(content) // 1024:5d} KiB"
        )
        result_line(
            f"{name}, median",
            median,
            "ms",
            ratio=round(median / goal, 2),
            against=f"goal {goal:,} ms",
            runs=runs,
            min=round(min(times)),
        )
    print(f"resident memory of this process after every PDF: {resident_mb():.0f} MB")


def timed_get(url: str) -> tuple[float, bytes]:
    started = time.perf_counter()
    with urllib.request.urlopen(url) as response:  # noqa: S310 - loopback only
        body = response.read()
    return (time.perf_counter() - started) * 1000, body


def served_worker(url: str) -> None:
    """Serve the database as in production (one worker), ask for the agenda PDFs, read the
    worker's resident memory."""
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "MARRAKECH_ENVIRONMENT": "development",
        "MARRAKECH_LOG_LEVEL": "WARNING",
    }
    marrakech = Path(sys.executable).with_name("marrakech")
    command = [str(marrakech), "serve", "--port", str(port), "--workers", "1"]
    server = subprocess.Popen(command, cwd=ROOT, env=environment)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                timed_get(f"{base}/healthz")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("marrakech serve did not start") from None
                time.sleep(0.2)
        time.sleep(3)  # the worker compiles a first Typst document in the background after starting
        started_mb = resident_mb(server.pid)
        repeats: list[float] = []
        for language in LANGUAGES:
            pdf = f"{base}/editions/{SLUG}/agenda.pdf?lang={language}"
            first, body = timed_get(pdf)
            repeated = [timed_get(pdf)[0] for _ in range(20)]
            repeats += repeated
            print(
                f"served agenda PDF ({language}, {len(body) // 1024} KiB): first {first:5.0f} ms, "
                f"then p50 {statistics.median(repeated):5.1f} ms"
            )
            result_line(f"agenda PDF first rendering ({language}), served", first, "ms")
        p50 = statistics.median(repeats)
        result_line(
            "agenda PDF repeated request, served, p50",
            p50,
            "ms",
            ratio=round(p50 / REPEATED_GOAL_MS, 2),
            against=f"goal {REPEATED_GOAL_MS} ms",
            requests=len(repeats),
        )
        worker_mb = resident_mb(server.pid)
        print(f"worker resident memory: {started_mb:.0f} MB started, {worker_mb:.0f} MB after PDFs")
        result_line(
            "served worker memory after the agenda PDF in 3 languages",
            worker_mb,
            "MB",
            ratio=round(worker_mb / WORKER_GOAL_MB, 2),
            against=f"goal {WORKER_GOAL_MB} MB",
            started=round(started_mb),
        )
    finally:
        server.terminate()
        server.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--participants", type=int, default=400)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--no-served", action="store_true", help="only the in-process figures")
    parser.add_argument("--only", help="only the PDFs whose name contains this (e.g. agenda)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        migrate.upgrade(url)
        found = targets(url, args.participants)
        if args.only:
            found = {name: target for name, target in found.items() if args.only in name}
        in_process(found, args.runs)
        if args.profile:
            for name, (render, _goal) in found.items():
                if name.startswith("list"):
                    print(f"\n{name}: not profiled (the app renders it in another thread)")
                    continue
                print(f"\n{name}: top five costs (own time)")
                for function, seconds in top_costs(render):
                    print(f"  {seconds * 1000:7.0f} ms  {function}")
        if not args.no_served:
            served_worker(url)


if __name__ == "__main__":
    main()
