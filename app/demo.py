"""A clearly marked demo edition with synthetic delegations, for trying the product and
for benchmarks. It is never part of the historical record (is_demo, not is_historical).

Built in steps (``_add_*`` functions) so that other parts of the product (the agenda) can
add their own demo content to the same edition."""

import secrets
from datetime import date, timedelta

from sqlmodel import Session, col, select

from app.agenda.demo import add_demo_agenda
from app.audit import service as audit
from app.audit.service import COMMAND_LINE, Actor
from app.auth.service import digest, normalize_email
from app.delegations.models import (
    Delegation,
    DelegationRole,
    DelegationStatus,
    Participant,
    RegistrationSettings,
)
from app.editions.models import Edition, EditionKind, EditionStatus
from app.entities.models import Entity, EntityType
from app.timestamps import utcnow

GIVEN_NAMES = ("Amina", "Youssef", "Fatou", "Kwame", "Leila", "Tariq", "Nadia", "Ibrahim")
FAMILY_NAMES = ("Demo", "Sample", "Example", "Placeholder")
FUNCTIONS = ("Director-General", "Deputy Director", "Head of Unit", "Senior Adviser")


def demo_slug(year: int) -> str:
    return f"demo-{year}"


def create_demo_edition(
    db_session: Session, *, delegations: int = 60, actor: Actor = COMMAND_LINE
) -> Edition:
    """Create (or return, when it exists) the demo edition of next year, open for
    registration, with synthetic delegations and a few members each, and a published
    two-day agenda of 40 items."""
    today = utcnow().date()
    slug = demo_slug(today.year + 1)
    existing = db_session.exec(select(Edition).where(Edition.slug == slug)).first()
    if existing is not None:
        return existing
    edition = _add_edition(db_session, slug, today + timedelta(days=90))
    _add_registration(db_session, edition)
    _add_delegations(db_session, edition, delegations)
    audit.record(
        db_session,
        actor=actor,
        action="demo.create",
        subject=edition,
        edition_id=edition.id,
        after={"delegations": delegations},
    )
    db_session.commit()
    add_demo_agenda(db_session, edition=edition, actor=actor)
    return edition


def _add_edition(db_session: Session, slug: str, start: date) -> Edition:
    morocco = db_session.exec(select(Entity).where(Entity.code == "MAR")).first()
    edition = Edition(
        slug=slug,
        kind=EditionKind.session,
        number=None,
        year=start.year,
        title_en=f"Demo edition {start.year} (synthetic data)",
        title_fr=f"Session de démonstration {start.year} (données fictives)",
        title_ar=f"دورة تجريبية {start.year} (بيانات وهمية)",
        city_en="Rabat",
        city_fr="Rabat",
        city_ar="الرباط",
        country_id=morocco.id if morocco else None,
        start_date=start,
        end_date=start + timedelta(days=1),
        status=EditionStatus.registration_open,
        is_demo=True,
        is_historical=False,
        summary_en="A demonstration edition with synthetic delegations. Not a real meeting.",
    )
    db_session.add(edition)
    db_session.flush()
    return edition


def _add_registration(db_session: Session, edition: Edition) -> None:
    assert edition.start_date is not None
    db_session.add(
        RegistrationSettings(
            edition_id=edition.id or 0,
            opens_at=utcnow() - timedelta(days=1),
            deadline_at=utcnow() + timedelta(days=60),
            default_quota=8,
            requests_open=True,
        )
    )


def _add_delegations(db_session: Session, edition: Edition, count: int) -> None:
    entities = list(
        db_session.exec(
            select(Entity).order_by(
                col(Entity.african_union_member).desc(),
                col(Entity.entity_type) != EntityType.member_state,
                Entity.name_en,
            )
        )
    )[:count]
    for index, entity in enumerate(entities):
        delegation = Delegation(
            edition_id=edition.id or 0,
            entity_id=entity.id or 0,
            status=DelegationStatus.submitted if index % 2 == 0 else DelegationStatus.invited,
            focal_point_name=f"Focal Point {entity.code}",
            focal_point_email=f"focal.{entity.code.lower()}@demo.example",
            # A link nobody knows: organisers issue a real one from the delegation's page.
            token_hash=digest(secrets.token_urlsafe(32)),
            token_issued_at=utcnow(),
        )
        db_session.add(delegation)
        db_session.flush()
        if index % 2:
            continue
        for position in range(3):
            email = f"p{position}.{entity.code.lower()}@demo.example"
            db_session.add(
                Participant(
                    delegation_id=delegation.id or 0,
                    edition_id=edition.id or 0,
                    honorific="Mr." if position % 2 else "Ms.",
                    given_name=GIVEN_NAMES[(index + position) % len(GIVEN_NAMES)],
                    family_name=f"{FAMILY_NAMES[position % len(FAMILY_NAMES)]} {entity.code}",
                    function=FUNCTIONS[position % len(FUNCTIONS)],
                    agency=f"Demo agency of {entity.name_en}"[:200],
                    role=DelegationRole.head if position == 0 else DelegationRole.member,
                    email=email,
                    email_normalized=normalize_email(email),
                )
            )
