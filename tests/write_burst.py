"""Every kind of write at the same moment against the served application: focal points
submitting members, organisers changing the agenda, writing outcome statements and
re-issuing private links (whose invitation is mailed after the response), organisers
signing in, and the public asking to take part.

Personal data in the scenario carries ``MARK`` (names, emails, phones, passwords), so that
a test can look for it in everything the server logged. Used by tests/test_write_burst.py
and bench/registration.py."""

import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
from sqlmodel import Session, col, func, select

from app.agenda import service as agenda_service
from app.agenda.models import AgendaItem
from app.agenda.schemas import AgendaItemCreate
from app.audit.models import AuditEntry
from app.audit.service import COMMAND_LINE
from app.auth import service as auth_service
from app.auth.models import LoginSession, Role
from app.db import build_engine
from app.delegations import invitations
from app.delegations.models import Delegation, JoinRequest, Participant
from app.editions.models import Edition
from app.entities.models import Entity, EntityType
from app.outcomes.models import OutcomeStatement
from tests.served_app import add_open_edition

MARK = "PIIMARK"
PASSWORD = f"{MARK}-burst-password"  # noqa: S105 - a test account's password
SLUG = "burst-2027"
FOCAL_DELEGATIONS = 20
REISSUED_DELEGATIONS = 6
AGENDA_ITEMS = 7
OUTCOMES_PER_ROUND = 7
ORGANISERS = 5
FOCAL_POINT_SUBMISSIONS = 40
SIGN_INS = 20
JOIN_REQUESTS = 20
ROUNDS = 3
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
# Refusals a page may answer with (the rule, in the page's words).
PAGE_RULES = (
    "Too many requests from this address",
    "already invited or has already asked",
    "Too many failed sign-in attempts",
)


@dataclass
class Scenario:
    focal_tokens: list[str]
    reissued: list[int]
    agenda_items: list[int]
    organisers: list[str]
    api_token: str
    join_codes: list[str]
    secrets: list[str] = field(default_factory=list)  # everything that must never be logged


@dataclass
class Answer:
    kind: str
    status: int
    text: str
    key: str  # what the database must hold when the answer acknowledges the write
    extra: str = ""

    @property
    def acknowledged(self) -> bool:
        return 200 <= self.status < 300 or (self.kind == "sign_in" and self.status == 303)


def prepare(url: str, *, rounds: int = ROUNDS) -> Scenario:
    """An edition open for registration and for requests to take part, its delegations and
    agenda, organiser accounts and an API token."""
    engine = build_engine(url)
    with Session(engine, expire_on_commit=False) as db_session:
        edition = add_open_edition(
            db_session, slug=SLUG, title="Burst", quota=500, requests_open=True
        )
        tokens, reissued = [], []
        for index in range(FOCAL_DELEGATIONS + REISSUED_DELEGATIONS):
            entity = Entity(
                code=f"B{index}",
                entity_type=EntityType.member_state,
                name_en=f"State {index}",
                name_fr=f"État {index}",
                name_ar=f"دولة {index}",
            )
            db_session.add(entity)
            db_session.flush()
            delegation = Delegation(
                edition_id=edition.id,
                entity_id=entity.id,
                focal_point_name=f"{MARK} Focal {index}",
                focal_point_email=f"{MARK.lower()}.focal{index}@agency.example",
                focal_point_phone="+212 600 000 000",
            )
            db_session.add(delegation)
            db_session.commit()
            link = invitations.reissue_link(
                db_session,
                edition=edition,
                delegation=delegation,
                entity=entity,
                actor=COMMAND_LINE,
            )
            if index < FOCAL_DELEGATIONS:
                tokens.append(link.rsplit("/", 1)[1])
            else:
                reissued.append(delegation.id)
        join_codes = []
        for index in range(JOIN_REQUESTS * rounds):
            code = f"J{index}"
            db_session.add(
                Entity(
                    code=code,
                    entity_type=EntityType.member_state,
                    name_en=f"Asking State {index}",
                    name_fr=f"État demandeur {index}",
                    name_ar=f"دولة طالبة {index}",
                )
            )
            join_codes.append(code)
        db_session.commit()
        items = []
        for index in range(AGENDA_ITEMS):
            starts_at = datetime(2027, 6, 2, 9) + timedelta(minutes=30 * index)
            entry = agenda_service.create_item(
                db_session,
                edition=edition,
                item_in=AgendaItemCreate(
                    kind="plenary",
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(minutes=25),
                    title_en=f"Item {index}",
                ),
                actor=COMMAND_LINE,
            )
            items.append(entry.item.id)
        organisers = [
            f"{MARK.lower()}.organiser{index}@unoct.example" for index in range(ORGANISERS)
        ]
        for email in organisers:
            auth_service.create_account(
                db_session, email=email, password=PASSWORD, role=Role.organiser, actor=COMMAND_LINE
            )
        account = auth_service.get_account_by_email(db_session, organisers[0])
        assert account is not None
        api_token = auth_service.create_api_token(
            db_session, account=account, label="burst", actor=COMMAND_LINE
        )
    engine.dispose()
    return Scenario(
        focal_tokens=tokens,
        reissued=reissued,
        agenda_items=items,
        organisers=organisers,
        api_token=api_token,
        join_codes=join_codes,
        secrets=[*tokens, api_token, PASSWORD],
    )


