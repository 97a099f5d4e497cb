"""``marrakech serve`` as the image runs it: JSON log lines with the request id, and
``/metrics`` adding up every worker of the server (prometheus_client's multiprocess mode)."""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import httpx

from app.config import ROOT_DIR
from tests.cli_helpers import MARRAKECH, migrated_database, viewer_token
from tests.factories import free_port
from tests.served_app import scraped

REQUESTS = 20
PRIVATE_LINK = "/register/" + "Zq3" * 10


def _wait_ready(base_url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 180
    while True:
        try:
            if httpx.get(f"{base_url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert process.poll() is None, "the server did not start"
        assert time.monotonic() < deadline, "the server did not answer within three minutes"
        time.sleep(0.2)


def test_two_workers_log_json_lines_and_share_their_metrics(tmp_path: Path) -> None:
    log_file = tmp_path / "server.log"
    with migrated_database() as url:
        env = {
            **{k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"},
            "DATABASE_URL": url,
            "MARRAKECH_VAR_DIR": str(tmp_path),
            "MARRAKECH_LOG_FORMAT": "json",
            "MARRAKECH_WEB_WORKERS": "2",
            "MARRAKECH_WEB_PORT": str(free_port()),
        }
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # two workers import from bytecode
        token = viewer_token(url)
        base_url = f"http://127.0.0.1:{env['MARRAKECH_WEB_PORT']}"
        with open(log_file, "wb") as output:
            server = subprocess.Popen(
                [MARRAKECH, "serve"], cwd=ROOT_DIR, env=env, stdout=output, stderr=output
            )
            try:
                _wait_ready(base_url, server)
                for n in range(REQUESTS):  # a new connection each: both workers answer
                    response = httpx.get(
                        f"{base_url}/livez", headers={"X-Request-ID": f"probe-{n}"}
                    )
                    assert response.headers["x-request-id"] == f"probe-{n}"
                assert httpx.get(f"{base_url}{PRIVATE_LINK}").status_code == 404
                counts = [
                    scraped(base_url, token, "marrakech_http_requests_total", route="/livez")
                    for _ in range(4)
                ]
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=60)
            finally:
                if server.poll() is None:
                    server.kill()
                    server.wait()
    assert server.returncode == 0
    # Whichever worker answers, /metrics counts the requests of both.
    assert counts == [REQUESTS] * 4

    lines = log_file.read_text().splitlines()
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= entry.keys() for entry in entries)
    assert any(entry["logger"].startswith("uvicorn") for entry in entries)
    requests = {e.get("request_id"): e for e in entries if e["logger"] == "marrakech.requests"}
    for n in range(REQUESTS):
        entry = requests[f"probe-{n}"]
        assert (entry["method"], entry["route"], entry["status"]) == ("GET", "/livez", 200)
        assert isinstance(entry["duration_ms"], float)
    assert any(e.get("route") == "/register/{token}" and e["status"] == 404 for e in entries)
    assert PRIVATE_LINK not in log_file.read_text()
    assert token not in log_file.read_text()
