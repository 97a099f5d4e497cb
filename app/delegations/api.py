"""JSON API for registration: organisers (bearer token) manage delegations and
participants; a focal point can use its private link as the credential."""

from fastapi import APIRouter, BackgroundTasks, Request, Response, status

from app.auth.access import Access, CurrentAccount, allow
from app.auth.service import actor_for
from app.db import DbSessionDep
from app.delegations import invitations, participants, review, windows
from app.delegations import service as delegations_service
from app.delegations.dependencies import (
    EditionDelegation,
    FocalDelegation,
    FocalEdition,
    OrganiserEdition,
    ParticipantId,
)
from app.delegations.models import DelegationStatus, ParticipantStatus
from app.delegations.participants import focal_point_actor
from app.delegations.presenters import delegation_read, join_request_read
from app.delegations.schemas import (
    DelegationRead,
    DelegationUpdate,
    InvitationIn,
    JoinDecisionIn,
    JoinRequestRead,
    ParticipantIn,
    ParticipantRead,
    RegistrationSettingsIn,
    RegistrationSettingsRead,
    ReviewIn,
)
from app.entities.models import EntityType
from app.mail import service as mail_service
from app.web.conditional import check_if_match, set_etag
from app.web.pagination import PageDep, paged
from app.web.params import RowId
from app.web.templating import absolute_url

router = APIRouter(prefix="/api/v1", tags=["registration"])
ORGANISER = "/editions/{slug}"


def _settings_read(db_session, edition) -> RegistrationSettingsRead:  # noqa: ANN001
    settings = windows.settings_of(db_session, edition)
    return RegistrationSettingsRead(
        opens_at=windows.to_local(settings.opens_at, edition.time_zone),
        deadline_at=windows.to_local(settings.deadline_at, edition.time_zone),
        time_zone=edition.time_zone,
        default_quota=settings.default_quota,
        allowed_entity_types=settings.allowed_entity_types,
        requests_open=settings.requests_open,
        is_open=windows.registration_is_open(edition, settings),
    )


def _read(db_session, edition, delegation, link=None) -> DelegationRead:  # noqa: ANN001
    [row] = delegations_service.list_delegations(
        db_session, edition=edition, delegation_id=delegation.id
    )
    settings = windows.settings_of(db_session, edition)
    return delegation_read(
        row.delegation, row.entity, settings, row.participants, row.accredited, link
    )


@router.get(
    ORGANISER + "/registration",
    name="api_get_registration_settings",
    dependencies=[allow(Access.viewer)],
)
def get_registration_settings(
    response: Response, edition: OrganiserEdition, db_session: DbSessionDep
) -> RegistrationSettingsRead:
    """The registration window (in the edition's time zone), quota and eligibility."""
    set_etag(response, windows.settings_of(db_session, edition))
    return _settings_read(db_session, edition)


@router.put(
    ORGANISER + "/registration",
    name="api_update_registration_settings",
    dependencies=[allow(Access.organiser)],
)
def update_registration_settings(
    request: Request,
    response: Response,
    edition: OrganiserEdition,
    settings_in: RegistrationSettingsIn,
    db_session: DbSessionDep,
    account: CurrentAccount,
) -> RegistrationSettingsRead:
    """Set the window (times in the edition's time zone), quota and eligibility."""
    check_if_match(request, db_session, windows.settings_of(db_session, edition))
    windows.update_registration_settings(
        db_session, edition=edition, settings_in=settings_in, actor=actor_for(account)
    )
    set_etag(response, windows.settings_of(db_session, edition))
    return _settings_read(db_session, edition)


@router.get(
    ORGANISER + "/delegations", name="api_list_delegations", dependencies=[allow(Access.viewer)]
)
def list_delegations(
    request: Request,
    response: Response,
    edition: OrganiserEdition,
    db_session: DbSessionDep,
    page: PageDep,
    status: DelegationStatus | None = None,
    entity_type: EntityType | None = None,
) -> list[DelegationRead]:
    """The edition's delegations with their counts."""
    settings = windows.settings_of(db_session, edition)
    rows = delegations_service.page_delegations(
        db_session, edition=edition, status=status, entity_type=entity_type, page=page
    )
    return [
        delegation_read(row.delegation, row.entity, settings, row.participants, row.accredited)
        for row in paged(request, response, rows, page)
    ]


@router.post(
    ORGANISER + "/delegations",
    name="api_invite_delegations",
    status_code=status.HTTP_201_CREATED,
    dependencies=[allow(Access.organiser)],
)
def invite_delegations(
    edition: OrganiserEdition,
    invitation_in: InvitationIn,
    db_session: DbSessionDep,
    account: CurrentAccount,
    background: BackgroundTasks,
) -> list[DelegationRead]:
    """Invite entities; each new delegation's private link is in this response only."""
    issued = invitations.invite_entities(
        db_session, edition=edition, invitation_in=invitation_in, actor=actor_for(account)
    )
    background.add_task(mail_service.deliver_after_response, db_session)
    settings = windows.settings_of(db_session, edition)
    return [delegation_read(i.delegation, i.entity, settings, 0, 0, i.link) for i in issued]