Job = Callable[[httpx.Client, threading.Barrier], Answer]


def _api_answer(kind: str, response: httpx.Response, key: str) -> Answer:
    return Answer(kind, response.status_code, response.text, key)


def _jobs(scenario: Scenario, round_number: int) -> list[Job]:
    """The hundred requests of one round, each waiting at the barrier before it is sent."""
    r = round_number
    bearer = {"Authorization": f"Bearer {scenario.api_token}"}
    jobs: list[Job] = []

    def focal(serial: int) -> Job:
        token = scenario.focal_tokens[serial % len(scenario.focal_tokens)]
        email = f"{MARK.lower()}.member{r}-{serial}@agency.example"
        body = {
            "given_name": f"{MARK} Given {r}-{serial}",
            "family_name": f"{MARK} Family",
            "function": "Officer",
            "role": "member",
            "email": email,
            "phone": f"+212 6{r}{serial:02d} 000 000",
        }

        def job(http: httpx.Client, barrier: threading.Barrier) -> Answer:
            barrier.wait()
            response = http.post(f"/api/v1/register/{token}/participants", json=body)
            return _api_answer("focal_point", response, email)

        return job

    def agenda(index: int) -> Job:
        item_id = scenario.agenda_items[index]
        title = f"Item {index} round {r}"

        def job(http: httpx.Client, barrier: threading.Barrier) -> Answer:
            barrier.wait()
            response = http.patch(
                f"/api/v1/editions/{SLUG}/agenda/items/{item_id}",
                json={"title_en": title, "chair": f"{MARK} Chair {r}"},
                headers=bearer,
            )
            return Answer("agenda", response.status_code, response.text, str(item_id), title)

        return job

    def outcome(index: int) -> Job:
        title = f"Statement {r}-{index}"

        def job(http: httpx.Client, barrier: threading.Barrier) -> Answer:
            barrier.wait()
            response = http.post(
                f"/api/v1/editions/{SLUG}/outcomes",
                json={"kind": "declaration", "title_en": title, "body_en": "Text."},
                headers=bearer,
            )
            return _api_answer("outcome", response, title)

        return job

    def reissue(delegation_id: int) -> Job:
        def job(http: httpx.Client, barrier: threading.Barrier) -> Answer:
            barrier.wait()
            response = http.post(
                f"/api/v1/editions/{SLUG}/delegations/{delegation_id}/link", headers=bearer
            )
            answer = _api_answer("reissue", response, str(delegation_id))
            if response.status_code == 200:
                answer.extra = response.json()["registration_link"].rsplit("/", 1)[1]
                scenario.secrets.append(answer.extra)
            return answer

        return job

    def sign_in(serial: int) -> Job:
        email = scenario.organisers[serial % len(scenario.organisers)]

        def job(http: httpx.Client, barrier: threading.Barrier) -> Answer:
            csrf = CSRF_INPUT.search(http.get("/admin/sign-in").text)
            assert csrf, "the sign-in form has no CSRF token"
            barrier.wait()
            response = http.post(
                "/admin/sign-in",
                data={"email": email, "password": PASSWORD, "csrf_token": csrf[1]},
            )
            return Answer("sign_in", response.status_code, response.text, email)

        return job

    def join(serial: int) -> Job:
        code = scenario.join_codes[r * JOIN_REQUESTS + serial]
        email = f"{MARK.lower()}.contact{r}-{serial}@ministry.example"

        def job(http: httpx.Client, barrier: threading.Barrier) -> Answer:
            # A distinct address per contact, as if each asked from its own office; the
            # throttle per address stays out of the way (a refusal by it is a rule too).
            forwarded = {"X-Forwarded-For": f"198.51.{r}.{serial + 1}"}
            page = http.get(f"/editions/{SLUG}/participate", headers=forwarded)
            csrf = CSRF_INPUT.search(page.text)
            assert csrf, f"the participate form has no CSRF token ({page.status_code})"
            barrier.wait()
            response = http.post(
                f"/editions/{SLUG}/participate",
                data={
                    "entity_code": code,
                    "contact_name": f"{MARK} Contact {r}-{serial}",
                    "contact_email": email,
                    "message": f"{MARK} we would like to take part",
                    "csrf_token": csrf[1],
                },
                headers=forwarded,
            )
            return Answer("join", response.status_code, response.text, email)

        return job

    jobs += [focal(serial) for serial in range(FOCAL_POINT_SUBMISSIONS)]
    jobs += [agenda(index) for index in range(AGENDA_ITEMS)]
    jobs += [outcome(index) for index in range(OUTCOMES_PER_ROUND)]
    jobs += [reissue(delegation_id) for delegation_id in scenario.reissued]
    jobs += [sign_in(serial) for serial in range(SIGN_INS)]
    jobs += [join(serial) for serial in range(JOIN_REQUESTS)]
    return jobs


