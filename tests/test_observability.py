"""What an operator watches: ``/metrics`` (Prometheus) and the request id of every answer.
The JSON log lines of a served process and the metrics added up over several workers are in
tests/test_served_observability.py."""

import re

from prometheus_client.parser import text_string_to_metric_families
from sqlmodel import func, select

from app.auth.models import Role
from app.delegations.models import Participant
from app.mail.models import OutboxMessage, OutboxStatus
from tests.factories import (
    auth_headers,
    make_agenda_item,
    make_delegation,
    make_edition,
    open_registration,
    participant_data,
    publish,
    sign_in,
)


def _metrics(client, headers: dict[str, str]) -> dict[tuple[str, frozenset], float]:  # noqa: ANN001
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def _value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_metrics_are_for_viewers_and_above_not_the_public(client, db_session) -> None:
    # A scraper is a program: no redirect to a sign-in page, but a 401 problem asking for a
    # bearer token.
    anonymous = client.get("/metrics", follow_redirects=False)
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"] == "Bearer"
    assert anonymous.headers["content-type"] == "application/problem+json"
    assert anonymous.json()["detail"] == "Authentication required: send a bearer token."
    assert "marrakech_" not in anonymous.text
    refused = client.get("/metrics", headers={"Authorization": "Bearer not-a-token"})
    assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
    assert "marrakech_" not in refused.text
    viewer = auth_headers(db_session, role=Role.viewer)
    scraped = client.get("/metrics", headers=viewer)
    assert scraped.status_code == 200 and "marrakech_" in scraped.text
    # An organiser's browser keeps seeing them.
    sign_in(client, db_session)
    browser = client.get("/metrics", follow_redirects=False)
    assert browser.status_code == 200 and "marrakech_" in browser.text


def test_requests_are_counted_by_route_template_never_by_the_private_link(
    client, db_session
) -> None:
    viewer = auth_headers(db_session, role=Role.viewer)
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    _delegation, token = make_delegation(db_session, edition)
    route = "/api/v1/register/{token}/participants"
    before = _value(
        _metrics(client, viewer),
        "marrakech_http_requests_total",
        method="POST",
        route=route,
        status="201",
    )
    for _ in range(2):
        response = client.post(f"/api/v1/register/{token}/participants", json=participant_data())
        assert response.status_code == 201
    text = client.get("/metrics", headers=viewer).text
    samples = _metrics(client, viewer)
    assert token not in text
    assert (
        _value(samples, "marrakech_http_requests_total", method="POST", route=route, status="201")
        == before + 2
    )
    latency = _value(
        samples, "marrakech_http_request_duration_seconds_count", method="POST", route=route
    )
    assert latency >= 2
    # Routes are templates or one of two fixed words, never a path as sent.
    routes = {dict(labels).get("route") for _name, labels in samples if dict(labels).get("route")}
    assert all(r.startswith("/") or r in ("(unmatched)", "(cached)") for r in routes)
    assert not any(re.search(r"/register/[A-Za-z0-9_-]{20,}", r) for r in routes)


def test_metrics_show_the_outbox_and_registrations_by_status(client, db_session) -> None:
    viewer = auth_headers(db_session, role=Role.viewer)
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    _delegation, token = make_delegation(db_session, edition, email="fp@kenya.example")
    for _ in range(3):
        client.post(f"/api/v1/register/{token}/participants", json=participant_data())
    failed = OutboxMessage(
        kind="invitation",
        to_address="x@agency.example",
        subject="s",
        body_text="b",
        status=OutboxStatus.failed,
    )
    db_session.add(failed)
    db_session.commit()
    samples = _metrics(client, viewer)
    by_status = dict(
        db_session.exec(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    for status in OutboxStatus:
        assert _value(samples, "marrakech_outbox_messages", status=status) == by_status.get(
            status, 0
        )
    assert _value(samples, "marrakech_outbox_messages", status="failed") >= 1
    assert _value(samples, "marrakech_participants", edition=edition.slug, status="pending") == 3
    assert db_session.exec(select(func.count()).select_from(Participant)).one() >= 3
    assert _value(samples, "marrakech_delegations", edition=edition.slug, status="invited") == 1
    assert ("marrakech_outbox_retrying_messages", frozenset()) in samples


def test_each_pdf_rendering_is_counted_with_its_duration(client, db_session) -> None:
    viewer = auth_headers(db_session, role=Role.viewer)
    edition = make_edition(db_session)
    make_agenda_item(db_session, edition)
    publish(db_session, edition)
    before = _value(_metrics(client, viewer), "marrakech_pdf_rendering_seconds_count")
    response = client.get(f"/editions/{edition.slug}/agenda.pdf")
    assert response.content.startswith(b"%PDF")
    samples = _metrics(client, viewer)
    assert _value(samples, "marrakech_pdf_rendering_seconds_count") == before + 1
    assert _value(samples, "marrakech_pdf_rendering_seconds_sum") > 0


def test_a_valid_incoming_request_id_is_kept_and_returned(client) -> None:
    for incoming in ("abc-123", "0f8fad5b-d9cb-469f-a165-70867728950e", "a" * 64, "trace_1.2"):
        response = client.get("/livez", headers={"X-Request-ID": incoming})
        assert response.headers["x-request-id"] == incoming


def test_a_missing_or_unsafe_request_id_is_replaced_by_a_new_one(client) -> None:
    seen = set()
    for incoming in (None, "", "a" * 65, "two words", "x\u00e9", "<script>", "a@b.example"):
        headers = {"X-Request-ID": incoming.encode()} if incoming is not None else {}
        response = client.get("/livez", headers=headers)
        generated = response.headers["x-request-id"]
        assert re.fullmatch(r"[0-9a-f]{32}", generated), generated
        seen.add(generated)
    assert len(seen) == 7
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    assert re.fullmatch(r"[0-9a-f]{32}", missing.headers["x-request-id"])