@router.get(
    ORGANISER + "/delegations/{delegation_id}",
    name="api_get_delegation",
    dependencies=[allow(Access.viewer)],
)
def get_delegation(
    response: Response,
    edition: OrganiserEdition,
    delegation: EditionDelegation,
    db_session: DbSessionDep,
) -> DelegationRead:
    """One delegation with its counts."""
    set_etag(response, delegation)
    return _read(db_session, edition, delegation)


@router.patch(
    ORGANISER + "/delegations/{delegation_id}",
    name="api_change_delegation_status",
    dependencies=[allow(Access.organiser)],
)
def change_delegation_status(
    request: Request,
    response: Response,
    edition: OrganiserEdition,
    delegation: EditionDelegation,
    delegation_in: DelegationUpdate,
    db_session: DbSessionDep,
    account: CurrentAccount,
) -> DelegationRead:
    """Change a delegation's status (confirm, decline, withdraw, reopen) or its quota."""
    check_if_match(request, db_session, delegation)
    review.update_delegation(
        db_session,
        edition=edition,
        delegation=delegation,
        delegation_in=delegation_in,
        actor=actor_for(account),
    )
    set_etag(response, delegation)
    return _read(db_session, edition, delegation)


@router.post(
    ORGANISER + "/delegations/{delegation_id}/link",
    name="api_reissue_link",
    dependencies=[allow(Access.organiser)],
)
def reissue_link(
    edition: OrganiserEdition,
    delegation: EditionDelegation,
    db_session: DbSessionDep,
    account: CurrentAccount,
    background: BackgroundTasks,
) -> DelegationRead:
    """Issue a new private link (shown once); the old one stops working."""
    entity = delegations_service.entity_of(db_session, delegation)
    link = invitations.reissue_link(
        db_session, edition=edition, delegation=delegation, entity=entity, actor=actor_for(account)
    )
    background.add_task(mail_service.deliver_after_response, db_session)
    return _read(db_session, edition, delegation, link)


@router.post(
    ORGANISER + "/delegations/{delegation_id}/submit",
    name="api_submit_delegation",
    dependencies=[allow(Access.organiser)],
)
def submit_delegation(
    edition: OrganiserEdition,
    delegation: EditionDelegation,
    db_session: DbSessionDep,
    account: CurrentAccount,
    background: BackgroundTasks,
) -> DelegationRead:
    """Submit a delegation on its behalf (it needs exactly one head)."""
    participants.submit_delegation(
        db_session, edition=edition, delegation=delegation, actor=actor_for(account)
    )
    background.add_task(mail_service.deliver_after_response, db_session)
    return _read(db_session, edition, delegation)


@router.get(
    ORGANISER + "/delegations/{delegation_id}/participants",
    name="api_list_participants",
    dependencies=[allow(Access.viewer)],
)
def list_participants(
    request: Request,
    response: Response,
    delegation: EditionDelegation,
    db_session: DbSessionDep,
    page: PageDep,
) -> list[ParticipantRead]:
    """A delegation's members, the head first."""
    members = delegations_service.page_participants(db_session, delegation, page=page)
    return [ParticipantRead.model_validate(p) for p in paged(request, response, members, page)]


@router.post(
    ORGANISER + "/delegations/{delegation_id}/participants",
    name="api_add_participant",
    status_code=status.HTTP_201_CREATED,
    dependencies=[allow(Access.organiser)],
)
def add_participant(
    request: Request,
    response: Response,
    edition: OrganiserEdition,
    delegation: EditionDelegation,
    participant_in: ParticipantIn,
    db_session: DbSessionDep,
    account: CurrentAccount,
) -> ParticipantRead:
    """Register a member (same rules as the focal point's form, deadline aside)."""
    participant = participants.save_participant(
        db_session,
        edition=edition,
        delegation=delegation,
        participant_in=participant_in,
        actor=actor_for(account),
    )
    response.headers["Location"] = (
        absolute_url(
            request, "api_list_participants", slug=edition.slug, delegation_id=delegation.id
        )
        + f"/{participant.id}"
    )
    set_etag(response, participant)
    return ParticipantRead.model_validate(participant)


