"""Inviting entities, private registration links, and requests to take part."""

import csv
import io
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import case
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from app import i18n
from app.audit import service as audit
from app.audit.service import Actor, snapshot
from app.auth.service import digest, normalize_email
from app.config import get_settings
from app.delegations import windows
from app.delegations.models import (
    Delegation,
    DelegationStatus,
    JoinRequest,
    JoinRequestStatus,
    RegistrationSettings,
)
from app.delegations.rules import EMAIL_PATTERN
from app.delegations.schemas import InvitationIn
from app.editions.models import Edition
from app.entities.models import Entity
from app.errors import Conflict, InvalidInput, NotFound, TooManyAttempts
from app.i18n import LANGUAGES, N_
from app.mail import service as mail_service
from app.paging import Page, Paged, fetch_page
from app.timestamps import utcnow
from app.web.params import whole_number
from app.web.text_input import is_single_line, require_single_line

REQUESTS_PER_HOUR = 5


@dataclass
class IssuedLink:
    delegation: Delegation
    entity: Entity
    link: str  # shown once, never stored


def registration_url(token: str) -> str:
    return f"{get_settings().base_url.rstrip('/')}/register/{token}"


def _check_email(value: str | None, field: str) -> str | None:
    if not value or not value.strip():
        return None
    email = value.strip()
    if len(email) > 254 or not EMAIL_PATTERN.match(email):  # as on the member form
        raise InvalidInput(N_("Enter a valid email address."), field=field)
    return email


def _new_token(delegation: Delegation) -> str:
    token = secrets.token_urlsafe(32)  # 256 random bits
    delegation.token_hash = digest(token)
    delegation.token_issued_at = utcnow()
    return token


def _queue_invitation(
    db_session: Session,
    edition: Edition,
    settings: RegistrationSettings,
    delegation: Delegation,
    entity: Entity,
    token: str,
) -> None:
    if not delegation.focal_point_email:
        return
    language = delegation.focal_point_language
    mail_service.queue_message(
        db_session,
        kind="invitation",
        to_address=delegation.focal_point_email,
        language=language,
        context={
            "edition_title": i18n.localized(edition, "title", language)[0],
            "entity_name": i18n.localized(entity, "name", language)[0],
            "of_entity": i18n.of_entity(entity, language),
            "deadline": windows.to_local(settings.deadline_at, edition.time_zone),
            "time_zone": edition.time_zone,
            "quota": windows.quota_of(settings, delegation),
            "link": registration_url(token),
        },
        edition_id=edition.id,
        delegation_id=delegation.id,
    )


def _entities_to_invite(
    db_session: Session, edition: Edition, invitation_in: InvitationIn
) -> list[Entity]:
    entities: dict[int, Entity] = {}
    codes = [code.strip().upper() for code in invitation_in.entity_codes if code.strip()]
    if codes:
        found = {
            e.code: e for e in db_session.exec(select(Entity).where(col(Entity.code).in_(codes)))
        }
        missing = [code for code in codes if code not in found]
        if missing:
            raise InvalidInput(
                N_("There is no entity with the code '{code}'."),
                field="entity_codes",
                code=missing[0],
            )
        entities.update({e.id: e for e in found.values() if e.id is not None})
    names = [name.strip() for name in invitation_in.entity_names if name.strip()]
    if names:
        entities.update({e.id or 0: e for e in _entities_named(db_session, names)})
    if invitation_in.african_union_members:
        for entity in db_session.exec(
            select(Entity).where(col(Entity.african_union_member).is_(True))
        ):
            entities[entity.id or 0] = entity
    if invitation_in.previous_edition_slug:
        previous = db_session.exec(
            select(Edition).where(Edition.slug == invitation_in.previous_edition_slug)
        ).first()
        if previous is None or previous.id == edition.id:
            raise InvalidInput(
                N_("There is no edition '{slug}'."),
                field="previous_edition_slug",
                slug=invitation_in.previous_edition_slug,
            )
        for entity in db_session.exec(
            select(Entity)
            .join(Delegation, col(Delegation.entity_id) == Entity.id)
            .where(Delegation.edition_id == previous.id)
        ):
            entities[entity.id or 0] = entity
    if not entities:
        raise InvalidInput(N_("Choose at least one entity to invite."), field="entity_codes")
    return list(entities.values())


