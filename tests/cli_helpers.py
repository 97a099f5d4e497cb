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


def run(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [MARRAKECH, *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


@contextmanager
def migrated_database() -> Iterator[str]:
    with scratch_database() as url:
        migrate.upgrade(url)
        yield url
