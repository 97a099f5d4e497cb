"""The ``marrakech`` command line, run as a newcomer runs it."""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.database import scratch_database

MARRAKECH = str(Path(sys.executable).with_name("marrakech"))


def run(
    database_url: str, *args: str, stdin: str | None = None, environment: str | None = None
) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url}
    if environment:
        env["MARRAKECH_ENVIRONMENT"] = environment
    return subprocess.run(
        [MARRAKECH, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def cli_database() -> str:
    with scratch_database() as url:
        assert run(url, "db", "upgrade").returncode == 0
        yield url


def test_seed_is_idempotent(cli_database: str) -> None:
    first = run(cli_database, "seed")
    second = run(cli_database, "seed")
    assert first.returncode == 0 and second.returncode == 0
    assert "4 editions" in first.stdout and first.stdout == second.stdout
    engine = create_engine(cli_database)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM edition")).scalar() == 4
        assert connection.execute(text("SELECT count(*) FROM entity")).scalar() >= 195
    engine.dispose()


def _create_organizer(cli_database: str, email: str, *options: str, environment: str | None = None):  # noqa: ANN202
    """Create an account with the command; its stored password hash and role."""
    created = run(
        cli_database,
        "create-organizer",
        email,
        *options,
        "--password-stdin",
        stdin="a long enough password\n",
        environment=environment,
    )
    assert created.returncode == 0, created.stderr
    engine = create_engine(cli_database)
    with engine.connect() as connection:
        stored = connection.execute(
            text("SELECT password_hash, role FROM account WHERE email = :email"), {"email": email}
        ).one()
    engine.dispose()
    return stored


def test_outside_the_test_suite_passwords_get_argon2s_recommended_cost(cli_database: str) -> None:
    """The suite signs in with the library's cheapest parameters; a real deployment must not."""
    stored = _create_organizer(cli_database, "strong@unoct.example", environment="development")
    # RFC 9106's second recommended option: 64 MiB, three passes, four lanes.
    assert stored.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$"), stored


def test_create_organizer_hashes_the_password_and_token_is_usable(cli_database: str) -> None:
    stored = _create_organizer(cli_database, "focal@unoct.example", "--role", "admin")
    assert stored.password_hash.startswith("$argon2id$") and stored.role == "admin"
    engine = create_engine(cli_database)
    token = run(cli_database, "create-token", "focal@unoct.example")
    assert token.returncode == 0 and token.stdout.strip().startswith("mpt_")
    with engine.connect() as connection:
        hashes = connection.execute(text("SELECT token_hash FROM api_token")).scalars().all()
    engine.dispose()
    assert token.stdout.strip() not in hashes and len(hashes) == 1


def test_create_organizer_refuses_short_passwords_and_duplicates(cli_database: str) -> None:
    short = run(
        cli_database, "create-organizer", "short@unoct.example", "--password-stdin", stdin="short\n"
    )
    assert short.returncode == 1 and "at least 12 characters" in short.stderr
    run(
        cli_database,
        "create-organizer",
        "twice@unoct.example",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    again = run(
        cli_database,
        "create-organizer",
        "twice@unoct.example",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    assert again.returncode == 1 and "already exists" in again.stderr


def test_create_token_for_an_unknown_account_fails_clearly(cli_database: str) -> None:
    result = run(cli_database, "create-token", "nobody@unoct.example")
    assert result.returncode == 1 and "no account" in result.stderr


def test_a_revoked_token_stops_working_at_once(cli_database: str) -> None:
    run(
        cli_database,
        "create-organizer",
        "revoker@unoct.example",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    token = run(cli_database, "create-token", "revoker@unoct.example").stdout.strip()
    revoked = run(cli_database, "revoke-token", "-", stdin=token + "\n")
    assert revoked.returncode == 0 and "revoked" in revoked.stdout
    engine = create_engine(cli_database)
    with engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT revoked_at FROM api_token t JOIN account a ON a.id = t.account_id "
                "WHERE a.email = 'revoker@unoct.example'"
            )
        ).one()
    engine.dispose()
    assert row.revoked_at is not None
    assert run(cli_database, "revoke-token", "mpt_unknown").returncode == 1


def test_demo_creates_a_marked_edition_with_synthetic_delegations(cli_database: str) -> None:
    assert run(cli_database, "seed").returncode == 0
    result = run(cli_database, "demo", "--delegations", "5")
    assert result.returncode == 0, result.stderr
    assert "demo-" in result.stdout and "5 delegations" in result.stdout
    engine = create_engine(cli_database)
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT id, is_demo, is_historical, status FROM edition WHERE slug LIKE 'demo-%'")
        ).one()
        count = connection.execute(
            text("SELECT count(*) FROM delegation WHERE edition_id = :id"), {"id": row.id}
        ).scalar()
    engine.dispose()
    assert row.is_demo and not row.is_historical and row.status == "registration_open"
    assert count == 5
    sent = run(cli_database, "send-mail")
    assert sent.returncode == 0 and sent.stdout.startswith("sent 0, written")


def test_version_prints_the_package_version() -> None:
    import tomllib

    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    result = run("sqlite://", "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"marrakech-platform {pyproject['project']['version']}\n"


def test_every_option_of_every_command_says_what_it_does() -> None:
    import typer

    from app.cli import app

    def commands(group: object, prefix: str) -> Iterator[tuple[str, object]]:
        yield prefix, group
        for name, command in getattr(group, "commands", {}).items():
            yield from commands(command, f"{prefix} {name}")

    undocumented = [
        f"{path} {option.opts[0]}"
        for path, command in commands(typer.main.get_command(app), "marrakech")
        for option in command.params
        if option.param_type_name == "option" and not option.help
    ]
    assert undocumented == []
    serve_help = run("sqlite://", "serve", "--help").stdout
    assert "Number of worker processes" in serve_help


def test_serve_gives_links_on_the_port_it_serves(cli_database: str) -> None:
    import time

    import httpx

    from tests.factories import free_port

    assert run(cli_database, "seed").returncode == 0
    assert run(cli_database, "demo", "--delegations", "2").returncode == 0
    run(cli_database, "create-organizer", "ports@unoct.example", "--role", "admin",
        "--password-stdin", stdin="a long enough password\n")  # fmt: skip
    token = run(cli_database, "create-token", "ports@unoct.example").stdout.strip()
    port = free_port()
    env = {**os.environ, "DATABASE_URL": cli_database, "MARRAKECH_ENVIRONMENT": "development"}
    env.pop("MARRAKECH_BASE_URL", None)
    server = subprocess.Popen(
        [MARRAKECH, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    served = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=served, headers={"Authorization": f"Bearer {token}"}) as http:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if http.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert server.poll() is None and time.monotonic() < deadline
                time.sleep(0.1)
            editions = http.get("/api/v1/editions").json()
            demo = next(e for e in editions if e["slug"].startswith("demo-"))
            assert demo["url"] == f"{served}/editions/{demo['slug']}"
            delegation = http.get(f"/api/v1/editions/{demo['slug']}/delegations").json()[0]
            issued = http.post(
                f"/api/v1/editions/{demo['slug']}/delegations/{delegation['id']}/link"
            )
            assert issued.json()["registration_link"].startswith(f"{served}/register/")
            assert http.get("/healthz", headers={"Host": "evil.example"}).status_code == 400
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_production_needs_the_public_address_and_the_served_hosts(cli_database: str) -> None:
    env = {
        "MARRAKECH_ENVIRONMENT": "production",
        "MARRAKECH_SECRET_KEY": "x" * 40,
    }
    refused = subprocess.run(
        [MARRAKECH, "serve"],
        env={**{k: v for k, v in os.environ.items() if k != "MARRAKECH_BASE_URL"}, **env,
             "DATABASE_URL": cli_database},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert refused.returncode == 1
    assert "MARRAKECH_BASE_URL" in refused.stderr