def _entities_named(db_session: Session, names: list[str]) -> list[Entity]:
    """The entities whose name in any of the three languages (or code) is one of ``names``."""
    catalogue: dict[str, Entity] = {}
    for entity in db_session.exec(select(Entity)):
        for key in (entity.code, entity.name_en, entity.name_fr, entity.name_ar):
            catalogue.setdefault(key.casefold(), entity)
    found = []
    for name in names:
        entity = catalogue.get(" ".join(name.split()).casefold())
        if entity is None:
            raise InvalidInput(
                N_("There is no entity named '{name}': choose one from the list."),
                field="entity_names",
                name=name,
            )
        found.append(entity)
    return found


def invite_entities(
    db_session: Session, *, edition: Edition, invitation_in: InvitationIn, actor: Actor
) -> list[IssuedLink]:
    """Invite entities (skipping those already invited); each gets a private link."""
    focal_email = _check_email(invitation_in.focal_point_email, "focal_point_email")
    if invitation_in.focal_point_language not in LANGUAGES:
        raise InvalidInput(N_("Choose English, French or Arabic."), field="focal_point_language")
    entities = _entities_to_invite(db_session, edition, invitation_in)
    if focal_email and len(entities) > 1:
        raise InvalidInput(
            N_("A focal-point email can only be given when inviting one entity."),
            field="focal_point_email",
        )
    settings = windows.settings_of(db_session, edition)
    allowed = set(settings.allowed_entity_types)
    refused = [e for e in entities if allowed and e.entity_type not in allowed]
    if refused and len(entities) == 1:
        raise InvalidInput(
            N_("Entities of this type may not take part in this edition."), field="entity_codes"
        )
    already = set(
        db_session.exec(select(Delegation.entity_id).where(Delegation.edition_id == edition.id))
    )
    issued = []
    for entity in sorted(entities, key=lambda e: e.name_en):
        if entity.id in already or entity in refused:
            continue
        delegation = Delegation(
            edition_id=edition.id or 0,
            entity_id=entity.id or 0,
            focal_point_email=focal_email,
            focal_point_language=invitation_in.focal_point_language,
            quota_override=invitation_in.quota_override,
        )
        issued.append(
            _invite(db_session, edition, settings, delegation, entity, actor, "quota_override")
        )
    db_session.commit()
    return issued


def _invite(
    db_session: Session,
    edition: Edition,
    settings: RegistrationSettings,
    delegation: Delegation,
    entity: Entity,
    actor: Actor,
    audited: str,
) -> IssuedLink:
    """Store a new delegation with its private link, audit it (with the ``audited`` field
    besides its entity and status) and queue the focal point's invitation."""
    token = _new_token(delegation)
    db_session.add(delegation)
    db_session.flush()
    audit.record(
        db_session,
        actor=actor,
        action="delegation.invite",
        subject=delegation,
        edition_id=edition.id,
        after=snapshot(delegation, ["entity_id", "status", audited]),
    )
    _queue_invitation(db_session, edition, settings, delegation, entity, token)
    return IssuedLink(delegation, entity, registration_url(token))


def reissue_link(
    db_session: Session, *, edition: Edition, delegation: Delegation, entity: Entity, actor: Actor
) -> str:
    """Replace a delegation's private link: the old one stops working at once."""
    token = _new_token(delegation)
    delegation.updated_at = utcnow()
    db_session.add(delegation)
    audit.record(
        db_session,
        actor=actor,
        action="delegation.reissue_link",
        subject=delegation,
        edition_id=edition.id,
    )
    _queue_invitation(
        db_session, edition, windows.settings_of(db_session, edition), delegation, entity, token
    )
    db_session.commit()
    return registration_url(token)


