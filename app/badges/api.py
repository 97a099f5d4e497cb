"""JSON API of the check-in desk, for scanner apps (organiser bearer token)."""

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from app.auth.access import Access, CurrentAccount, allow
from app.auth.service import actor_for
from app.badges import service as badges_service
from app.db import DbSessionDep
from app.delegations.dependencies import OrganiserEdition

router = APIRouter(prefix="/api/v1", tags=["check-in"])


class CheckInIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(max_length=200)


class CheckInRead(BaseModel):
    participant_id: int
    name: str
    delegation: str
    checked_in_at: datetime


@router.post(
    "/editions/{slug}/check-in",
    name="api_check_in",
    dependencies=[allow(Access.organiser)],
    responses={404: {}, 409: {}, 410: {}},
)
def check_in(
    check_in_in: CheckInIn,
    edition: OrganiserEdition,
    db_session: DbSessionDep,
    account: CurrentAccount,
) -> CheckInRead:
    """Mark a badge's holder as arrived; 404 unknown code, 410 revoked, 409 already used."""
    result = badges_service.check_in(
        db_session, edition=edition, code=check_in_in.code, actor=actor_for(account)
    )
    person = result.participant
    return CheckInRead(
        participant_id=person.id or 0,
        name=" ".join(p for p in (person.honorific, person.given_name, person.family_name) if p),
        delegation=result.entity.name_en,
        checked_in_at=result.checked_in_at,
    )
