"""A burst of concurrent requests, against the application served by uvicorn on a real
database: the worker reuses its pooled connections instead of opening and closing one for
each request beyond the first few (on PostgreSQL a new connection is a new server process,
several milliseconds of both machines' time, paid again and again under load).

The connections a process opens are counted in ``/metrics``
(``marrakech_db_connections_opened_total``), where an operator sees the same churn. And more
requests at once than the pool has connections are all answered: none waits for a
connection that only a request waiting for a thread could give back."""

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from tests.cli_helpers import migrated_database, viewer_token
from tests.served_app import open_edition, scraped, served_app

CONCURRENCY = 32
ROUNDS = 8
OPENED = "marrakech_db_connections_opened_total"


def _focal_point(base_url: str, token: str) -> list[int]:
    """One focal point on a keep-alive connection registering its members one by one."""
    with httpx.Client(base_url=base_url, timeout=60) as client:
        return [
            client.post(
                f"/api/v1/register/{token}/participants",
                json={
                    "given_name": f"Member{n}",
                    "family_name": "Pool",
                    "function": "Officer",
                    "role": "member",
                    "email": f"member{n}.{token[:8]}@pool.example",
                },
            ).status_code
            for n in range(ROUNDS)
        ]


def test_a_burst_of_requests_reuses_the_pooled_connections(tmp_path: Path) -> None:
    with migrated_database() as url:
        token = viewer_token(url)
        links = open_edition(url, CONCURRENCY)
        with served_app(url, tmp_path) as (_process, base_url):
            before = scraped(base_url, token, OPENED)
            assert before >= 1  # the readiness probe's and the scrape's own
            with ThreadPoolExecutor(CONCURRENCY) as pool:
                statuses = [
                    status
                    for answers in pool.map(lambda link: _focal_point(base_url, link), links)
                    for status in answers
                ]
            opened = scraped(base_url, token, OPENED) - before
            lists = [
                httpx.get(f"{base_url}/api/v1/register/{link}/participants").json()
                for link in links
            ]
    assert statuses == [201] * (CONCURRENCY * ROUNDS)
    # Each focal point finds every member it registered.
    expected = sorted(f"Member{n}" for n in range(ROUNDS))
    assert [sorted(member["given_name"] for member in members) for members in lists] == [
        expected
    ] * CONCURRENCY
    # At most one connection for each request in flight at once, each opened once; not one
    # for most of the 256 requests.
    assert opened <= CONCURRENCY, f"{opened} connections opened for {len(statuses)} requests"


# More at once than a worker has pooled connections (50) and threads (40) together.
READERS_AT_ONCE = 128


def test_more_requests_at_once_than_pooled_connections_are_all_answered(tmp_path: Path) -> None:
    """Each request holds its connection from its first statement to the end of its unit of
    work, across its trips to worker threads. With more requests at once than connections,
    requests holding one waited for a thread while every thread waited for a connection, and
    the worker answered nothing until the pool's timeout (30 s), then 500. Requests now wait
    for their turn on the event loop before they may take a connection."""
    with migrated_database() as url:
        links = open_edition(url, 8)
        barrier = threading.Barrier(READERS_AT_ONCE)
        with served_app(url, tmp_path) as (_process, base_url):
            for index, link in enumerate(links):  # one member each, named after its link
                registered = httpx.post(
                    f"{base_url}/api/v1/register/{link}/participants",
                    json={
                        "given_name": f"Head{index}",
                        "family_name": "Pool",
                        "function": "Director",
                        "role": "head",
                        "email": f"head{index}@pool.example",
                    },
                )
                assert registered.status_code == 201, registered.text

            def read_own_list(serial: int) -> list[tuple[int, list[str]]]:
                path = f"/api/v1/register/{links[serial % len(links)]}/participants"
                with httpx.Client(base_url=base_url, timeout=120) as client:
                    client.get("/livez")  # connected
                    barrier.wait()
                    answers = [client.get(path) for _ in range(ROUNDS)]
                return [
                    (answer.status_code, [member["given_name"] for member in answer.json()])
                    for answer in answers
                ]

            with ThreadPoolExecutor(READERS_AT_ONCE) as pool:
                answers = list(pool.map(read_own_list, range(READERS_AT_ONCE)))
    # Every reader gets its own delegation's list, and only it.
    assert answers == [
        [(200, [f"Head{serial % len(links)}"])] * ROUNDS for serial in range(READERS_AT_ONCE)
    ]