def request_to_join(
    db_session: Session,
    *,
    edition: Edition,
    entity_code: str,
    contact_name: str,
    contact_email: str,
    language: str,
    message: str | None,
    client_address: str,
) -> JoinRequest:
    """An uninvited entity asks to take part; an organiser approves or refuses."""
    settings = windows.settings_of(db_session, edition)
    if not settings.requests_open:
        raise NotFound(N_("This edition does not take requests to participate."))
    for field, value in (
        ("entity_code", entity_code),
        ("contact_name", contact_name),
        ("contact_email", contact_email),
    ):
        require_single_line(value, field=field)
    client_key = digest(f"join:{client_address}")
    since = utcnow() - timedelta(hours=1)
    recent = db_session.exec(
        select(JoinRequest.id).where(
            JoinRequest.client_key == client_key, JoinRequest.created_at >= since
        )
    ).all()
    if len(recent) >= REQUESTS_PER_HOUR:
        raise TooManyAttempts(N_("Too many requests from this address. Try again later."))
    entity = db_session.exec(
        select(Entity).where(Entity.code == entity_code.strip().upper())
    ).first()
    if entity is None:
        raise InvalidInput(N_("Choose who you represent."), field="entity_code")
    if settings.allowed_entity_types and entity.entity_type not in settings.allowed_entity_types:
        raise InvalidInput(
            N_("Entities of this type may not take part in this edition."), field="entity_code"
        )
    name = contact_name.strip()
    if not name or len(name) > 200:
        raise InvalidInput(
            N_("Enter a name of at most {count} characters."), field="contact_name", count=200
        )
    email = _check_email(contact_email, "contact_email")
    if email is None:
        raise InvalidInput(N_("Enter a valid email address."), field="contact_email")
    if message and len(message) > 2000:
        raise InvalidInput(N_("Enter at most {count} characters."), field="message", count=2000)
    invited = db_session.exec(
        select(Delegation.id).where(
            Delegation.edition_id == edition.id, Delegation.entity_id == entity.id
        )
    ).first()
    pending = db_session.exec(
        select(JoinRequest.id).where(
            JoinRequest.edition_id == edition.id, JoinRequest.entity_id == entity.id
        )
    ).first()
    if invited or pending:
        raise Conflict(
            N_("This entity is already invited or has already asked to take part."),
            field="entity_code",
        )
    request = JoinRequest(
        edition_id=edition.id or 0,
        entity_id=entity.id or 0,
        contact_name=name,
        contact_email=normalize_email(email),
        contact_language=language if language in LANGUAGES else "en",
        message=(message or "").strip() or None,
        client_key=client_key,
    )
    db_session.add(request)
    db_session.flush()
    audit.record(
        db_session,
        actor=Actor("public", None, "request form"),
        action="join_request.create",
        subject=request,
        edition_id=edition.id,
        after={"entity_id": entity.id},
    )
    db_session.commit()
    return request


def _join_requests(edition: Edition) -> Select:
    decided = case((JoinRequest.status == JoinRequestStatus.pending, 0), else_=1)
    return (
        select(JoinRequest, Entity)
        .join(Entity, col(Entity.id) == JoinRequest.entity_id)
        .where(JoinRequest.edition_id == edition.id)
        .order_by(decided, col(JoinRequest.created_at), col(JoinRequest.id))
    )


def list_join_requests(
    db_session: Session, *, edition: Edition
) -> list[tuple[JoinRequest, Entity]]:
    """Requests to take part, pending first."""
    return list(db_session.exec(_join_requests(edition)).all())


def page_join_requests(
    db_session: Session, *, edition: Edition, page: Page
) -> Paged[tuple[JoinRequest, Entity]]:
    """One page of the requests to take part, pending first."""
    return fetch_page(db_session, _join_requests(edition), page)


