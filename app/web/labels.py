"""Human names of stored codes (statuses, roles, metrics...), marked for translation.
Templates show them with ``_(labels.status[edition.status])``."""

from collections.abc import Callable
from typing import Any

from app.i18n import N_

status = {
    "draft": N_("Draft"),
    "announced": N_("Announced"),
    "registration_open": N_("Registration open"),
    "registration_closed": N_("Registration closed"),
    "held": N_("Held"),
    "concluded": N_("Concluded"),
    "archived": N_("Archived"),
}
kind = {"precursor": N_("Precursor event"), "session": N_("Session")}
metric = {
    "participants": N_("Participants"),
    "delegations": N_("Delegations"),
    "heads_of_agencies": N_("Heads of agencies"),
}
qualifier = {"exact": "", "over": N_("over"), "about": N_("about")}
person_role = {
    "co_chair": N_("Co-chair"),
    "opening_co_chair": N_("Co-chair of the opening ceremony"),
    "keynote_speaker": N_("Keynote speaker"),
    "opening_remarks": N_("Opening remarks"),
    "speaker": N_("Speaker"),
}
fact_field = {
    "start_date": N_("Start date"),
    "end_date": N_("End date"),
    "city": N_("City"),
    "country": N_("Country"),
    "venue": N_("Venue"),
    "year": N_("Year"),
    "number": N_("Session number"),
    "kind": N_("Kind of event"),
}
# How strongly a fact's quote backs it (app.history.models.Strength).
strength = {
    "stated": N_("stated"),
    "inferred": N_("inferred"),
    "reading": N_("the project's reading"),
}
strength_help = {
    "stated": N_("The quoted source says it."),
    "inferred": N_("Worked out from the quoted source; the note gives the reasoning."),
    "reading": N_("The project's interpretation, not a source's statement; the note says why."),
}
record_topic = {
    "formation": N_("Formation"),
    "supervision": N_("Supervision"),
    "objective": N_("Objectives"),
    "forum": N_("An annual forum"),
    "membership": N_("Membership"),
    "name": N_("Names it goes by"),
    "coordination": N_("Coordination with other processes"),
    "development": N_("Development"),
    "founding_year": N_("Year of establishment"),
    "mandate": N_("Mandate"),
    "organised": N_("Events organised"),
    "title": N_("Title held"),
    "attendance": N_("Also in attendance"),
    "organiser": N_("Organiser"),
    "opening_statement": N_("Opening statement"),
    "participation": N_("Participation"),
    "hosting": N_("Hosting"),
    "remarks": N_("What was said"),
    "assessment": N_("Assessment"),
}
entity_type = {
    "member_state": N_("Member State"),
    "observer_state": N_("Observer State"),
    "un_entity": N_("United Nations entity"),
    "international_organization": N_("International organisation"),
    "regional_organization": N_("Regional organisation"),
    "national_agency": N_("National agency"),
    "partner": N_("Partner"),
}
delegation_status = {
    "invited": N_("Invited"),
    "submitted": N_("Submitted"),
    "confirmed": N_("Confirmed"),
    "declined": N_("Declined"),
    "withdrawn": N_("Withdrawn"),
}
participant_status = {
    "pending": N_("Pending"),
    "accredited": N_("Accredited"),
    "rejected": N_("Rejected"),
}
delegation_role = {
    "head": N_("Head of delegation"),
    "deputy": N_("Deputy head of delegation"),
    "member": N_("Member"),
    "adviser": N_("Adviser"),
}
gender = {
    "female": N_("Female"),
    "male": N_("Male"),
    "undisclosed": N_("Other or prefers not to say"),
}
join_request_status = {
    "pending": N_("Waiting for a decision"),
    "approved": N_("Approved"),
    "refused": N_("Refused"),
}
outbox_status = {
    "queued": N_("Queued"),
    "sent": N_("Sent"),
    "written": N_("Written to the outbox folder"),
    "failed": N_("Failed"),
}
agenda_kind = {
    "opening_ceremony": N_("Opening ceremony"),
    "plenary": N_("Plenary"),
    "panel": N_("Panel"),
    "working_session": N_("Working session"),
    "closed_door_meeting": N_("Closed-door meeting"),
    "break": N_("Break"),
    "meal": N_("Meal"),
    "side_event": N_("Side event"),
    "press": N_("Press"),
}
visibility = {
    "public": N_("Public"),
    "participants": N_("Participants only"),
    "closed": N_("Closed"),
}
interpretation_language = {
    "ar": N_("Arabic"),
    "en": N_("English"),
    "fr": N_("French"),
    "es": N_("Spanish"),
    "pt": N_("Portuguese"),
    "ru": N_("Russian"),
    "zh": N_("Chinese"),
}
content_language = {"en": N_("English"), "fr": N_("French"), "ar": N_("Arabic")}
transition = {
    "announce": N_("Announce"),
    "open_registration": N_("Open registration"),
    "close_registration": N_("Close registration"),
    "mark_held": N_("Mark as held"),
    "conclude": N_("Conclude"),
    "archive": N_("Archive"),
    "withdraw": N_("Withdraw the announcement (back to draft)"),
    "reopen_registration": N_("Reopen registration"),
}
public_status = {
    "draft": N_("Draft, not visible to the public"),
    "announced": N_("Announced; registration is not open yet"),
    "registration_open": N_("Registration open"),
    "registration_closed": N_("Registration closed"),
    "held": N_("Held"),
    "concluded": N_("Concluded"),
    "archived": N_("Archived"),
}
outcome_kind = {
    "declaration": N_("Declaration"),
    "chairs_summary": N_("Chair's summary"),
    "joint_communique": N_("Joint communiqué"),
    "recommendations": N_("Recommendations"),
    "press_release": N_("Press release"),
}
outcome_status = {"draft": N_("Draft"), "adopted": N_("Adopted"), "published": N_("Published")}
actor_type = {
    "account": N_("Organiser"),
    "focal_point": N_("Focal point"),
    "cli": N_("Command line"),
    "system": N_("System"),
}
badge_entity_category = {
    "state": N_("State delegation"),
    "organisation": N_("Organisation"),
}
badge_role_category = {
    "head": N_("Head of delegation"),
    "delegate": N_("Delegate"),
}
statistics_dimension = {
    "entity_type": N_("By entity type"),
    "role": N_("By role in the delegation"),
    "interpretation_language": N_("By interpretation language"),
    "gender": N_("By gender, where given"),
}
statistics_value = {
    "entity_type": entity_type,
    "role": delegation_role,
    "interpretation_language": interpretation_language,
    "gender": {**gender, "": N_("Not given")},
}
# Titles a participant is addressed by (app.delegations.models.HONORIFICS), as each language
# abbreviates them: "S.E." and "M." in French, "سعادة" and "السيد" in Arabic.
honorific = {
    "H.E.": N_("H.E."),
    "Mr.": N_("Mr."),
    "Ms.": N_("Ms."),
    "Mrs.": N_("Mrs."),
    "Dr.": N_("Dr."),
    "Prof.": N_("Prof."),
    "Gen.": N_("Gen."),
    "Col.": N_("Col."),
    "Amb.": N_("Amb."),
}
# The kind of a source document (seed/sources.toml), stored in English.
source_kind = {
    "Encyclopedia-style article": N_("Encyclopedia-style article"),
    "Joint press release": N_("Joint press release"),
    "News article": N_("News article"),
    "Press release": N_("Press release"),
}


def titled_name(person: Any, translate: Callable[[str], str]) -> str:
    """A participant's name after their title of address in the reader's language ("S.E.
    Wanjiru Kamau" in French); a title not in ``honorific`` is kept as typed."""
    title = person.honorific or ""
    if title in honorific:
        title = translate(honorific[title])
    return " ".join(part for part in (title, person.given_name, person.family_name) if part)
