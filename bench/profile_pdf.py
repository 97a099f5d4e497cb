"""Where the printed outputs spend their time and memory, in process.

    python bench/profile_pdf.py [--runs 5] [--participants 400] [--profile]

Builds a fresh SQLite database with the demo edition's 40-item agenda (Rev.0) and an
edition of --participants accredited participants (a third with Arabic names), then:
- renders the agenda PDF in English, French and Arabic --runs times each (every run a first
  rendering: nothing is cached) and prints the median;
- renders the badges and the list of participants --runs times and prints the median;
- prints the resident memory of the process after all of it (the goal: under 150 MB);
- with --profile, runs each once under pyinstrument and prints the five functions with the
  most time of their own (time spent in the function itself, not in what it calls).
"""

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from badges import build  # noqa: E402
from sqlmodel import Session  # noqa: E402

from app import migrate  # noqa: E402
from app.agenda import pdf as agenda_pdf  # noqa: E402
from app.agenda import publishing  # noqa: E402
from app.agenda.demo import add_demo_agenda  # noqa: E402
from app.agenda.presenters import agenda_view  # noqa: E402
from app.audit.service import COMMAND_LINE  # noqa: E402
from app.badges import pdf as badges_pdf  # noqa: E402
from app.badges import service as badges_service  # noqa: E402
from app.db import build_engine  # noqa: E402
from app.delegations import (
    exports,  # noqa: E402
    lists,  # noqa: E402
)
from app.editions.models import Edition, EditionKind, EditionStatus  # noqa: E402
from app.web.pdf import document_context, render_pdf  # noqa: E402
from app.web.templating import get_environment  # noqa: E402

LANGUAGES = ("en", "fr", "ar")


def resident_mb() -> float:
    """The resident set size of this process now, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def demo_edition(db_session: Session) -> Edition:
    edition = Edition(
        slug="bench-demo",
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


def list_pdf(edition: Edition, groups: list[lists.ListGroup]) -> bytes:
    """The list of participants as its route renders it (the page's links are not printed)."""
    context = {
        **document_context("en"),
        "url_for": lambda *_args, **_params: "#",
        "language_url": lambda _code: "#",
        "languages": {},
        "account": None,
        "csrf_token": "",
        "edition": edition,
        "groups": groups,
        "accredited": False,
    }
    html = get_environment().get_template("delegations/print.html").render(context)
    return render_pdf(html, extra_css=exports.PRINT_CSS)


def targets(db_session: Session, participants: int) -> dict[str, Callable[[], bytes]]:
    """What to render, each a function giving the PDF's bytes."""
    demo = demo_edition(db_session)
    revision = publishing.latest_revision(db_session, edition=demo)
    assert revision is not None
    views = {
        language: agenda_view(demo, revision, language, latest_number=revision.number)
        for language in LANGUAGES
    }
    edition = build(db_session, participants)
    rows = badges_service.list_badges(db_session, edition=edition)
    groups = lists.list_of_participants(db_session, edition=edition)
    found: dict[str, Callable[[], bytes]] = {
        f"agenda PDF ({language})": (lambda view=view: agenda_pdf.render_agenda_pdf(view))
        for language, view in views.items()
    }
    found[f"badges PDF ({participants})"] = lambda: badges_pdf.badges_pdf(edition, rows, "en")
    found[f"list of participants PDF ({participants})"] = lambda: list_pdf(edition, groups)
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
        name = f"{Path(frame.file_path or '?').stem}.{frame.function}"
        own[name] += frame.time - sum(child.time for child in children)
        for child in children:
            walk(child)

    root = session.root_frame()
    if root is not None:
        walk(root)
    return own.most_common(count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--participants", type=int, default=400)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        migrate.upgrade(url)
        engine = build_engine(url)
        with Session(engine, expire_on_commit=False) as db_session:
            found = targets(db_session, args.participants)
        engine.dispose()
    start_mb = resident_mb()
    print(f"resident memory before rendering: {start_mb:.0f} MB")
    for name, render in found.items():
        render()  # the process's first rendering loads fonts and styles
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            content = render()
            times.append((time.perf_counter() - started) * 1000)
        print(
            f"{name:<38} median {statistics.median(times):7.0f} ms  "
            f"min {min(times):7.0f} ms  {len(content) // 1024:5d} KiB"
        )
    print(f"resident memory after rendering every PDF: {resident_mb():.0f} MB")
    if args.profile:
        for name, render in found.items():
            print(f"\n{name}: top five costs (own time)")
            for function, seconds in top_costs(render):
                print(f"  {seconds * 1000:7.0f} ms  {function}")


if __name__ == "__main__":
    main()
