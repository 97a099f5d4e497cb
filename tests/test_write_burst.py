"""A hundred writes of every kind at the same moment, three times, against the application
served by uvicorn with three workers on a real database (SQLite, or PostgreSQL with
TEST_DATABASE_URL): no server error, every refusal names its rule, the database holds
exactly what was acknowledged, and nothing personal reaches the log."""

from collections import Counter

from tests.cli_helpers import migrated_database
from tests.served_app import served_app
from tests.write_burst import (
    MARK,
    ROUNDS,
    expected_state,
    fire_round,
    prepare,
    refusal_without_rule,
    stored_state,
)


def test_a_burst_of_every_kind_of_write_gets_no_server_error_and_loses_nothing(
    tmp_path,
) -> None:
    log_file = tmp_path / "server.log"
    with migrated_database() as url:
        scenario = prepare(url)
        before = stored_state(url, scenario)
        answers = []
        with served_app(url, tmp_path, workers=3, log_file=log_file, log_level="DEBUG") as (
            _,
            base_url,
        ):
            for round_number in range(ROUNDS):
                answers += fire_round(base_url, scenario, round_number)
        stored = stored_state(url, scenario)
    log = log_file.read_text(errors="replace")

    unexplained = [(a.kind, a.status, a.text[:300]) for a in answers if refusal_without_rule(a)]
    assert unexplained == [], Counter((kind, status) for kind, status, _ in unexplained)
    acknowledged = Counter(a.kind for a in answers if a.acknowledged)
    # Nothing stands in the way of these: each must have been done.
    assert acknowledged["focal_point"] == 40 * ROUNDS
    assert acknowledged["agenda"] == 7 * ROUNDS
    assert acknowledged["reissue"] == 6 * ROUNDS
    assert acknowledged["sign_in"] == 20 * ROUNDS
    assert stored == expected_state(before, answers)
    assert "database is locked" not in log
    assert "Traceback" not in log
    # Personal data, passwords, private links and tokens never reach the log.
    assert MARK.lower() not in log.lower()
    leaked = [secret for secret in scenario.secrets if secret in log]
    assert leaked == []
