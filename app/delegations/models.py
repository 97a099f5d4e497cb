"""Registration of delegations: settings per edition, delegations, their participants and
requests to take part. Quotas and uniqueness are enforced by the database as well as by
the service: a unique (edition, email) per participant, at most one head per delegation."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Index, String, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from app.timestamps import UTCDateTime, utcnow


class DelegationStatus(StrEnum):
    invited = "invited"
    submitted = "submitted"
    confirmed = "confirmed"
    declined = "declined"
    withdrawn = "withdrawn"


# Delegations no longer taking part: their members get no badge and count in no total.
INACTIVE_DELEGATION_STATUSES = (DelegationStatus.declined, DelegationStatus.withdrawn)


class ParticipantStatus(StrEnum):
    pending = "pending"
    accredited = "accredited"
    rejected = "rejected"


class DelegationRole(StrEnum):
    head = "head"
    deputy = "deputy"
    member = "member"
    adviser = "adviser"


class Gender(StrEnum):
    """Optional, for the edition's statistics only; never printed on a badge or a list."""

    female = "female"
    male = "male"
    undisclosed = "undisclosed"


class JoinRequestStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    refused = "refused"


INTERPRETATION_LANGUAGES = ("en", "fr", "ar", "es", "pt", "ru")
HONORIFICS = ("H.E.", "Mr.", "Ms.", "Mrs.", "Dr.", "Prof.", "Gen.", "Col.", "Amb.")


class RegistrationSettings(SQLModel, table=True):
    __tablename__ = "registration_settings"
    __table_args__ = (CheckConstraint("default_quota >= 1", name="quota_positive"),)

    id: int | None = Field(default=None, primary_key=True)
    edition_id: int = Field(foreign_key="edition.id", unique=True, ondelete="CASCADE")
    opens_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    deadline_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    default_quota: int = 5
    allowed_entity_types: list[str] = Field(default_factory=list, sa_type=JSON)
    requests_open: bool = False
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Delegation(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("edition_id", "entity_id"),
        CheckConstraint("quota_override IS NULL OR quota_override >= 1", name="quota_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    edition_id: int = Field(foreign_key="edition.id", index=True, ondelete="CASCADE")
    entity_id: int = Field(foreign_key="entity.id", index=True)
    status: DelegationStatus = Field(
        default=DelegationStatus.invited, sa_type=String(20), index=True
    )
    quota_override: int | None = None
    focal_point_name: str | None = Field(default=None, max_length=200)
    focal_point_email: str | None = Field(default=None, max_length=254)
    focal_point_phone: str | None = Field(default=None, max_length=40)
    focal_point_language: str = Field(default="en", max_length=2)
    token_hash: str | None = Field(default=None, max_length=64, unique=True)
    token_issued_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    letter_file: str | None = Field(default=None, max_length=80)
    letter_filename: str | None = Field(default=None, max_length=200)
    letter_uploaded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    organiser_note: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Participant(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("edition_id", "email_normalized"),
        CheckConstraint(
            "departure_date IS NULL OR arrival_date IS NULL OR departure_date >= arrival_date",
            name="dates_in_order",
        ),
        Index(
            "uq_participant_one_head",
            "delegation_id",
            unique=True,
            sqlite_where=text("role = 'head'"),
            postgresql_where=text("role = 'head'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    delegation_id: int = Field(foreign_key="delegation.id", index=True, ondelete="CASCADE")
    # Denormalised from the delegation so that the database can hold one registration per
    # person (email) per edition across delegations.
    edition_id: int = Field(foreign_key="edition.id", index=True, ondelete="CASCADE")
    honorific: str | None = Field(default=None, max_length=20)
    given_name: str = Field(max_length=100)
    family_name: str = Field(max_length=100)
    function: str = Field(max_length=200)
    agency: str | None = Field(default=None, max_length=200)
    role: DelegationRole = Field(default=DelegationRole.member, sa_type=String(20))
    email: str = Field(max_length=254)
    email_normalized: str = Field(max_length=254)
    phone: str | None = Field(default=None, max_length=40)
    interpretation_language: str = Field(default="en", max_length=2)
    arrival_date: date | None = None
    departure_date: date | None = None
    dietary_needs: str | None = Field(default=None, max_length=500)
    access_needs: str | None = Field(default=None, max_length=500)
    status: ParticipantStatus = Field(
        default=ParticipantStatus.pending, sa_type=String(20), index=True
    )
    rejection_reason: str | None = Field(default=None, max_length=500)
    gender: Gender | None = Field(default=None, sa_type=String(20))
    # The badge: its code carries (id, serial); re-issuing raises the serial, so every code
    # printed before is revoked. checked_in_at is set once, by a conditional update.
    badge_serial: int = Field(default=1, sa_column_kwargs={"server_default": text("1")})
    badge_revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    checked_in_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class JoinRequest(SQLModel, table=True):
    """An uninvited entity asking to take part, waiting for an organiser's decision."""

    __tablename__ = "join_request"
    __table_args__ = (UniqueConstraint("edition_id", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    edition_id: int = Field(foreign_key="edition.id", index=True, ondelete="CASCADE")
    entity_id: int = Field(foreign_key="entity.id")
    contact_name: str = Field(max_length=200)
    contact_email: str = Field(max_length=254)
    contact_language: str = Field(default="en", max_length=2)
    message: str | None = Field(default=None, max_length=2000)
    status: JoinRequestStatus = Field(
        default=JoinRequestStatus.pending, sa_type=String(20), index=True
    )
    client_key: str = Field(max_length=64, index=True)  # digest of the address, for throttling
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
