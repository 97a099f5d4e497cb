"""Time the badges PDF, check-in and the statistics of an edition, in process.

    python bench/badges.py [--participants 400] [--database-url URL]

Builds an edition on a fresh SQLite database (or --database-url, which must be empty) with
the participants accredited across delegations of ten, then prints the time to render every
badge as a PDF, the mean time of a check-in (one badge after another, each its own
transaction) and the time of the statistics queries.
"""

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import Session, select  # noqa: E402

from app import migrate  # noqa: E402
from app.audit.service import SYSTEM  # noqa: E402
from app.badges import pdf as badges_pdf  # noqa: E402
from app.badges import service as badges_service  # noqa: E402
from app.db import build_engine  # noqa: E402
from app.delegations.models import Delegation, Participant, ParticipantStatus  # noqa: E402
from app.editions.models import Edition, EditionKind, EditionStatus  # noqa: E402
from app.entities.models import Entity, EntityType  # noqa: E402
from app.statistics import service as statistics_service  # noqa: E402


def build(db_session: Session, participants: int) -> Edition:
    edition = Edition(
        slug="bench-badges",
        kind=EditionKind.session,
        year=2027,
        title_en="Bench",
        city_en="Rabat",
        start_date=date(2027, 6, 2),
        end_date=date(2027, 6, 3),
        status=EditionStatus.registration_open,
    )
    db_session.add(edition)
    db_session.flush()
    for number in range(-(-participants // 10)):
        entity = Entity(
            code=f"B{number}",
            entity_type=EntityType.member_state,
            name_en=f"State {number}",
            name_fr=f"État {number}",
            name_ar=f"دولة {number}",
        )
        db_session.add(entity)
        db_session.flush()
        delegation = Delegation(edition_id=edition.id, entity_id=entity.id)
        db_session.add(delegation)
        db_session.flush()
        for index in range(min(10, participants - number * 10)):
            email = f"p{number}-{index}@agency.example"
            db_session.add(
                Participant(
                    delegation_id=delegation.id,
                    edition_id=edition.id,
                    given_name="يوسف" if index % 3 == 0 else f"Given{index}",
                    family_name=f"Family{number}",
                    function="Director",
                    role="head" if index == 0 else "member",
                    email=email,
                    email_normalized=email,
                    status=ParticipantStatus.accredited,
                )
            )
    db_session.commit()
    return edition


def pdf_of_badges(db_session: Session, edition: Edition) -> bytes:
    rows = badges_service.list_badges(db_session, edition=edition)
    return badges_pdf.badges_pdf(edition, rows, "en")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=400)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.db"
        migrate.upgrade(url)
        engine = build_engine(url)
        with Session(engine, expire_on_commit=False) as db_session:
            edition = build(db_session, args.participants)
            started = time.perf_counter()
            pdf = pdf_of_badges(db_session, edition)
            pdf_seconds = time.perf_counter() - started
            people = db_session.exec(select(Participant)).all()
            codes = [badges_service.badge_code(person) for person in people]
            started = time.perf_counter()
            for code in codes:
                badges_service.check_in(db_session, edition=edition, code=code, actor=SYSTEM)
            check_in_ms = (time.perf_counter() - started) * 1000 / len(codes)
            started = time.perf_counter()
            statistics_service.edition_statistics(db_session, edition=edition)
            statistics_ms = (time.perf_counter() - started) * 1000
        engine.dispose()
    print(f"participants            {args.participants}")
    print(f"badges PDF              {pdf_seconds:.1f} s, {len(pdf) // 1024} KiB")
    print(f"check-in (mean)         {check_in_ms:.1f} ms")
    print(f"statistics queries      {statistics_ms:.1f} ms")


if __name__ == "__main__":
    main()
