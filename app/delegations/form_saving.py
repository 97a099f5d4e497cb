"""Saving everything the focal point's page holds, whichever of its buttons was pressed.

The page is one form: the details, the member being added or corrected and the letter are
saved together, then the button's own action (remove a member, submit) runs. Each part is
saved on its own, so an error in one keeps the others, and the page comes back with every
value typed (nothing typed is ever thrown away)."""

from dataclasses import dataclass, field
from typing import Literal

from sqlmodel import Session
from starlette.datastructures import FormData

from app.delegations import forms, participants, uploads
from app.delegations.errors import InvalidFields
from app.delegations.models import Delegation
from app.delegations.participants import focal_point_actor
from app.editions.models import Edition
from app.errors import DomainError

Action = Literal["save", "member", "remove", "submit", "edit", "letter"]
# Text fields of the member form: when all are empty, no member is being typed.
MEMBER_TEXT_FIELDS = (
    "given_name",
    "family_name",
    "function",
    "agency",
    "email",
    "phone",
    "arrival_date",
    "departure_date",
    "dietary_needs",
    "access_needs",
)


@dataclass
class FormOutcome:
    errors: list[DomainError] = field(default_factory=list)
    saved: list[str] = field(default_factory=list)

    @property
    def error(self) -> DomainError | None:
        """All errors as one, with the status of the first (409 closed, 422 invalid...)."""
        if not self.errors:
            return None
        combined = InvalidFields(
            [e for error in self.errors for e in (getattr(error, "errors", None) or [error])]
        )
        combined.status_code = self.errors[0].status_code
        return combined


def _details_changed(form: FormData, delegation: Delegation) -> bool:
    if "focal_point_name" not in form and "focal_point_email" not in form:
        return False
    for name in forms.DETAIL_FIELDS:
        typed = str(form.get(name) or "").strip()
        stored = getattr(delegation, name) or ""
        if typed != stored and not (name == "focal_point_language" and not typed):
            return True
    return False


def _member_typed(form: FormData) -> bool:
    return any(str(form.get(name) or "").strip() for name in MEMBER_TEXT_FIELDS)


def _run(outcome: FormOutcome, part: str, step: object) -> None:
    try:
        step()  # type: ignore[operator]
    except DomainError as error:
        outcome.errors.append(error)
    else:
        outcome.saved.append(part)


def save_registration_form(
    db_session: Session,
    *,
    edition: Edition,
    delegation: Delegation,
    form: FormData,
    letter: tuple[bytes, str | None] | None,
    action: Action,
    participant_id: int | None = None,
    editing: int | None = None,
) -> FormOutcome:
    """Save the details, the member and the letter typed on the page, then do ``action``."""
    actor = focal_point_actor(delegation)
    outcome = FormOutcome()
    if _details_changed(form, delegation):
        _run(
            outcome,
            "details",
            lambda: participants.update_details(
                db_session,
                edition=edition,
                delegation=delegation,
                details_in=forms.details_from_form(form),
                actor=actor,
            ),
        )
    if letter is not None and (letter[0] or action == "letter"):
        _run(
            outcome,
            "letter",
            lambda: uploads.store_letter(
                db_session,
                edition=edition,
                delegation=delegation,
                content=letter[0],
                filename=letter[1],
                actor=actor,
            ),
        )
    member_id = participant_id if action == "member" else editing
    if action == "remove" and member_id == participant_id:
        member_id = None  # the member being corrected is the one removed
    elif action == "member" or (member_id is not None) or _member_typed(form):
        _run(
            outcome,
            "member",
            lambda: participants.save_participant(
                db_session,
                edition=edition,
                delegation=delegation,
                participant_in=forms.participant_from_form(form, edition),
                actor=actor,
                participant_id=member_id,
            ),
        )
    if action == "remove" and participant_id is not None:
        _run(
            outcome,
            "removed",
            lambda: participants.remove_participant(
                db_session,
                edition=edition,
                delegation=delegation,
                participant_id=participant_id,
                actor=actor,
            ),
        )
    if action == "submit" and not outcome.errors:
        _run(
            outcome,
            "submitted",
            lambda: participants.submit_delegation(
                db_session, edition=edition, delegation=delegation, actor=actor
            ),
        )
    return outcome
