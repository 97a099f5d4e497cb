"""A small closed-loop HTTP/1.1 load generator on asyncio streams (keep-alive, no client
library in the hot path), and helpers to serve an app with uvicorn for a benchmark.

Loads only loopback addresses, with bounded concurrency, duration and request count.
"""

import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = ("127.0.0.1", "localhost", "::1")
MAX_REQUESTS = 200_000


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    cache_hits: int = 0  # responses saying X-Cache: hit (the public response cache)
    statuses: Counter = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")

    @property
    def p99(self) -> float:
        return self.percentile(0.99)


RequestFactory = Callable[[int], tuple[str, str, dict[str, str], bytes]]


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    length = 0
    chunked = False
    hit = False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.lower() == "x-cache":
            hit = value.strip().lower() == "hit"
        elif name.lower() == "content-length":
            length = int(value.strip())
        elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status, hit


async def _worker(
    base: str, make_request: RequestFactory, deadline: float, counter: list[int], result: LoadResult
) -> None:
    parts = urlsplit(base)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < deadline and counter[0] < MAX_REQUESTS:
            serial = counter[0]
            counter[0] += 1
            method, path, headers, body = make_request(serial)
            header_text = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
            request = (
                f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{header_text}"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode() + body
            started = time.perf_counter()
            writer.write(request)
            await writer.drain()
            try:
                status, hit = await _read_response(reader)
            except (asyncio.IncompleteReadError, ConnectionError):
                result.errors += 1
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
                continue
            result.latencies_ms.append((time.perf_counter() - started) * 1000)
            result.requests += 1
            result.cache_hits += hit
            result.statuses[status] += 1
            if status >= 500:
                result.errors += 1
    finally:
        writer.close()


def run_load(
    base: str, make_request: RequestFactory, *, concurrency: int = 16, seconds: float = 5.0
) -> LoadResult:
    """Drive ``concurrency`` keep-alive connections for ``seconds`` against a loopback URL."""
    return run_loads(base, [(make_request, concurrency)], seconds=seconds)[0]


def run_loads(
    base: str, loads: list[tuple[RequestFactory, int]], *, seconds: float = 5.0
) -> list[LoadResult]:
    """Several loads at once (e.g. writers and readers), each with its own connections and
    its own result."""
    host = urlsplit(base).hostname
    if host not in LOOPBACK:
        raise SystemExit(f"refusing to load a non-loopback address: {host}")
    seconds = max(0.5, min(seconds, 120.0))
    results = [LoadResult(0, 0, 0.0, []) for _ in loads]

    async def main() -> None:
        counter = [0]
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(
            *(
                _worker(base, make_request, deadline, counter, result)
                for (make_request, concurrency), result in zip(loads, results, strict=True)
                for _ in range(max(1, min(concurrency, 256)))
            )
        )
        for result in results:
            result.seconds = time.perf_counter() - started

    asyncio.run(main())
    return results


def get(path: str) -> RequestFactory:
    return lambda _serial: ("GET", path, {}, b"")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Served(str):
    """The base URL of a served app, and the server's process (for its CPU time)."""

    process: subprocess.Popen


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with suppress(OSError):
            found += [int(child) for child in (task / "children").read_text().split()]
    return found


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user and system) used so far by a process and its living descendants
    (the server's supervisor and its workers), from /proc; 0 where there is no /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
        pending += _children(current)
    return total


def wait_until_idle(pid: int, *, timeout: float = 120.0) -> None:
    """Wait until the server has finished what it does after it starts listening (the PDF
    renderer's warm-up in the background), so that a measurement sees requests, not
    start-up: a figure measured meanwhile read a third of its rate."""
    deadline = time.monotonic() + timeout
    used = process_tree_cpu(pid)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = process_tree_cpu(pid)
        if now - used < 0.05:  # under a tenth of a core
            return
        used = now


def machine_cpu() -> float:
    """CPU seconds every core of the machine spent busy so far (/proc/stat), for the share
    of a run that went to neither the client nor the server (the database, other work)."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    except OSError:
        return 0.0
    idle = values[3] + values[4]  # idle, iowait
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def result_line(name: str, value: float, unit: str, **extra: object) -> None:
    """One machine-readable figure on standard output (``BENCH {json}``), which
    ``bench/run.py`` collects from every script; ``ratio`` and ``against`` say what it is
    compared with (a bare endpoint or a baseline measured in the same run, or a goal)."""
    print("BENCH " + json.dumps({"name": name, "value": round(value, 2), "unit": unit, **extra}))


@contextmanager
def served(
    app_path: str,
    *,
    env: dict[str, str] | None = None,
    factory: bool = False,
    workers: int = 1,
) -> Iterator[Served]:
    """Serve an ASGI app on a free loopback port as ``marrakech serve`` does (uvloop,
    httptools, one SO_REUSEPORT socket per worker; app/serving.py)."""
    port = free_port()
    code = (
        "import sys; from app import serving; "
        "serving.serve(serving.server_config('127.0.0.1', int(sys.argv[2]), int(sys.argv[3]), "
        "app=sys.argv[1], log_level='warning', factory=sys.argv[4] == '1'))"
    )
    command = [sys.executable, "-c", code, app_path, str(port), str(workers), str(int(factory))]
    environment = {**os.environ, **(env or {})}
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT), str(ROOT / "bench"), environment.get("PYTHONPATH")])
    )
    process = subprocess.Popen(command, cwd=ROOT, env=environment)
    base = Served(f"http://127.0.0.1:{port}")
    base.process = process
    try:
        deadline = time.monotonic() + 180  # a busy machine may take long to import the app
        while True:
            if _every_worker_answers(port, workers):
                break
            if process.poll() is not None:
                raise SystemExit(f"server for {app_path} exited") from None
            if time.monotonic() > deadline:
                raise SystemExit(f"server for {app_path} did not start") from None
            time.sleep(0.1)
        wait_until_idle(process.pid)
        yield base
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _every_worker_answers(port: int, workers: int) -> bool:
    """Whether the port is answered, and by as many listening sockets as workers (each
    worker listens once its application is loaded)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            pass
    except OSError:
        return False
    if workers == 1 or not Path("/proc/net/tcp").exists():
        return True
    listening = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "0A" and int(fields[1].split(":")[1], 16) == port:
            listening += 1
    return listening >= workers
