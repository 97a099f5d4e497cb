"""What the API and the forms accept and return for registration.

Input models only bound sizes and types; the rules and their translated messages live in
the service, so the API and the forms report them the same way."""

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.delegations.models import (
    DelegationRole,
    DelegationStatus,
    Gender,
    JoinRequestStatus,
    ParticipantStatus,
)
from app.entities.models import EntityType
from app.web.params import ONE_LINE, InputModel, Moment

Loose = Annotated[str, StringConstraints(max_length=2000)]
# Names, functions, addresses: they go into mail headers, badges and file names.
OneLine = Annotated[str, StringConstraints(max_length=2000), ONE_LINE]
RowId = Annotated[int, Field(ge=1, le=2_147_483_647)]  # fits an SQL integer on every backend


class RegistrationSettingsIn(InputModel):
    """Times are local to the edition's time zone, as organisers think of them."""

    opens_at: Moment | None = None
    deadline_at: Moment | None = None
    default_quota: int = Field(default=5, ge=1, le=500)
    allowed_entity_types: list[EntityType] = Field(default_factory=list)
    requests_open: bool = False


class RegistrationSettingsRead(BaseModel):
    opens_at: datetime | None
    deadline_at: datetime | None
    time_zone: str
    default_quota: int
    allowed_entity_types: list[str]
    requests_open: bool
    is_open: bool


class InvitationIn(InputModel):
    entity_codes: list[Annotated[str, StringConstraints(max_length=20), ONE_LINE]] = Field(
        default_factory=list, max_length=400
    )
    # Names as the organiser typed or picked them, in English, French or Arabic.
    entity_names: list[Annotated[str, StringConstraints(max_length=200), ONE_LINE]] = Field(
        default_factory=list, max_length=400
    )
    african_union_members: bool = False
    previous_edition_slug: Annotated[str, StringConstraints(max_length=80), ONE_LINE] | None = None
    focal_point_email: Annotated[str, StringConstraints(max_length=254), ONE_LINE] | None = None
    focal_point_language: str = Field(default="en", max_length=2)
    quota_override: int | None = Field(default=None, ge=1, le=500)


class DelegationDetailsIn(InputModel):
    focal_point_name: OneLine | None = None
    focal_point_email: OneLine | None = None
    focal_point_phone: OneLine | None = None
    focal_point_language: OneLine = "en"


class ParticipantIn(InputModel):
    honorific: OneLine | None = None
    given_name: OneLine = ""
    family_name: OneLine = ""
    function: OneLine = ""
    agency: OneLine | None = None
    role: DelegationRole = DelegationRole.member
    email: OneLine = ""
    phone: OneLine | None = None
    interpretation_language: OneLine = "en"
    gender: Gender | None = None  # optional, for statistics only
    arrival_date: date | None = None
    departure_date: date | None = None
    dietary_needs: Loose | None = None
    access_needs: Loose | None = None


class ParticipantRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    delegation_id: int
    honorific: str | None
    given_name: str
    family_name: str
    function: str
    agency: str | None
    role: DelegationRole
    email: str
    phone: str | None
    interpretation_language: str
    gender: Gender | None
    arrival_date: date | None
    departure_date: date | None
    dietary_needs: str | None
    access_needs: str | None
    status: ParticipantStatus
    rejection_reason: str | None


class DelegationRead(BaseModel):
    id: int
    entity_code: str
    entity_name: str
    entity_type: str
    status: DelegationStatus
    quota: int
    participants: int
    accredited: int
    focal_point_name: str | None
    focal_point_email: str | None
    focal_point_language: str
    has_letter: bool
    submitted_at: datetime | None
    registration_link: str | None = None  # shown once, when the link is issued


class DelegationUpdate(InputModel):
    """A new status, and/or the delegation's own quota (null: the edition's default)."""

    status: DelegationStatus | None = None
    quota_override: int | None = Field(default=None, ge=1, le=500)


class ReviewIn(InputModel):
    participant_ids: list[RowId] = Field(min_length=1, max_length=1000)
    status: ParticipantStatus
    reason: Annotated[str, StringConstraints(max_length=500)] | None = None


class JoinRequestRead(BaseModel):
    """An uninvited entity's request to take part, as organisers review it."""

    id: int
    entity_code: str
    entity_name: str
    entity_type: str
    contact_name: str
    contact_email: str
    contact_language: str
    message: str | None
    status: JoinRequestStatus
    created_at: datetime
    decided_at: datetime | None
    registration_link: str | None = None  # shown once, when an approval invites the entity


class JoinDecisionIn(InputModel):
    decision: Literal["approve", "refuse"]
