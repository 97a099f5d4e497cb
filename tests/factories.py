"""Small functions that make test data with obvious defaults."""

import itertools
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from app.agenda import publishing
from app.agenda import service as agenda_service
from app.agenda.models import AgendaItem, AgendaRevision
from app.agenda.schemas import AgendaItemCreate
from app.audit.service import SYSTEM
from app.auth import service as auth_service
from app.auth.models import Account, Role
from app.editions.models import Edition, EditionKind, EditionStatus
from app.entities.models import Entity
from app.outcomes.models import OutcomeStatement

_counter = itertools.count(1)
PASSWORD = "correct horse battery staple"


def make_account(
    db_session: Session, *, role: Role = Role.organiser, email: str | None = None
) -> Account:
    email = email or f"organiser{next(_counter)}@unoct.example"
    return auth_service.create_account(
        db_session, email=email, password=PASSWORD, role=role, actor=SYSTEM
    )


def make_token(db_session: Session, account: Account) -> str:
    return auth_service.create_api_token(db_session, account=account, label="test", actor=SYSTEM)


def auth_headers(db_session: Session, *, role: Role = Role.organiser) -> dict[str, str]:
    token = make_token(db_session, make_account(db_session, role=role))
    return {"Authorization": f"Bearer {token}"}


def make_edition(
    db_session: Session,
    *,
    status: EditionStatus = EditionStatus.announced,
    start_date: date | None = date(2027, 6, 2),
    end_date: date | None = date(2027, 6, 3),
    slug: str | None = None,
    number: int | None = None,
    is_demo: bool = False,
    city: str = "Rabat",
) -> Edition:
    serial = next(_counter)
    edition = Edition(
        slug=slug or f"test-edition-{serial}",
        kind=EditionKind.session,
        number=number if number is not None else 100 + serial,
        year=start_date.year if start_date else 2027,
        title_en=f"Test edition {serial}",
        title_fr=f"Session d'essai {serial}",
        city_en=city,
        start_date=start_date,
        end_date=end_date,
        status=status,
        is_demo=is_demo,
    )
    db_session.add(edition)
    db_session.commit()
    return edition


