"""Delivering the outbox: a real local SMTP server (aiosmtpd), .eml files without SMTP,
and retries that never lose or block a registration."""

import email
from email import policy

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from app.config import get_settings
from app.delegations.models import Delegation
from app.mail.models import OutboxMessage
from tests.factories import (
    extract_csrf,
    free_port,
    make_delegation,
    make_edition,
    open_registration,
    participant_data,
)


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001, N802
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp_server(monkeypatch, tmp_path):  # noqa: ANN001, ANN201
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings = get_settings()
    monkeypatch.setattr(settings, "smtp_host", "127.0.0.1")
    monkeypatch.setattr(settings, "smtp_port", port)
    monkeypatch.setattr(settings, "var_dir", tmp_path)
    yield inbox
    controller.stop()


def _submit(client, db_session, *, language: str = "en"):  # noqa: ANN001, ANN202
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    delegation, token = make_delegation(db_session, edition, email="fp@kenya.example")
    client.post(
        f"/api/v1/register/{token}/participants",
        json=participant_data(role="head", given_name="Amina"),
    )
    page = client.get(f"/register/{token}?lang={language}")
    csrf = extract_csrf(page.text)
    client.post(
        f"/register/{token}/details",
        data={
            "csrf_token": csrf,
            "focal_point_name": "Wanjiru",
            "focal_point_email": "fp@kenya.example",
            "focal_point_language": language,
        },
    )
    response = client.post(
        f"/register/{token}/submit", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    return edition, delegation, token


def test_invitation_and_receipt_go_out_over_smtp_in_the_recipient_language(
    client, db_session, smtp_server
) -> None:
    _submit(client, db_session, language="fr")
    subjects = [m["Subject"] for m in smtp_server.messages]
    # The invitation went out before the focal point chose French; the receipt is in French.
    assert any(s.startswith("Invitation to register your delegation") for s in subjects)
    receipt = smtp_server.messages[-1]
    assert receipt["To"] == "fp@kenya.example" and receipt["Content-Language"] == "fr"
    assert " ".join(receipt["Subject"].split()).startswith("Inscription reçue : Kenya")
    body = receipt.get_content()
    assert "Amina" in body and "Nous avons reçu l'inscription de votre délégation" in body
    assert "Les organisateurs de la Plateforme de Marrakech" in body
    stored = db_session.exec(select(OutboxMessage).where(OutboxMessage.kind == "receipt")).one()
    assert stored.status == "sent" and stored.attempts == 1


def test_an_smtp_failure_never_blocks_or_loses_a_registration(
    client, db_session, monkeypatch, tmp_path
) -> None:
    settings = get_settings()
    port = free_port()  # nothing listens there
    monkeypatch.setattr(settings, "smtp_host", "127.0.0.1")
    monkeypatch.setattr(settings, "smtp_port", port)
    edition, delegation, _ = _submit(client, db_session)
    db_session.refresh(delegation)
    assert delegation.status == "submitted"
    receipt = db_session.exec(select(OutboxMessage).where(OutboxMessage.kind == "receipt")).one()
    assert receipt.status == "queued" and receipt.attempts == 1
    assert receipt.last_error and "fp@kenya" not in receipt.last_error
    # The server comes back: the next run delivers it.
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        from app.mail.service import deliver_queued
        from app.timestamps import utcnow

        receipt.next_attempt_at = utcnow()
        db_session.add(receipt)
        db_session.commit()
        deliver_queued(db_session)
    finally:
        controller.stop()
    db_session.refresh(receipt)
    assert receipt.status == "sent" and receipt.attempts == 2
    assert any(m["To"] == "fp@kenya.example" for m in inbox.messages)


def test_without_smtp_messages_are_written_as_eml_and_listed(
    client, db_session, monkeypatch, tmp_path
) -> None:
    settings = get_settings()
    monkeypatch.setattr(settings, "smtp_host", None)
    monkeypatch.setattr(settings, "var_dir", tmp_path)
    edition, _, _ = _submit(client, db_session)
    files = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 2 and any("receipt" in f.name for f in files)
    parsed = email.message_from_bytes(files[-1].read_bytes(), policy=policy.default)
    assert parsed["To"] == "fp@kenya.example"
    from tests.factories import sign_in

    client.cookies.clear()
    sign_in(client, db_session)
    page = client.get(f"/admin/editions/{edition.slug}/outbox")
    assert files[-1].name in page.text and "Written to the outbox folder" in page.text
    assert db_session.exec(select(Delegation).where(Delegation.edition_id == edition.id)).one()


def test_accreditation_is_emailed_to_the_participant_in_their_language(
    client, db_session, smtp_server
) -> None:
    from tests.factories import auth_headers

    edition = make_edition(db_session)
    open_registration(db_session, edition)
    _, token = make_delegation(db_session, edition)
    created = client.post(
        f"/api/v1/register/{token}/participants",
        json=participant_data(
            role="head", email="amina@agency.example", interpretation_language="fr"
        ),
    ).json()
    client.post(
        f"/api/v1/editions/{edition.slug}/participants/review",
        json={"participant_ids": [created["id"]], "status": "accredited"},
        headers=auth_headers(db_session),
    )
    message = smtp_server.messages[-1]
    assert message["To"] == "amina@agency.example" and message["Content-Language"] == "fr"
    assert message["Subject"].startswith("Accréditation confirmée")
    assert "Votre accréditation" in message.get_content()


def test_a_message_claimed_by_another_worker_is_not_sent_twice(db_session, smtp_server) -> None:
    from datetime import timedelta

    from app.mail.service import deliver_queued, queue_message

    message = queue_message(
        db_session,
        kind="accreditation",
        to_address="once@agency.example",
        language="en",
        context={
            "name": "Once",
            "edition_title": "T",
            "entity_name": "E",
            "city": "Rabat",
            "start_date": None,
            "end_date": None,
        },
    )
    db_session.commit()
    stale = message.next_attempt_at
    assert deliver_queued(db_session)["sent"] == 1
    # A second worker that read the message before the first claimed it gets nothing.
    message.status = "queued"
    message.next_attempt_at = stale
    from app.mail.service import _lease

    db_session.add(message)
    db_session.commit()
    db_session.expunge(message)  # the slower worker's own copy, read before the claim
    message.next_attempt_at = stale - timedelta(seconds=1)
    assert not _lease(db_session, message)
    assert len([m for m in smtp_server.messages if m["To"] == "once@agency.example"]) == 1


def test_every_message_reads_in_arabic_for_an_arabic_recipient() -> None:
    from datetime import date

    from app.mail.service import render_message

    context = {
        "edition_title": "الدورة الرابعة",
        "entity_name": "المغرب",
        "of_entity": "المغرب",
        "name": "أمينة",
        "city": "الرباط",
        "start_date": date(2027, 6, 2),
        "end_date": date(2027, 6, 3),
        "deadline": None,
        "time_zone": "Africa/Casablanca",
        "quota": 5,
        "link": "https://example.org/register/x",
        "participants": ["أمينة"],
    }
    for kind in ("invitation", "receipt", "accreditation"):
        subject, body = render_message(kind, "ar", context)
        latin = [word for word in body.split() if word.isascii() and word.isalpha()]
        assert latin == [], (kind, latin)
        assert "منظمو منصة مراكش" in body, kind
