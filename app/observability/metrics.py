"""Prometheus metrics at ``/metrics``.

Counted in the process: requests and their latency by route template (never the path as
sent: private links hold a token), and PDF renderings with their duration. When
``PROMETHEUS_MULTIPROC_DIR`` is set (``marrakech serve --workers N`` sets it, N > 1), every
worker writes its counts there and ``/metrics`` adds up the workers of the server it asks;
otherwise the counts are the one process's. Read from the database at each scrape, so the
same whichever replica answers: the outbox by status (its depth, failures and retries) and
registrations (participants and delegations) by edition and status. And the connections the
process opened to the database, which show a pool too small for the load.

Who may read it: a viewer account or above, e.g. a bearer token made for the scraper with
``marrakech create-token``; nothing in it is personal data."""

import os
from collections.abc import Iterator
from typing import Any

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine, event
from sqlmodel import Session, col, func, select

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# A response served from the public cache has no route; its path is public but unbounded.
CACHED = "(cached)"

REQUESTS = Counter(
    "marrakech_http_requests",
    "HTTP requests answered, by method, route template and status",
    ["method", "route", "status"],
)
REQUEST_SECONDS = Histogram(
    "marrakech_http_request_duration_seconds",
    "Time from the request to the end of the response, by method and route template",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
DB_CONNECTIONS_OPENED = Counter(
    "marrakech_db_connections_opened",
    "Connections this process opened to the database; steady under load when the pool is "
    "large enough, climbing with the requests when it opens and closes one for each",
)
PDF_RENDERING_SECONDS = Histogram(
    "marrakech_pdf_rendering_seconds",
    "PDF documents rendered (agendas, outcome statements, badges) and the time each took",
    buckets=(0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32),
)


# The labelled series of each (method, route, status) seen, kept: prometheus_client's
# labels() validates and locks at every call, several times the cost of a dict lookup. The
# keys are bounded (route templates, not paths).
_series: dict[tuple[str, str, int], tuple[Any, Any]] = {}


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    """Count one answered request under its route template."""
    series = _series.get((method, route, status))
    if series is None:
        label = method if method in METHODS else "other"
        series = (
            REQUESTS.labels(label, route, str(status)),
            REQUEST_SECONDS.labels(label, route),
        )
        if method in METHODS:
            _series[(method, route, status)] = series
    series[0].inc()
    series[1].observe(seconds)


def _connection_opened(_dbapi_connection: Any, _record: Any) -> None:
    DB_CONNECTIONS_OPENED.inc()


def count_connections(engine: Engine) -> None:
    """Count every connection the engine's pool opens (once per engine, however many
    applications are made with it)."""
    if not event.contains(engine, "connect", _connection_opened):
        event.listen(engine, "connect", _connection_opened)


class DatabaseFigures(Collector):
    """The outbox and the registrations, counted at each scrape (four grouped queries)."""

    def __init__(self, db_session: Session) -> None:
        self.db_session = db_session

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from app.delegations.models import Delegation, Participant
        from app.editions.models import Edition
        from app.mail.models import OutboxMessage, OutboxStatus

        outbox = GaugeMetricFamily(
            "marrakech_outbox_messages", "Messages in the outbox by status", labels=["status"]
        )
        counts = dict.fromkeys(OutboxStatus, 0) | dict(
            self.db_session.exec(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
            ).all()
        )
        for status, count in counts.items():
            outbox.add_metric([str(status)], count)
        yield outbox
        retrying = self.db_session.exec(
            select(func.count()).where(
                OutboxMessage.status == OutboxStatus.queued, col(OutboxMessage.attempts) > 0
            )
        ).one()
        yield GaugeMetricFamily(
            "marrakech_outbox_retrying_messages",
            "Queued messages whose earlier delivery attempts failed",
            value=retrying,
        )
        for model, name in ((Participant, "participants"), (Delegation, "delegations")):
            family = GaugeMetricFamily(
                f"marrakech_{name}",
                f"Registered {name} by edition and status",
                labels=["edition", "status"],
            )
            rows = self.db_session.exec(
                select(Edition.slug, model.status, func.count())
                .join(Edition, col(Edition.id) == model.edition_id)
                .group_by(Edition.slug, model.status)
                .order_by(Edition.slug, model.status)
            )
            for slug, status, count in rows:
                family.add_metric([slug, str(status)], count)
            yield family


def exposition(db_session: Session) -> bytes:
    """The metrics in Prometheus's text format: this server's workers, then the database."""
    if os.environ.get(MULTIPROCESS_DIR):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    figures = CollectorRegistry(auto_describe=False)
    figures.register(DatabaseFigures(db_session))
    return generate_latest(registry) + generate_latest(figures)
