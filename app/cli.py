"""The ``marrakech`` command line: database, seed, server and accounts."""

import os
import sys
import threading
from importlib import metadata
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from app.audit.service import COMMAND_LINE
from app.auth import service as auth_service
from app.auth.models import Role
from app.config import get_settings
from app.db import get_engine, write_session, writer
from app.errors import DomainError

app = typer.Typer(
    help="Marrakech Platform event backend.", no_args_is_help=True, add_completion=False
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=1)


def _print_version(asked: bool) -> None:
    if asked:
        typer.echo(f"marrakech-platform {metadata.version('marrakech-platform')}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit"
        ),
    ] = False,
) -> None:
    """Marrakech Platform event backend."""


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Option(help="The revision to reach")] = "head",
) -> None:
    """Apply the migrations up to REVISION (default: the latest)."""
    from app import migrate

    migrate.upgrade(get_settings().database_url, revision)
    typer.echo(f"database at {revision}")


@db_app.command("downgrade")
def db_downgrade(revision: str) -> None:
    """Revert the migrations down to REVISION ('base' empties the database)."""
    from app import migrate

    migrate.downgrade(get_settings().database_url, revision)
    typer.echo(f"database at {revision}")


@app.command()
def seed() -> None:
    """Load the historical record and the entity catalogue (safe to run again)."""
    from app.history.seeding import seed_all

    with write_session() as db_session:
        report = seed_all(db_session)
    typer.echo(
        f"seeded {report.sources} sources, {report.entities} entities, "
        f"{report.editions} editions and {report.subjects} subjects with {report.facts} cited "
        f"facts, {report.conflicts} conflicts between sources"
    )


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(envvar=["MARRAKECH_WEB_HOST", "HOST"], help="Address to listen on")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(envvar=["MARRAKECH_WEB_PORT", "PORT"], help="Port to listen on")
    ] = 8000,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Number of worker processes (default MARRAKECH_WEB_WORKERS: 2 in production, "
            "1 otherwise)",
        ),
    ] = None,
) -> None:
    """Serve the application with uvicorn (uvloop, httptools; one socket per worker)."""
    from app import serving
    from app.observability.logs import logging_config

    _default_base_url(host, port)
    settings = get_settings()
    count = workers if workers is not None else settings.workers
    _share_metrics_between_workers(count)
    serving.serve(
        serving.server_config(
            host,
            port,
            max(1, count),
            log_config=logging_config(settings.log_format, settings.log_level),
            log_level=settings.log_level.lower(),
        )
    )


def _share_metrics_between_workers(workers: int) -> None:
    """Have every worker write its metrics into one folder (prometheus_client's multiprocess
    mode), so that /metrics adds up the workers of this server: PROMETHEUS_MULTIPROC_DIR,
    emptied at start (a restarted container keeps its files), or a temporary folder."""
    from app.observability.metrics import MULTIPROCESS_DIR

    folder = os.environ.get(MULTIPROCESS_DIR)
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        for stale in Path(folder).glob("*.db"):
            stale.unlink()
    elif workers > 1:
        import atexit
        import shutil
        import tempfile

        folder = tempfile.mkdtemp(prefix="marrakech-metrics-")
        os.environ[MULTIPROCESS_DIR] = folder
        atexit.register(shutil.rmtree, folder, ignore_errors=True)


def _default_base_url(host: str, port: int) -> None:
    """Links (private links in emails, API urls, feeds) name the address served unless
    MARRAKECH_BASE_URL says otherwise; the workers read it from the environment."""
    try:
        settings = get_settings()
    except ValidationError as error:
        _fail("; ".join(str(e["msg"]).removeprefix("Value error, ") for e in error.errors()))
        return
    if "base_url" in settings.model_fields_set:
        return
    shown = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host  # noqa: S104 - compared
    shown = f"[{shown}]" if ":" in shown else shown
    os.environ["MARRAKECH_BASE_URL"] = f"http://{shown}:{port}"
    get_settings.cache_clear()


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@app.command("create-organizer")
def create_organizer(
    email: str,
    role: Annotated[Role, typer.Option(help="admin, organiser or viewer")] = Role.organiser,
    password_stdin: Annotated[
        bool, typer.Option(help="Read the password from standard input")
    ] = False,
) -> None:
    """Create an organiser account; the password is prompted for (or read from stdin)."""
    password = _read_password(password_stdin)
    with write_session() as db_session:
        try:
            account = auth_service.create_account(
                db_session, email=email, password=password, role=role, actor=COMMAND_LINE
            )
        except DomainError as error:
            _fail(str(error))
            return
    typer.echo(f"created {account.role} account {account.email}")


@app.command("create-token")
def create_token(
    email: str,
    label: Annotated[
        str, typer.Option(help="What the token is for (kept with it and in the audit log)")
    ] = "command line",
) -> None:
    """Print a new bearer token for EMAIL's account (shown once, stored hashed)."""
    with write_session() as db_session:
        account = auth_service.get_account_by_email(db_session, email)
        if account is None:
            _fail(f"no account for {email}")
            return
        token = auth_service.create_api_token(
            db_session, account=account, label=label, actor=COMMAND_LINE
        )
    typer.echo(token)


@app.command("revoke-token")
def revoke_token(
    token: Annotated[str, typer.Argument(help="the token to revoke; read from stdin if '-'")],
) -> None:
    """Revoke a bearer token at once."""
    secret = sys.stdin.readline().strip() if token == "-" else token  # noqa: S105
    with write_session() as db_session:
        api_token = auth_service.find_api_token(db_session, secret)
        if api_token is None:
            _fail("no such token")
            return
        auth_service.revoke_api_token(db_session, token=api_token, actor=COMMAND_LINE)
    typer.echo("token revoked")


