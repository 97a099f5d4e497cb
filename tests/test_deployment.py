"""The image and the compose file, checked without a container engine: the properties an
operator relies on (exec-form CMD and HEALTHCHECK so that SIGTERM reaches uvicorn, a numeric
non-root user, a multi-stage build from the lock file, nothing editable, no migration at
start; migrate once, two replicas, the worker, pinned images, secrets from .env), and that
the files the image copies are all the application reads."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from app.config import ROOT_DIR

APP_IMAGE = "marrakech-platform"


def _instructions(path: Path) -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (KEYWORD, arguments), continuation lines joined."""
    joined = re.sub(r"\\\n", " ", path.read_text())
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, arguments = line.partition(" ")
            found.append((keyword.upper(), " ".join(arguments.split())))
    return found


def _stages() -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for keyword, arguments in _instructions(ROOT_DIR / "Dockerfile"):
        if keyword == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((keyword, arguments))
    return stages


def _compose() -> dict:
    return yaml.safe_load((ROOT_DIR / "docker-compose.yml").read_text())


def test_the_image_is_built_in_two_stages_from_the_lock_file_and_nothing_is_editable() -> None:
    builder, runtime = _stages()
    assert builder[0][1].endswith(" AS builder")
    uv_version = re.search(r"UV_VERSION := (\S+)", (ROOT_DIR / "Makefile").read_text())[1]
    assert ("RUN", f"pip install --no-cache-dir uv=={uv_version}") in builder
    syncs = [args for keyword, args in builder if keyword == "RUN" and "uv sync" in args]
    assert syncs and all("--locked" in args and "--no-dev" in args for args in syncs)
    assert "--no-editable" in syncs[-1]
    assert ("COPY", "--from=builder /opt/venv /opt/venv") in runtime
    assert not any("uv " in args or "pip install" in args for _, args in runtime)
    # PDFs need no system library (Typst, fpdf2 and uharfbuzz are wheels; fonts are shipped).
    installs = " ".join(args for keyword, args in runtime if keyword == "RUN")
    assert "apt-get install" not in installs and "libpango" not in installs


def test_the_image_runs_as_a_numeric_user_in_exec_form_without_migrating() -> None:
    runtime = _stages()[-1]
    users = [args for keyword, args in runtime if keyword == "USER"]
    assert users and re.fullmatch(r"[1-9]\d{3,}(:[1-9]\d{3,})?", users[-1])
    (cmd,) = [args for keyword, args in runtime if keyword == "CMD"]
    assert json.loads(cmd) == ["marrakech", "serve"]  # exec form: uvicorn is PID 1's code
    (healthcheck,) = [args for keyword, args in runtime if keyword == "HEALTHCHECK"]
    options, _, command = healthcheck.partition(" CMD ")
    probe = json.loads(command)
    assert probe[0] != "sh" and "/readyz" in " ".join(probe)
    assert "--interval" in options
    assert "db upgrade" not in cmd and "ENTRYPOINT" not in dict(runtime)
    environment = " ".join(args for keyword, args in runtime if keyword == "ENV")
    for setting in ("MARRAKECH_LOG_FORMAT=json", "MARRAKECH_WEB_WORKERS=", "MARRAKECH_HOME="):
        assert setting in environment


def test_the_files_the_image_copies_are_all_the_application_reads(tmp_path: Path) -> None:
    """The application's data (templates, migrations, the record, static files, catalogues)
    copied as the runtime stage copies them, and nothing else: it migrates, seeds and
    renders pages and an Arabic PDF from there."""
    home = tmp_path / "home"
    for keyword, args in _stages()[-1]:
        if keyword == "COPY" and not args.startswith("--from"):
            source, target = args.split()
            destination = home / target.removeprefix("./")
            if target.endswith("/"):  # COPY file ./
                destination = destination / Path(source).name
            if (ROOT_DIR / source).is_dir():
                shutil.copytree(ROOT_DIR / source, destination)
            else:
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(ROOT_DIR / source, destination)
    env = {
        **os.environ,
        "MARRAKECH_HOME": str(home),
        "MARRAKECH_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'image.db'}",
    }
    script = """
from fastapi.testclient import TestClient
from app.cli import app as cli
from typer.testing import CliRunner
for command in (["db", "upgrade"], ["seed"], ["demo", "--delegations", "2"]):
    result = CliRunner().invoke(cli, command)
    assert result.exit_code == 0, result.output
from app.config import ROOT_DIR
from app.main import create_app
client = TestClient(create_app(), base_url="http://testserver")
print(ROOT_DIR)
print(client.get("/?lang=fr").text.count("Plateforme de Marrakech") > 0)
pdf = client.get("/editions/demo-2027/agenda.pdf?lang=ar")
print(pdf.status_code, pdf.content[:5])
print(client.get("/static/css/site.css").status_code)
"""
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.splitlines()[-4:] == [str(home), "True", "200 b'%PDF-'", "200"]


def test_compose_migrates_once_then_starts_two_replicas_the_worker_and_the_proxy() -> None:
    services = _compose()["services"]
    app_services = {
        name for name, s in services.items() if s.get("image", "").startswith(APP_IMAGE)
    }
    migrate = services["migrate"]
    assert "marrakech db upgrade" in " ".join(migrate["command"])
    assert migrate["restart"] == "no"
    replicas = [name for name in app_services if "command" not in services[name]]
    assert len(replicas) == 2
    for name in app_services - {"migrate"}:
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
    assert services["worker"]["command"][:3] == ["marrakech", "send-mail", "--loop"]
    caddyfile = (ROOT_DIR / "deploy" / "Caddyfile").read_text()
    assert f"reverse_proxy {' '.join(f'{name}:8000' for name in sorted(replicas))}" in caddyfile
    assert "respond /metrics 404" in caddyfile
    proxy_address = services["proxy"]["networks"]["internal"]["ipv4_address"]
    for name in app_services:
        assert services[name]["environment"]["MARRAKECH_TRUSTED_PROXIES"] == proxy_address


def test_compose_pins_its_images_restarts_its_services_and_keeps_secrets_in_env() -> None:
    services = _compose()["services"]
    postgres_major = re.search(
        r"postgresql/(\d+)/bin", (ROOT_DIR / ".ci/with-postgres").read_text()
    )
    for name, service in services.items():
        image = service["image"]
        if not image.startswith(APP_IMAGE):
            assert re.fullmatch(r"[\w./-]+:[\w.-]*\d[\w.-]*", image), f"{name}: pin {image}"
            assert "latest" not in image
        assert service["restart"] in ("unless-stopped", "always", "no"), name
        if service["restart"] != "no" and service.get("profiles") is None:
            assert "healthcheck" in service or image.startswith(APP_IMAGE), name
    assert services["db"]["image"].startswith(f"postgres:{postgres_major[1]}.")
    text = (ROOT_DIR / "docker-compose.yml").read_text()
    assert re.search(r"PASSWORD: (?!\$\{)", text) is None  # every password from .env
    assert "${POSTGRES_PASSWORD:?" in services["app-1"]["environment"]["DATABASE_URL"]
    assert all(
        services[name]["env_file"] == ".env"
        for name, service in services.items()
        if service["image"].startswith(APP_IMAGE)
    )
    assert ".env" in (ROOT_DIR / ".gitignore").read_text().split()
    example = dict(
        line.split("=", 1)
        for line in (ROOT_DIR / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert example["MARRAKECH_SECRET_KEY"] == "" and example["POSTGRES_PASSWORD"] == ""
