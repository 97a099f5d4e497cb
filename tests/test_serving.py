"""`marrakech serve --workers 2`: each worker listens on its own socket (SO_REUSEPORT), so
the kernel spreads connections over them; a worker killed is replaced with its socket."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.database import scratch_database
from tests.factories import free_port

MARRAKECH = str(Path(sys.executable).with_name("marrakech"))
LISTEN = "0A"

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads the kernel's socket table in /proc"
)


def _listening_inodes(port: int) -> set[str]:
    """The inodes of the sockets listening on the port (IPv4)."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, state, inode = fields[1], fields[3], fields[9]
        if state == LISTEN and int(local.split(":")[1], 16) == port:
            inodes.add(inode)
    return inodes


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    folder = Path(f"/proc/{pid}/fd")
    for fd in folder.iterdir() if folder.exists() else ():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    return inodes


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _owners(port: int, supervisor: int) -> dict[int, set[str]]:
    """Which processes (the supervisor or its workers) hold the listening sockets."""
    listening = _listening_inodes(port)
    return {
        pid: held
        for pid in [supervisor, *_children(supervisor)]
        if (held := _socket_inodes(pid) & listening)
    }


def _wait_until(condition, timeout: float = 90.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


@pytest.fixture
def served_two_workers() -> Iterator[tuple[subprocess.Popen, int]]:
    with scratch_database() as url:
        env = {**os.environ, "DATABASE_URL": url, "MARRAKECH_ENVIRONMENT": "development"}
        subprocess.run([MARRAKECH, "db", "upgrade"], env=env, check=True, capture_output=True)
        port = free_port()
        server = subprocess.Popen(
            [MARRAKECH, "serve", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            yield server, port
        finally:
            server.terminate()
            server.wait(timeout=60)


def _answers(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/livez").status_code == 200
    except httpx.TransportError:
        return False


def test_each_worker_listens_on_its_own_socket_and_a_dead_one_is_replaced(
    served_two_workers: tuple[subprocess.Popen, int],
) -> None:
    server, port = served_two_workers
    _wait_until(lambda: len(_owners(port, server.pid)) == 2 and _answers(port))
    owners = _owners(port, server.pid)
    assert server.pid not in owners  # the supervisor keeps no socket that nobody accepts on
    assert all(len(held) == 1 for held in owners.values())
    assert len(_listening_inodes(port)) == 2

    victim = next(iter(owners))
    os.kill(victim, signal.SIGKILL)
    _wait_until(lambda: victim not in _owners(port, server.pid))
    _wait_until(lambda: len(_owners(port, server.pid)) == 2 and _answers(port))
    owners = _owners(port, server.pid)
    assert server.pid not in owners and victim not in owners
    # The dead worker's socket is gone with it: no listener is left that nobody accepts on.
    assert len(_listening_inodes(port)) == 2
    # Every new connection is answered.
    for _ in range(20):
        with httpx.Client() as http:
            assert http.get(f"http://127.0.0.1:{port}/livez").json() == {"status": "ok"}
