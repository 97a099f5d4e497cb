"""A served application on its own seeded database and one headless Chromium (Debian's,
driven by Playwright) for the browser tests; skipped, saying why, where no Chromium is
installed."""

import os
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
        with served_app(url, Path(var_dir)) as (_process, base_url):
            yield Site(chromium, base_url, screenshots, Path(var_dir), url)