@app.command("send-mail")
def send_mail(
    loop: Annotated[
        bool,
        typer.Option(
            help="Keep delivering: send what is due, wait --interval seconds, again, until "
            "SIGTERM or SIGINT (the message being sent is finished first)"
        ),
    ] = False,
    interval: Annotated[
        float,
        typer.Option(
            envvar="MARRAKECH_MAIL_INTERVAL",
            min=0.1,
            help="Seconds between two deliveries with --loop",
        ),
    ] = 10.0,
) -> None:
    """Send (or write as .eml) every queued message that is due; run it from cron, or as a
    service with --loop."""
    from app.mail import service as mail_service

    if not loop:
        with write_session() as db_session:
            result = mail_service.deliver_queued(db_session)
        typer.echo(f"sent {result['sent']}, written {result['written']}, failed {result['failed']}")
        return
    from app.observability.logs import configure_logging

    settings = get_settings()
    configure_logging(settings.log_format, settings.log_level)  # delivery failures, as JSON too
    stop = _stop_on_signals()
    typer.echo(f"delivering the outbox every {interval:g} s until stopped")
    while not stop.is_set():
        with write_session() as db_session:
            result = mail_service.deliver_queued(db_session, should_stop=stop.is_set)
        if any(result.values()):
            typer.echo(
                f"sent {result['sent']}, written {result['written']}, failed {result['failed']}"
            )
        stop.wait(interval)
    typer.echo("stopped")


def _stop_on_signals() -> threading.Event:
    """An event set by SIGTERM or SIGINT: the loop finishes the message it is sending, then
    ends (docker stop sends SIGTERM)."""
    import signal

    stop = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: stop.set())
    return stop


@app.command()
def demo(
    delegations: Annotated[
        int, typer.Option(min=1, max=400, help="Number of synthetic delegations")
    ] = 60,
) -> None:
    """Create a clearly marked demo edition with synthetic delegations and a published
    agenda (never part of the historical record)."""
    from app.demo import create_demo_edition

    with write_session() as db_session:
        edition = create_demo_edition(db_session, delegations=delegations)
    typer.echo(f"demo edition {edition.slug} with {delegations} delegations and an agenda")


@app.command("demo-agenda")
def demo_agenda(slug: str) -> None:
    """Give the demo edition SLUG a two-day agenda of 40 items, published as Rev.0."""
    from app.agenda.demo import add_demo_agenda
    from app.editions import service as editions_service

    with write_session() as db_session:
        try:
            edition = editions_service.get_edition(db_session, slug, include_drafts=True)
            add_demo_agenda(db_session, edition=edition, actor=COMMAND_LINE)
        except DomainError as error:
            _fail(str(error))
            return
    typer.echo(f"published a demo agenda of 40 items for {slug} as Rev.0")


@app.command("purge-personal-data")
def purge_personal_data(
    edition: Annotated[str, typer.Argument(help="The edition's slug")],
    force: Annotated[
        bool, typer.Option(help="Purge before the end of the retention period")
    ] = False,
    reason: Annotated[str, typer.Option(help="Why the purge is forced (recorded)")] = "",
) -> None:
    """Erase EDITION's personal data once its retention period is over (keeping the counts)."""
    from app.editions import service as editions_service
    from app.retention import service as retention_service
    from app.timestamps import utcnow

    with write_session() as db_session:
        try:
            found = editions_service.get_edition(db_session, edition, include_drafts=True)
            report = retention_service.purge_personal_data(
                db_session,
                edition=found,
                actor=COMMAND_LINE,
                force_reason=reason if force else None,
                now=utcnow(),
            )
            counts = retention_service.aggregate_counts(db_session, edition=found)
        except DomainError as error:
            _fail(str(error))
            return
    typer.echo(
        f"erased {report.participants} participants, {report.delegations} delegations' "
        f"contacts, {report.join_requests} join requests, {report.uploads} uploads, "
        f"{report.outbox_messages} messages; scrubbed {report.audit_entries} audit entries"
    )
    typer.echo(
        f"participants by role: {retention_service.counts_text(counts.participants_by_role)}"
    )
    typer.echo(
        f"participants by status: {retention_service.counts_text(counts.participants_by_status)}"
    )
    typer.echo(
        "participants by language: "
        + retention_service.counts_text(counts.participants_by_language)
    )


@app.command("export")
def export_database(
    file: Annotated[Path, typer.Argument(help="Where to write the JSON archive")],
) -> None:
    """Write the whole database to FILE as a versioned JSON archive."""
    from app import backup

    try:
        counts = backup.write_archive(get_engine(), file)
    except backup.ArchiveError as error:
        _fail(str(error))
        return
    typer.echo(f"exported {sum(counts.values())} rows from {len(counts)} tables to {file}")


@app.command("import")
def import_database(
    file: Annotated[Path, typer.Argument(help="A JSON archive written by 'marrakech export'")],
) -> None:
    """Restore FILE into an empty database migrated to the archive's revision."""
    from app import backup

    try:
        counts = backup.import_archive(writer(get_engine()), backup.read_archive(file))
    except backup.ArchiveError as error:
        _fail(str(error))
        return
    typer.echo(f"imported {sum(counts.values())} rows into {len(counts)} tables from {file}")


if __name__ == "__main__":
    app()
