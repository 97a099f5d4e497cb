"""Run the benches, collect their figures and rewrite the README's table from them.

    python bench/run.py [--quick] [--only NAME] [--no-readme]
    .ci/with-postgres python bench/run.py        # `make bench` (`make bench QUICK=1`)

Each bench script prints its figures as machine-readable lines, ``BENCH {json}`` with a
``name``, a ``value`` and its ``unit``, and where it has one the ``ratio`` to what it is
compared with in the same run (``against``: a bare endpoint, or a goal); other lines are
for people and pass through. A new bench is one more entry in ``BENCHES``. The figures are
printed as a table and written into README.md between ``<!-- bench:start -->`` and
``<!-- bench:end -->``, so that the README never holds a figure typed by hand. Benches on
PostgreSQL run when ``TEST_DATABASE_URL`` names a server (``.ci/with-postgres`` starts a
throwaway one) and are skipped, saying so, otherwise.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
PREFIX = "BENCH "


@dataclass
class Bench:
    name: str
    script: str
    args: list[str]
    quick: list[str]  # arguments replacing the duration ones in quick mode
    postgres: bool = False
    full: list[str] = field(default_factory=list)


REGISTRATION = ["--readers", "0", "--rounds", "0", "--concurrency", "64"]
BENCHES = [
    Bench("middleware", "middleware.py", [], ["--requests", "1000"], full=["--requests", "3000"]),
    Bench(
        "serving",
        "serving.py",
        ["--workers", "2"],
        ["--seconds", "2"],
        full=["--seconds", "5"],
    ),
    Bench("profile", "profile.py", [], ["--requests", "40"], full=["--requests", "200"]),
    Bench(
        "printed-outputs",
        "profile_pdf.py",
        [],
        ["--runs", "1"],
        full=["--runs", "5"],
    ),
    *(
        Bench(
            f"registration-{database}-{workers}",
            "registration.py",
            [
                *REGISTRATION,
                "--workers",
                str(workers),
                *(["--postgres"] if database == "pg" else []),
            ],
            ["--seconds", "5"],
            postgres=database == "pg",
            full=["--seconds", "10"],
        )
        for database in ("sqlite", "pg")
        for workers in (1, 2)
    ),
]


def run(bench: Bench, quick: bool) -> list[dict]:
    """Run one script, passing its output through; its figures."""
    command = [sys.executable, str(ROOT / "bench" / bench.script), *bench.args]
    command += bench.quick if quick else bench.full
    print(f"\n$ {' '.join(command[1:])}", flush=True)
    figures = []
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        print(line, end="", flush=True)
        if line.startswith(PREFIX):
            figures.append(json.loads(line[len(PREFIX) :]))
    if process.wait() != 0:
        figures.append({"name": f"{bench.name}: FAILED (exit {process.returncode})", "value": 0})
    return figures


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}".rstrip("0").rstrip(".")


def table(figures: list[dict]) -> str:
    """The figures as a Markdown table: the figure, and the ratio with what it compares."""
    rows = ["| figure | value | ratio | details |", "| --- | ---: | ---: | --- |"]
    for figure in figures:
        ratio = f"{figure['ratio']:.2f} of {figure['against']}" if "ratio" in figure else "–"
        details = ", ".join(
            f"{key} {_number(value) if isinstance(value, int | float) else value}"
            for key, value in figure.items()
            if key not in ("name", "value", "unit", "ratio", "against")
        )
        value = f"{_number(figure.get('value', 0))} {figure.get('unit', '')}".strip()
        rows.append(f"| {figure['name']} | {value} | {ratio} | {details or '–'} |")
    return "\n".join(rows)


def rewrite_readme(path: Path, text: str) -> None:
    readme = path.read_text()
    if START not in readme or END not in readme:
        raise SystemExit(f"{path} has no {START} ... {END} markers")
    before, rest = readme.split(START, 1)
    _, after = rest.split(END, 1)
    path.write_text(f"{before}{START}\n{text}\n{END}{after}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter loads: a few minutes")
    parser.add_argument("--only", action="append", help="run only these benches (by name)")
    parser.add_argument("--no-readme", action="store_true", help="leave README.md alone")
    args = parser.parse_args()
    has_postgres = bool(os.environ.get("TEST_DATABASE_URL"))
    started = time.monotonic()
    figures: list[dict] = []
    skipped = []
    for bench in BENCHES:
        if args.only and bench.name not in args.only:
            continue
        if bench.postgres and not has_postgres:
            skipped.append(bench.name)
            continue
        figures += run(bench, args.quick)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    note = (
        f"`make bench{' QUICK=1' if args.quick else ''}`, {datetime.now(UTC):%Y-%m-%d}, "
        f"{os.cpu_count()} cores, load average {load:.1f} at the end, "
        f"{(time.monotonic() - started) / 60:.1f} minutes"
        + (f"; skipped (no PostgreSQL): {', '.join(skipped)}" if skipped else "")
        + "."
    )
    text = f"{table(figures)}\n\n{note}"
    print(f"\n{text}")
    if not args.no_readme and not args.only:
        rewrite_readme(ROOT / "README.md", text)
        print("README.md: the table between the bench markers is rewritten.")


if __name__ == "__main__":
    main()