def decide_join_request(
    db_session: Session, *, edition: Edition, request_id: int, approve: bool, actor: Actor
) -> tuple[JoinRequest, Entity, IssuedLink | None]:
    """Approve (invite, sending the link to the contact) or refuse a request; the link of
    an approval is returned once."""
    request = db_session.get(JoinRequest, request_id)
    if request is None or request.edition_id != edition.id:
        raise NotFound(N_("There is no such request."))
    if request.status != JoinRequestStatus.pending:
        raise Conflict(N_("This request has already been decided."))
    before = snapshot(request, ["status"])
    request.status = JoinRequestStatus.approved if approve else JoinRequestStatus.refused
    request.decided_at = utcnow()
    db_session.add(request)
    audit.record(
        db_session,
        actor=actor,
        action="join_request.approve" if approve else "join_request.refuse",
        subject=request,
        edition_id=edition.id,
        before=before,
        after=snapshot(request, ["status"]),
    )
    entity = db_session.get(Entity, request.entity_id)
    assert entity is not None
    if not approve:
        db_session.commit()
        return request, entity, None
    delegation = Delegation(
        edition_id=edition.id or 0,
        entity_id=entity.id or 0,
        focal_point_name=request.contact_name,
        focal_point_email=request.contact_email,
        focal_point_language=request.contact_language,
        status=DelegationStatus.invited,
    )
    token = _new_token(delegation)
    db_session.add(delegation)
    db_session.flush()
    audit.record(
        db_session,
        actor=actor,
        action="delegation.invite",
        subject=delegation,
        edition_id=edition.id,
        after=snapshot(delegation, ["entity_id", "status"]),
    )
    _queue_invitation(
        db_session, edition, windows.settings_of(db_session, edition), delegation, entity, token
    )
    db_session.commit()
    return request, entity, IssuedLink(delegation, entity, registration_url(token))


# ---- Invitations at scale: a CSV of focal points, contacts, the links as CSV ----------

CSV_COLUMNS = ("entity", "name", "email", "language")
MAX_CSV_ROWS = 400
MAX_CSV_BYTES = 200_000


@dataclass
class FocalPointRow:
    line: int
    entity: Entity
    name: str
    email: str
    language: str


@dataclass
class RowError:
    line: int
    text: str  # what the row said (its first cell), to find it in the file
    message: str  # an N_ msgid
    params: dict


def _find_entity(by_key: dict[str, Entity], value: str) -> Entity | None:
    return by_key.get(value.strip().casefold())


