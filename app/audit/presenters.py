"""What the audit log tells a person filling in a form: who changed the object meanwhile."""

from typing import Any

from sqlmodel import Session

from app.audit import service as audit_service
from app.i18n import N_, format_moment, gettext

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