def sign_in(client, db_session: Session, *, role: Role = Role.organiser) -> Account:  # noqa: ANN001
    """Sign a browser client in through the real form."""
    account = make_account(db_session, role=role)
    page = client.get("/admin/sign-in")
    token = extract_csrf(page.text)
    response = client.post(
        "/admin/sign-in",
        data={"email": account.email, "password": PASSWORD, "csrf_token": token, "next": "/admin"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return account


def extract_csrf(html: str) -> str:
    marker = 'name="csrf_token" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def open_registration(
    db_session: Session, edition: Edition, *, quota: int = 5, requests_open: bool = False
):  # noqa: ANN201
    """Give an edition a registration window that is open now, with a default quota."""
    from datetime import UTC, datetime, timedelta

    from app.delegations.models import RegistrationSettings

    now = datetime.now(UTC)
    settings = RegistrationSettings(
        edition_id=edition.id,
        opens_at=now - timedelta(days=1),
        deadline_at=now + timedelta(days=10),
        default_quota=quota,
        requests_open=requests_open,
    )
    db_session.add(settings)
    edition.status = EditionStatus.registration_open
    db_session.add(edition)
    db_session.commit()
    return settings


def make_delegation(
    db_session: Session, edition: Edition, *, code: str = "KEN", email: str | None = None
):  # noqa: ANN201
    """Invite one entity; return the delegation and its private token."""
    from app.delegations import invitations
    from app.delegations.schemas import InvitationIn

    issued = invitations.invite_entities(
        db_session,
        edition=edition,
        invitation_in=InvitationIn(entity_codes=[code], focal_point_email=email),
        actor=SYSTEM,
    )
    return issued[0].delegation, issued[0].link.rsplit("/", 1)[1]


def participant_data(**overrides: object) -> dict:
    serial = next(_counter)
    data = {
        "honorific": "Mr.",
        "given_name": f"Given{serial}",
        "family_name": f"Family{serial}",
        "function": "Director",
        "agency": "Counter-terrorism agency",
        "role": "member",
        "email": f"person{serial}@agency.example",
        "interpretation_language": "en",
    }
    data.update(overrides)
    return data


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_agenda_item(
    db_session: Session,
    edition: Edition,
    *,
    starts_at: str = "2027-06-02T09:00",
    ends_at: str = "2027-06-02T10:00",
    title_en: str = "Opening plenary",
    **fields: Any,
) -> AgendaItem:
    """An agenda item through the service; times are in the edition's time zone."""
    fields.setdefault("kind", "plenary")
    item_in = AgendaItemCreate(
        starts_at=datetime.fromisoformat(starts_at),
        ends_at=datetime.fromisoformat(ends_at),
        title_en=title_en,
        **fields,
    )
    return agenda_service.create_item(
        db_session, edition=edition, item_in=item_in, actor=SYSTEM
    ).item


def publish(db_session: Session, edition: Edition, note: str = "") -> AgendaRevision:
    return publishing.publish_agenda(db_session, edition=edition, note=note, actor=SYSTEM)


def make_statement(
    db_session: Session,
    edition: Edition,
    *,
    status: str = "draft",
    body_en: str = "1. The participants **agreed** to meet again.",
    title_en: str = "Rabat Declaration",
    kind: str = "declaration",
    **texts: str,
) -> OutcomeStatement:
    """A statement written by the system, adopted and published on request."""
    from app.outcomes import service as outcomes_service
    from app.outcomes.schemas import OutcomeCreate

    statement = outcomes_service.create_statement(
        db_session,
        edition=edition,
        statement_in=OutcomeCreate(kind=kind, title_en=title_en, body_en=body_en, **texts),
        actor=SYSTEM,
    )
    if status in ("adopted", "published"):
        outcomes_service.adopt_statement(
            db_session, statement=statement, adopted_date=date(2026, 6, 3), actor=SYSTEM
        )
    if status == "published":
        outcomes_service.publish_statement(
            db_session, edition=edition, statement=statement, actor=SYSTEM
        )
    return statement


def pdf_bytes() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def make_registered_edition(
    db_session: Session,
    *,
    marker: str = "Zebulon",
    phone: str = "+254 700 000 111",
    **edition_fields,
):  # noqa: ANN201
    """An edition whose registration holds personal data everywhere: two delegations with
    focal-point contacts and a letter, participants (a head and a member), a join request
    and queued invitations. Every personal value contains ``marker`` (lower-cased in emails)
    or ``phone``."""
    from app.delegations import participants, uploads
    from app.delegations.models import JoinRequest
    from app.delegations.schemas import DelegationDetailsIn, ParticipantIn

    edition = make_edition(db_session, **edition_fields)
    open_registration(db_session, edition)
    low = marker.lower()
    for code, role_language in (("KEN", ("head", "fr")), ("SEN", ("member", "ar"))):
        delegation, _token = make_delegation(
            db_session, edition, code=code, email=f"focal.{low}.{code.lower()}@gov.example"
        )
        participants.update_details(
            db_session,
            edition=edition,
            delegation=delegation,
            details_in=DelegationDetailsIn(
                focal_point_name=f"{marker} Focal {code}",
                focal_point_email=f"focal.{low}.{code.lower()}@gov.example",
                focal_point_phone=phone,
            ),
            actor=SYSTEM,
        )
        participants.save_participant(
            db_session,
            edition=edition,
            delegation=delegation,
            participant_in=ParticipantIn(
                honorific="Dr.",
                given_name=f"{marker}a{code}",
                family_name=f"{marker}ov{code}",
                function="Director general",
                agency=f"{marker} Agency",
                role=role_language[0],
                email=f"{low}.{code.lower()}@agency.example",
                phone=phone.replace("700", "77"),
                interpretation_language=role_language[1],
                arrival_date=edition.start_date,
                departure_date=edition.end_date,
            ),
            actor=SYSTEM,
        )
        uploads.store_letter(
            db_session,
            edition=edition,
            delegation=delegation,
            content=pdf_bytes(),
            filename=f"{marker}-letter.pdf",
            actor=SYSTEM,
        )
    entity = db_session.exec(select(Entity).where(Entity.code == "GHA")).one()
    db_session.add(
        JoinRequest(
            edition_id=edition.id or 0,
            entity_id=entity.id or 0,
            contact_name=f"{marker} Requester",
            contact_email=f"{low}.request@gha.example",
            message=f"Please invite us, {marker}",
            client_key="a" * 64,
        )
    )
    db_session.commit()
    return edition


def make_participant(
    db_session: Session,
    edition: Edition,
    delegation,  # noqa: ANN001
    *,
    status: str = "accredited",
    **data: object,
):  # noqa: ANN201
    """A participant of a delegation, through the service, then accredited or rejected."""
    from app.delegations import review
    from app.delegations.models import ParticipantStatus
    from app.delegations.participants import save_participant
    from app.delegations.schemas import ParticipantIn

    participant = save_participant(
        db_session,
        edition=edition,
        delegation=delegation,
        participant_in=ParticipantIn(**participant_data(**data)),
        actor=SYSTEM,
    )
    if status != "pending":
        review.review_participants(
            db_session,
            edition=edition,
            participant_ids=[participant.id],
            status=ParticipantStatus(status),
            reason="Not a member of the agency" if status == "rejected" else None,
            actor=SYSTEM,
        )
        db_session.refresh(participant)
    return participant
