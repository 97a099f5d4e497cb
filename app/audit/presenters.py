"""What the audit log tells a person filling in a form: who changed the object meanwhile."""

from typing import Any

from fastapi import Request
from sqlmodel import Session
from starlette.datastructures import FormData

from app.audit import service as audit_service
from app.i18n import N_, format_moment, gettext
from app.web.conditional import changed_since

CHANGED_MEANWHILE = N_(
    "Someone else changed this after you opened this form. Nothing was saved: your changes "
    "are below; compare them with the saved version, then save again to keep them."
)
CHANGED_MEANWHILE_BY = N_(
    "{who} changed this at {when}, after you opened this form. Nothing was saved: your "
    "changes are below; compare them with the saved version, then save again to keep them."
)


def changed_meanwhile(
    db_session: Session,
    *,
    subject: Any,
    language: str,
    time_zone: str,
    anonymous: str = CHANGED_MEANWHILE,
    named: str = CHANGED_MEANWHILE_BY,
) -> str:
    """The message of a form saved on an older version of ``subject``: who changed it last
    and when, in the venue's time zone (from the audit log)."""
    change = audit_service.last_change(db_session, subject=subject)
    if change is None:
        return gettext(language, anonymous)
    when = format_moment(change.occurred_at, language, time_zone=time_zone)
    return gettext(language, named, who=change.actor_label, when=when)


def stale_form(
    request: Request, db_session: Session, form: FormData, *, subject: Any, time_zone: str
) -> str | None:
    """Whether a form opened on a version of ``subject`` (its hidden ``version`` field) is
    saved after someone else changed it: ``None`` when it may be saved (the row is then
    locked until the save commits), otherwise the message saying who changed it and when."""
    if not changed_since(db_session, subject, str(form.get("version", ""))):
        return None
    return changed_meanwhile(
        db_session, subject=subject, language=request.state.language, time_zone=time_zone
    )