@router.put(
    ORGANISER + "/delegations/{delegation_id}/participants/{participant_id}",
    name="api_update_participant",
    dependencies=[allow(Access.organiser)],
)
def update_participant(
    request: Request,
    response: Response,
    edition: OrganiserEdition,
    delegation: EditionDelegation,
    participant_id: ParticipantId,
    participant_in: ParticipantIn,
    db_session: DbSessionDep,
    account: CurrentAccount,
) -> ParticipantRead:
    """Correct a member (the ETag of the answer that created or last changed it may be sent
    in If-Match)."""
    current = delegations_service.get_participant(
        db_session, delegation=delegation, participant_id=participant_id
    )
    check_if_match(request, db_session, current)
    participant = participants.save_participant(
        db_session,
        edition=edition,
        delegation=delegation,
        participant_in=participant_in,
        actor=actor_for(account),
        participant_id=participant_id,
    )
    set_etag(response, participant)
    return ParticipantRead.model_validate(participant)


@router.delete(
    ORGANISER + "/delegations/{delegation_id}/participants/{participant_id}",
    name="api_delete_participant",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[allow(Access.organiser)],
)
def delete_participant(
    request: Request,
    edition: OrganiserEdition,
    delegation: EditionDelegation,
    participant_id: ParticipantId,
    db_session: DbSessionDep,
    account: CurrentAccount,
) -> Response:
    """Take a member off a delegation."""
    current = delegations_service.get_participant(
        db_session, delegation=delegation, participant_id=participant_id
    )
    check_if_match(request, db_session, current)
    participants.remove_participant(
        db_session,
        edition=edition,
        delegation=delegation,
        participant_id=participant_id,
        actor=actor_for(account),
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    ORGANISER + "/participants/review",
    name="api_review_participants",
    dependencies=[allow(Access.organiser)],
)
def review_participants(
    edition: OrganiserEdition,
    review_in: ReviewIn,
    db_session: DbSessionDep,
    account: CurrentAccount,
    background: BackgroundTasks,
) -> list[ParticipantRead]:
    """Accredit or reject (with a reason) several participants at once."""
    reviewed = review.review_participants(
        db_session,
        edition=edition,
        participant_ids=review_in.participant_ids,
        status=review_in.status,
        reason=review_in.reason,
        actor=actor_for(account),
    )
    if review_in.status == ParticipantStatus.accredited:
        background.add_task(mail_service.deliver_after_response, db_session)
    return [ParticipantRead.model_validate(p) for p in reviewed]


@router.get(
    ORGANISER + "/requests", name="api_list_join_requests", dependencies=[allow(Access.viewer)]
)
def list_join_requests(
    request: Request,
    response: Response,
    edition: OrganiserEdition,
    db_session: DbSessionDep,
    page: PageDep,
) -> list[JoinRequestRead]:
    """Requests to take part from uninvited entities, pending first."""
    requests = invitations.page_join_requests(db_session, edition=edition, page=page)
    return [
        join_request_read(join_request, entity)
        for join_request, entity in paged(request, response, requests, page)
    ]


@router.post(
    ORGANISER + "/requests/{request_id}",
    name="api_decide_join_request",
    dependencies=[allow(Access.organiser)],
)
def decide_join_request(
    edition: OrganiserEdition,
    request_id: RowId,
    decision_in: JoinDecisionIn,
    db_session: DbSessionDep,
    account: CurrentAccount,
    background: BackgroundTasks,
) -> JoinRequestRead:
    """Approve (the entity is invited, its contact gets the link, shown here once) or refuse."""
    request, entity, issued = invitations.decide_join_request(
        db_session,
        edition=edition,
        request_id=request_id,
        approve=decision_in.decision == "approve",
        actor=actor_for(account),
    )
    background.add_task(mail_service.deliver_after_response, db_session)
    return join_request_read(request, entity, issued.link if issued else None)


@router.get(
    "/register/{token}/participants",
    name="api_focal_list_participants",
    dependencies=[allow(Access.focal_point)],
)
def focal_list_participants(
    request: Request,
    response: Response,
    delegation: FocalDelegation,
    db_session: DbSessionDep,
    page: PageDep,
) -> list[ParticipantRead]:
    """A focal point's own members (the private link is the credential)."""
    members = delegations_service.page_participants(db_session, delegation, page=page)
    return [ParticipantRead.model_validate(p) for p in paged(request, response, members, page)]


@router.post(
    "/register/{token}/participants",
    name="api_focal_add_participant",
    status_code=status.HTTP_201_CREATED,
    dependencies=[allow(Access.focal_point)],
)
def focal_add_participant(
    edition: FocalEdition,
    delegation: FocalDelegation,
    participant_in: ParticipantIn,
    db_session: DbSessionDep,
) -> ParticipantRead:
    """A focal point registers a member, until the deadline."""
    participant = participants.save_participant(
        db_session,
        edition=edition,
        delegation=delegation,
        participant_in=participant_in,
        actor=focal_point_actor(delegation),
    )
    return ParticipantRead.model_validate(participant)
