"""A served application on its own seeded database and one headless Chromium (Debian's,
driven by Playwright) for the browser tests; skipped, saying why, where no Chromium is
installed."""

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

from app import migrate
from app.audit.service import COMMAND_LINE
from app.auth import service as auth_service
from app.auth.models import Role
from app.db import build_engine
from app.history.seeding import seed_all
from tests.browser.walk import Site
from tests.database import scratch_database
from tests.served_app import served_app

ADMIN_EMAIL = "organiser@unoct.example"
ADMIN_PASSWORD = "a long organiser password"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


def chromium_path() -> str | None:
    """``CHROMIUM`` if set, else the ``chromium`` on the PATH (Debian's package)."""
    return (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )


@pytest.fixture(scope="session")
def chromium():  # noqa: ANN201
    executable = chromium_path()
    if not executable:
        pytest.skip(
            "no Chromium found for the browser tests: install it (Debian: apt-get install "
            "chromium) or point CHROMIUM at one"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=["--no-sandbox", "--disable-gpu"]
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where each step's screenshot goes (``MARRAKECH_SCREENSHOTS``, else var/screenshots)."""
    from app.config import ROOT_DIR

    folder = Path(os.environ.get("MARRAKECH_SCREENSHOTS") or ROOT_DIR / "var" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def site(chromium, screenshots) -> Iterator[Site]:  # noqa: ANN001
    """The application served on a database of its own, with the history and an admin."""
    with (
        scratch_database() as url,
        tempfile.TemporaryDirectory(prefix="marrakech-browser-") as var_dir,
    ):
        migrate.upgrade(url)
        engine = build_engine(url)
        with Session(engine) as db_session:
            seed_all(db_session)
            auth_service.create_account(
                db_session,
                email=ADMIN_EMAIL,
                password=ADMIN_PASSWORD,
                role=Role.admin,
                actor=COMMAND_LINE,
            )
        engine.dispose()
        log_file = Path(var_dir) / "server.log"
        with served_app(url, Path(var_dir), log_file=log_file, log_format="json") as (
            _process,
            base_url,
        ):
            yield Site(chromium, base_url, screenshots, Path(var_dir), url)
        log = log_file.read_text("utf-8", errors="replace")
        # Kept beside the screenshots (one file a test worker), for reading after the run.
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        (screenshots / f"server-log-{worker}.jsonl").write_text(log, "utf-8")
        check_server_log(log)


# What must never be in the server's log of the journeys: anyone's email, a private link,
# the names people typed, and tracebacks (the journeys' mistakes are client errors, 4xx).
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PRIVATE_LINK = re.compile(r"/register/[A-Za-z0-9_-]{20,}")
NAMES = ("Amina", "Odhiambo", "Otieno", "Mwangi", "Aïssata", "Diallo", "محمد", "العلمي")


def check_server_log(log: str) -> None:
    lines = log.splitlines()
    assert any('"route"' in line for line in lines), "no request was logged"
    assert [line for line in lines if EMAIL.search(line)] == []
    assert [line for line in lines if PRIVATE_LINK.search(line)] == []
    assert [line for line in lines if any(name in line for name in NAMES)] == []
    assert [line for line in lines if "Traceback" in line or '"exception"' in line] == []
    assert [line for line in lines if '"status": 5' in line] == []
