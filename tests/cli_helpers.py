"""Running the ``marrakech`` command against a throwaway database."""

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app import migrate
from tests.database import scratch_database

MARRAKECH = str(Path(sys.executable).with_name("marrakech"))


def run(database_url: str, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [MARRAKECH, *args],
        input=input,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def viewer_token(database_url: str) -> str:
    """A bearer token of a viewer account, as an operator makes one for the metrics scraper."""
    email = "scraper@unoct.example"
    password = "a long enough scraper password\n"
    created = run(
        database_url,
        "create-organizer",
        email,
        "--role",
        "viewer",
        "--password-stdin",
        input=password,
    )
    assert created.returncode == 0, created.stderr
    token = run(database_url, "create-token", email, "--label", "prometheus")
    assert token.returncode == 0, token.stderr
    return token.stdout.strip()


@contextmanager
def migrated_database() -> Iterator[str]:
    with scratch_database() as url:
        migrate.upgrade(url)
        yield url