def fire_round(
    base_url: str, scenario: Scenario, round_number: int, timings: list[float] | None = None
) -> list[Answer]:
    """One round: every request of the round sent at the same moment; their answers (and,
    in ``timings``, the seconds from that moment to the last answer)."""
    jobs = _jobs(scenario, round_number)
    released: list[float] = []
    barrier = threading.Barrier(len(jobs), action=lambda: released.append(time.perf_counter()))

    def run(job: Job) -> Answer:
        with httpx.Client(base_url=base_url, timeout=120) as http:
            try:
                return job(http, barrier)
            except httpx.TransportError as error:
                barrier.abort()
                return Answer("transport", 599, repr(error), "")

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        answers = list(pool.map(run, jobs))
    if timings is not None and released:
        timings.append(time.perf_counter() - released[0])
    return answers


def refusal_without_rule(answer: Answer) -> bool:
    """A server error, or a refusal that does not say which rule refused it."""
    if answer.acknowledged:
        return False
    if not 400 <= answer.status < 500:
        return True
    if answer.kind in ("sign_in", "join"):
        return not any(rule in answer.text for rule in PAGE_RULES)
    try:
        import json

        return not json.loads(answer.text)["detail"]
    except (ValueError, KeyError, TypeError, AttributeError, IndexError):
        return True


def stored_state(url: str, scenario: Scenario) -> dict:
    """What the database holds of the writes the scenario makes."""
    engine = build_engine(url)
    with Session(engine) as db_session:
        edition = db_session.exec(select(Edition).where(Edition.slug == SLUG)).one()
        members = db_session.exec(
            select(Participant.email_normalized).where(Participant.edition_id == edition.id)
        ).all()
        items = db_session.exec(
            select(AgendaItem.id, AgendaItem.title_en).where(
                col(AgendaItem.id).in_(scenario.agenda_items)
            )
        ).all()
        outcomes = db_session.exec(
            select(OutcomeStatement.title_en).where(OutcomeStatement.edition_id == edition.id)
        ).all()
        reissues = db_session.exec(
            select(AuditEntry.subject_id, func.count())
            .where(
                AuditEntry.action == "delegation.reissue_link",
                AuditEntry.subject_type == "delegation",
                col(AuditEntry.subject_id).in_(scenario.reissued),
            )
            .group_by(AuditEntry.subject_id)
        ).all()
        links = db_session.exec(
            select(Delegation.id, Delegation.token_hash).where(
                col(Delegation.id).in_(scenario.reissued)
            )
        ).all()
        login_sessions = db_session.exec(select(func.count()).select_from(LoginSession)).one()
        joins = db_session.exec(
            select(JoinRequest.contact_email).where(JoinRequest.edition_id == edition.id)
        ).all()
    engine.dispose()
    return {
        "members": Counter(members),
        "items": dict(items),
        "outcomes": Counter(outcomes),
        "reissues": {int(subject): count for subject, count in reissues},
        "links": dict(links),
        "login_sessions": login_sessions,
        "joins": Counter(joins),
    }


def expected_state(before: dict, answers: list[Answer]) -> dict:
    """What the database must hold: the state before plus exactly the acknowledged writes."""
    acknowledged = [answer for answer in answers if answer.acknowledged]

    def keys(kind: str) -> Counter:
        return Counter(answer.key for answer in acknowledged if answer.kind == kind)

    expected = {
        "members": before["members"] + keys("focal_point"),
        "items": dict(before["items"]),
        "outcomes": before["outcomes"] + keys("outcome"),
        "reissues": dict(before["reissues"]),
        "links": dict(before["links"]),
        "login_sessions": before["login_sessions"] + keys("sign_in").total(),
        "joins": before["joins"] + keys("join"),
    }
    for answer in acknowledged:  # rounds run one after another, answers in round order
        if answer.kind == "agenda":
            expected["items"][int(answer.key)] = answer.extra
        elif answer.kind == "reissue":
            delegation_id = int(answer.key)
            expected["reissues"][delegation_id] = expected["reissues"].get(delegation_id, 0) + 1
            expected["links"][delegation_id] = auth_service.digest(answer.extra)
    return expected
