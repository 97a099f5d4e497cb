"""Shaping delegations and requests to take part for the API."""

from app.delegations import windows
from app.delegations.models import Delegation, JoinRequest, RegistrationSettings
from app.delegations.schemas import DelegationRead, JoinRequestRead
from app.entities.models import Entity


def delegation_read(
    delegation: Delegation,
    entity: Entity,
    settings: RegistrationSettings,
    participants: int,
    accredited: int,
    link: str | None = None,
) -> DelegationRead:
    return DelegationRead(
        id=delegation.id or 0,
        entity_code=entity.code,
        entity_name=entity.name_en,
        entity_type=entity.entity_type,
        status=delegation.status,
        quota=windows.quota_of(settings, delegation),
        participants=participants,
        accredited=accredited,
        focal_point_name=delegation.focal_point_name,
        focal_point_email=delegation.focal_point_email,
        focal_point_language=delegation.focal_point_language,
        has_letter=delegation.letter_file is not None,
        submitted_at=delegation.submitted_at,
        registration_link=link,
    )


def join_request_read(
    request: JoinRequest, entity: Entity, link: str | None = None
) -> JoinRequestRead:
    return JoinRequestRead(
        id=request.id or 0,
        entity_code=entity.code,
        entity_name=entity.name_en,
        entity_type=entity.entity_type,
        contact_name=request.contact_name,
        contact_email=request.contact_email,
        contact_language=request.contact_language,
        message=request.message,
        status=request.status,
        created_at=request.created_at,
        decided_at=request.decided_at,
        registration_link=link,
    )
