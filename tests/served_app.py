"""The application served by uvicorn in its own process, on a real database, for the tests
that need real concurrency, real commits and a process that can be killed."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families
from sqlmodel import Session

from app.audit.service import COMMAND_LINE
from app.config import ROOT_DIR
from app.db import build_engine
from app.delegations import invitations
from app.delegations.models import Delegation, RegistrationSettings
from app.editions.models import Edition, EditionKind, EditionStatus
from app.entities.models import Entity, EntityType
from tests.factories import free_port


def add_open_edition(
    db_session: Session, *, slug: str, title: str, quota: int, requests_open: bool = False
) -> Edition:
    """An edition of June 2027 whose registration opened yesterday and closes tomorrow."""
    edition = Edition(
        slug=slug,
        kind=EditionKind.session,
        year=2027,
        title_en=title,
        city_en="Rabat",
        start_date=date(2027, 6, 2),
        end_date=date(2027, 6, 3),
        status=EditionStatus.registration_open,
    )
    db_session.add(edition)
    db_session.flush()
    now = datetime.now(UTC)
    db_session.add(
        RegistrationSettings(
            edition_id=edition.id,
            opens_at=now - timedelta(days=1),
            deadline_at=now + timedelta(days=1),
            default_quota=quota,
            requests_open=requests_open,
        )
    )
    db_session.commit()
    return edition


def open_edition(url: str, delegations: int, quota: int = 500) -> list[str]:
    """An edition open for registration; the private link of each delegation."""
    engine = build_engine(url)
    tokens = []
    with Session(engine, expire_on_commit=False) as db_session:
        edition = add_open_edition(db_session, slug="durability", title="Durability", quota=quota)
        for index in range(delegations):
            entity = Entity(
                code=f"D{index}",
                entity_type=EntityType.member_state,
                name_en=f"State {index}",
                name_fr=f"État {index}",
                name_ar=f"دولة {index}",
            )
            db_session.add(entity)
            db_session.flush()
            delegation = Delegation(edition_id=edition.id, entity_id=entity.id)
            db_session.add(delegation)
            db_session.commit()
            link = invitations.reissue_link(
                db_session,
                edition=edition,
                delegation=delegation,
                entity=entity,
                actor=COMMAND_LINE,
            )
            tokens.append(link.rsplit("/", 1)[1])
    engine.dispose()
    return tokens


@contextmanager
def served_app(
    url: str,
    var_dir: Path,
    *,
    workers: int = 1,
    log_file: Path | None = None,
    log_level: str = "INFO",
    log_format: str = "text",
) -> Iterator[tuple[subprocess.Popen, str]]:
    """The application served by uvicorn in its own process, as in production. With a
    ``log_file``, everything the processes print goes there (uvicorn's access log included,
    as plain ``uvicorn app.asgi:app`` has it); otherwise it is thrown away."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "MARRAKECH_ENVIRONMENT": "development",
        "MARRAKECH_VAR_DIR": str(var_dir),
        "MARRAKECH_LOG_LEVEL": log_level,
        "MARRAKECH_LOG_FORMAT": log_format,
        "MARRAKECH_PDF_BACKGROUND": "true",
    }
    # Workers import the application from bytecode, written once, as on a server: compiling
    # every library from source in each of several workers at once takes minutes.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    command = [sys.executable, "-m", "uvicorn", "app.asgi:app", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", str(workers)]
    command += ["--log-level", log_level.lower()]
    output = open(log_file, "ab") if log_file else subprocess.DEVNULL  # noqa: SIM115
    if log_file is None:
        command.append("--no-access-log")
    process = subprocess.Popen(
        command, cwd=ROOT_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, "the server did not start"
            assert time.monotonic() < deadline, "the server did not answer within two minutes"
            time.sleep(0.1)
        yield process, base_url
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)
        if log_file:
            output.close()


def scraped(base_url: str, token: str, name: str, **labels: str) -> float:
    """A sample of ``/metrics`` as the scraper reads it, summed over the other labels."""
    response = httpx.get(f"{base_url}/metrics", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    return sum(
        sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
        if sample.name == name and labels.items() <= sample.labels.items()
    )