def read_focal_points_csv(
    db_session: Session, *, edition: Edition, content: bytes
) -> tuple[list[FocalPointRow], list[RowError]]:
    """Check every row of an uploaded list of focal points (entity by code or by its name in
    any language, name, email, language en/fr/ar); a header row is optional, a comma or a
    semicolon separates the columns (spreadsheets save either)."""
    if len(content) > MAX_CSV_BYTES:
        raise InvalidInput(
            N_("The file is too large: at most {count} rows."), field="file", count=MAX_CSV_ROWS
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(N_("Save the file as CSV in UTF-8."), field="file") from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        records = [
            r
            for r in csv.reader(io.StringIO(text), delimiter=delimiter)
            if any(c.strip() for c in r)
        ]
    except csv.Error:  # a cell beyond the reader's limit (128 KiB), or a stray NUL
        raise InvalidInput(N_("Save the file as CSV in UTF-8."), field="file") from None
    if records and records[0] and records[0][0].strip().casefold() == "entity":
        records = records[1:]
        start = 2
    else:
        start = 1
    if not records:
        raise InvalidInput(N_("The file holds no focal point."), field="file")
    if len(records) > MAX_CSV_ROWS:
        raise InvalidInput(
            N_("The file is too large: at most {count} rows."), field="file", count=MAX_CSV_ROWS
        )
    by_key: dict[str, Entity] = {}
    for entity in db_session.exec(select(Entity)):
        for key in (entity.name_en, entity.name_fr, entity.name_ar, entity.code):
            by_key.setdefault(key.casefold(), entity)
    settings = windows.settings_of(db_session, edition)
    allowed = set(settings.allowed_entity_types)
    invited = set(
        db_session.exec(select(Delegation.entity_id).where(Delegation.edition_id == edition.id))
    )
    rows: list[FocalPointRow] = []
    errors: list[RowError] = []
    seen: set[int] = set()
    for line, record in enumerate(records, start=start):
        cells = [cell.strip() for cell in record] + [""] * 4
        entity_text, name, email, language = cells[:4]

        def refuse(
            message: str, line: int = line, text: str = entity_text, **params: object
        ) -> None:
            errors.append(RowError(line, text[:80], message, params))

        if any(cell.strip() for cell in record[4:]):
            refuse(N_("Give four columns: entity, name, email, language."))
            continue
        entity = _find_entity(by_key, entity_text) if entity_text else None
        if entity is None:
            refuse(N_("No entity has this code or name."))
            continue
        if entity.id in invited:
            refuse(N_("This entity is already invited: edit its focal point on its page."))
            continue
        if entity.id in seen:
            refuse(N_("This entity is listed twice."))
            continue
        if allowed and entity.entity_type not in allowed:
            refuse(N_("Entities of this type may not take part in this edition."))
            continue
        if not name or len(name) > 200 or not is_single_line(name):
            refuse(N_("Enter a name of at most {count} characters."), count=200)
            continue
        if not email or len(email) > 254 or not EMAIL_PATTERN.match(email):
            refuse(N_("Enter a valid email address."))
            continue
        language = (language or "en").lower()
        if language not in LANGUAGES:
            refuse(N_("Choose English, French or Arabic."))
            continue
        seen.add(entity.id or 0)
        rows.append(FocalPointRow(line, entity, name, email, language))
    return rows, errors


def invite_focal_points(
    db_session: Session, *, edition: Edition, rows: list[FocalPointRow], actor: Actor
) -> list[IssuedLink]:
    """Invite each listed entity with its focal point, who gets the private link by email
    in their language (through the outbox)."""
    settings = windows.settings_of(db_session, edition)
    issued = []
    for row in rows:
        delegation = Delegation(
            edition_id=edition.id or 0,
            entity_id=row.entity.id or 0,
            focal_point_name=row.name,
            focal_point_email=row.email,
            focal_point_language=row.language,
        )
        issued.append(
            _invite(
                db_session, edition, settings, delegation, row.entity, actor, "focal_point_language"
            )
        )
    db_session.commit()
    return issued


def update_focal_point(
    db_session: Session,
    *,
    edition: Edition,
    delegation: Delegation,
    name: str,
    email: str,
    language: str,
    actor: Actor,
) -> Delegation:
    """Correct the focal point's contact: name, email and the language they are written in."""
    name = name.strip()
    if len(name) > 200:
        raise InvalidInput(
            N_("Enter a name of at most {count} characters."), field="focal_point_name", count=200
        )
    require_single_line(name, field="focal_point_name")
    checked = _check_email(email, "focal_point_email")
    if language not in LANGUAGES:
        raise InvalidInput(N_("Choose English, French or Arabic."), field="focal_point_language")
    fields = ["focal_point_name", "focal_point_email", "focal_point_language"]
    before = snapshot(delegation, fields)
    delegation.focal_point_name = name or None
    delegation.focal_point_email = checked
    delegation.focal_point_language = language
    delegation.updated_at = utcnow()
    db_session.add(delegation)
    audit.record(
        db_session,
        actor=actor,
        action="delegation.focal_point",
        subject=delegation,
        edition_id=edition.id,
        before=before,
        after=snapshot(delegation, fields),
    )
    db_session.commit()
    return delegation


def links_csv(db_session: Session, *, edition: Edition, pairs: list[str]) -> bytes:
    """The private links just issued, as CSV: each ``delegation_id:token`` pair the links
    page posts back is checked against the stored digest, so only a current link of this
    edition comes out, and no link is ever kept on the server."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["entity_code", "entity", "focal_point", "email", "language", "link"])
    for pair in pairs[:MAX_CSV_ROWS]:
        raw_id, _, token = pair.partition(":")
        delegation_id = whole_number(raw_id)
        if not delegation_id or not token or len(token) > 100:
            continue
        delegation = db_session.get(Delegation, delegation_id)
        if (
            delegation is None
            or delegation.edition_id != edition.id
            or delegation.token_hash != digest(token)
        ):
            continue
        entity = db_session.get(Entity, delegation.entity_id)
        assert entity is not None
        writer.writerow(
            [
                _cell(entity.code),
                _cell(entity.name_en),
                _cell(delegation.focal_point_name or ""),
                _cell(delegation.focal_point_email or ""),
                delegation.focal_point_language,
                registration_url(token),
            ]
        )
    return ("\ufeff" + out.getvalue()).encode()


def _cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
