"""Organiser pages: settings, invitations, the delegations table, review, requests, lists."""

import csv
import io
import re

from openpyxl import load_workbook
from sqlmodel import select

from app.audit.models import AuditEntry
from app.audit.service import SYSTEM
from app.auth.models import Role
from app.delegations.models import Delegation, JoinRequest, Participant, RegistrationSettings
from app.delegations.participants import focal_point_actor, save_participant
from app.delegations.schemas import ParticipantIn
from app.delegations.service import delegation_for_token
from app.delegations.windows import deadline_of
from app.editions.models import Edition
from tests.factories import (
    extract_csrf,
    make_delegation,
    make_edition,
    open_registration,
    participant_data,
    sign_in,
)


def _register(db_session, token: str, **data) -> None:  # noqa: ANN001, ANN003
    """Register a member as the focal point would (through the service, cookie-free)."""
    delegation, _edition = delegation_for_token(db_session, token)
    save_participant(
        db_session,
        edition=db_session.get(Edition, delegation.edition_id),
        delegation=delegation,
        participant_in=ParticipantIn(**participant_data(**data)),
        actor=focal_point_actor(delegation),
    )


def test_settings_form_saves_local_times_and_shows_errors_next_to_fields(
    client, db_session
) -> None:
    sign_in(client, db_session)
    edition = make_edition(db_session)
    page = client.get(f"/admin/editions/{edition.slug}/registration")
    assert "Casablanca" in page.text
    token = extract_csrf(page.text)
    url = f"/admin/editions/{edition.slug}/registration"
    bad = client.post(
        url,
        data={
            "csrf_token": token,
            "opens_at": "2027-05-02T09:00",
            "deadline_at": "2027-05-01T18:00",
            "default_quota": "6",
        },
    )
    assert bad.status_code == 422 and 'id="error-deadline_at"' in bad.text
    good = client.post(
        url,
        data={
            "csrf_token": token,
            "deadline_at": "2027-05-01T18:00",
            "default_quota": "6",
            "allowed_entity_types": ["member_state"],
            "requests_open": "1",
        },
        follow_redirects=False,
    )
    assert good.status_code == 303, good.text
    assert deadline_of(db_session, edition).hour == 17
    stored = db_session.exec(
        select(RegistrationSettings).where(RegistrationSettings.edition_id == edition.id)
    ).one()
    assert stored.default_quota == 6 and stored.allowed_entity_types == ["member_state"]
    again = client.get(url)
    assert 'value="2027-05-01T18:00"' in again.text


def test_invite_shows_links_once_and_the_table_lists_counts_and_filters(client, db_session) -> None:
    sign_in(client, db_session)
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    table = client.get(f"/admin/editions/{edition.slug}/delegations")
    response = client.post(
        f"/admin/editions/{edition.slug}/delegations/invite",
        data={"csrf_token": extract_csrf(table.text), "entity_codes": "KEN NGA UNOCT"},
    )
    assert response.status_code == 200 and response.text.count("/register/") == 3
    kenya = db_session.exec(select(Delegation).where(Delegation.edition_id == edition.id)).all()
    assert len(kenya) == 3
    token = response.text.split("/register/")[1].split("<")[0]
    _register(db_session, token, role="head")
    table = client.get(f"/admin/editions/{edition.slug}/delegations")
    assert "Kenya" in table.text and "Nigeria" in table.text and "/register/" not in table.text
    assert "3 delegations, 1 participant, 0 accredited." in table.text
    member_states = client.get(
        f"/admin/editions/{edition.slug}/delegations?entity_type=member_state"
    )
    assert (
        "Kenya" in member_states.text
        and "Office of Counter-Terrorism</a>" not in member_states.text
    )
    bad = client.post(
        f"/admin/editions/{edition.slug}/delegations/invite",
        data={"csrf_token": extract_csrf(table.text), "entity_codes": "XXX"},
    )
    assert bad.status_code == 422 and "no entity with the code" in bad.text


def test_bulk_accreditation_from_the_detail_page_is_audited(client, db_session) -> None:
    account = sign_in(client, db_session)
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    delegation, token = make_delegation(db_session, edition)
    _register(db_session, token, role="head")
    _register(db_session, token)
    ids = [
        p.id
        for p in db_session.exec(
            select(Participant).where(Participant.delegation_id == delegation.id)
        )
    ]
    url = f"/admin/editions/{edition.slug}/delegations/{delegation.id}"
    page = client.get(url)
    assert page.status_code == 200 and "Head of delegation" in page.text
    reviewed = client.post(
        url + "/review",
        data={
            "csrf_token": extract_csrf(page.text),
            "participant_ids": [str(i) for i in ids],
            "status": "accredited",
        },
        follow_redirects=False,
    )
    assert reviewed.status_code == 303
    statuses = db_session.exec(
        select(Participant.status).where(Participant.delegation_id == delegation.id)
    ).all()
    assert set(statuses) == {"accredited"}
    entries = db_session.exec(
        select(AuditEntry).where(AuditEntry.action == "participant.accredited")
    ).all()
    assert len(entries) == 2 and entries[0].actor_id == account.id
    assert entries[0].before == {"status": "pending", "rejection_reason": None}
    no_reason = client.post(
        url + "/review",
        data={
            "csrf_token": extract_csrf(page.text),
            "participant_ids": [str(ids[0])],
            "status": "rejected",
        },
    )
    assert no_reason.status_code == 422 and 'id="error-reason"' in no_reason.text


def test_a_viewer_reads_but_sees_no_write_actions(client, db_session) -> None:
    sign_in(client, db_session, role=Role.viewer)
    edition = make_edition(db_session)
    delegation, _ = make_delegation(db_session, edition)
    page = client.get(f"/admin/editions/{edition.slug}/delegations/{delegation.id}")
    assert page.status_code == 200 and "Issue a new private link" not in page.text
    refused = client.post(
        f"/admin/editions/{edition.slug}/delegations/{delegation.id}/link",
        data={"csrf_token": extract_csrf(page.text)},
    )
    assert refused.status_code == 403


def test_lists_group_member_states_then_other_states_then_organisations_head_first(
    client, db_session
) -> None:
    sign_in(client, db_session)
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    for code in ("UNOCT", "NGA", "KEN"):
        _, token = make_delegation(db_session, edition, code=code)
        _register(db_session, token, given_name=f"Member{code}")
        _register(db_session, token, given_name=f"Head{code}", role="head")
    _register(
        db_session,
        make_delegation(db_session, edition, code="MAR")[1],
        given_name="=cmd()",
        role="head",
    )
    page = client.get(f"/admin/editions/{edition.slug}/participants/print")
    text = page.text
    assert (
        text.index("Kenya")
        < text.index("Morocco")
        < text.index("Nigeria")
        < text.index("Organisations")
    )
    assert text.index("HeadKEN") < text.index("MemberKEN")
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/admin/editions/{edition.slug}/participants.csv").content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert rows[0][:3] == ["Group", "Delegation", "Code"]
    assert [r[4] for r in rows[1:3]] == ["HeadKEN", "MemberKEN"]
    assert "'=cmd()" in [r[4] for r in rows]  # no formula injection
    workbook = load_workbook(
        io.BytesIO(client.get(f"/admin/editions/{edition.slug}/participants.xlsx").content)
    )
    assert workbook.active["E2"].value == "HeadKEN"
    pdf = client.get(f"/admin/editions/{edition.slug}/participants.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    from pypdf import PdfReader

    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "HeadKEN" in pdf_text and "Member States" in pdf_text


def test_lists_are_for_organisers_only(client, db_session) -> None:
    edition = make_edition(db_session)
    for suffix in (".csv", ".xlsx", ".pdf", "/print"):
        response = client.get(
            f"/admin/editions/{edition.slug}/participants{suffix}", follow_redirects=False
        )
        assert response.status_code == 303 and "/admin/sign-in" in response.headers["location"]


def test_join_request_with_honeypot_throttle_and_approval(client, db_session) -> None:
    edition = make_edition(db_session)
    open_registration(db_session, edition, requests_open=True)
    page = client.get(f"/editions/{edition.slug}/participate")
    assert page.status_code == 200
    token = extract_csrf(page.text)
    url = f"/editions/{edition.slug}/participate"
    robot = client.post(
        url,
        data={
            "csrf_token": token,
            "entity_code": "GHA",
            "contact_name": "x",
            "contact_email": "r@x.example",
            "website": "spam",
        },
    )
    assert robot.status_code == 200 and "Thank you" in robot.text
    assert db_session.exec(select(JoinRequest)).first() is None
    sent = client.post(
        url,
        data={
            "csrf_token": token,
            "entity_code": "GHA",
            "contact_name": "Kofi",
            "contact_email": "kofi@ghana.example",
        },
    )
    assert "Thank you" in sent.text
    twice = client.post(
        url,
        data={
            "csrf_token": token,
            "entity_code": "GHA",
            "contact_name": "Kofi",
            "contact_email": "kofi@ghana.example",
        },
    )
    assert twice.status_code == 409 and 'id="error-entity_code"' in twice.text
    for code in ("TGO", "BEN", "SEN", "MLI"):
        client.post(
            url,
            data={
                "csrf_token": token,
                "entity_code": code,
                "contact_name": "A",
                "contact_email": "a@b.example",
            },
        )
    throttled = client.post(
        url,
        data={
            "csrf_token": token,
            "entity_code": "CIV",
            "contact_name": "A",
            "contact_email": "a@b.example",
        },
    )
    assert throttled.status_code == 429
    sign_in(client, db_session)
    requests_page = client.get(f"/admin/editions/{edition.slug}/requests")
    assert "Kofi" in requests_page.text
    request = db_session.exec(select(JoinRequest).where(JoinRequest.contact_name == "Kofi")).one()
    decided = client.post(
        f"/admin/editions/{edition.slug}/requests/{request.id}",
        data={"csrf_token": extract_csrf(requests_page.text), "decision": "approve"},
        follow_redirects=False,
    )
    assert decided.status_code == 303
    delegation = db_session.exec(
        select(Delegation).where(Delegation.edition_id == edition.id)
    ).one()
    assert delegation.focal_point_email == "kofi@ghana.example" and delegation.token_hash


def test_requests_closed_is_a_404(client, db_session) -> None:
    edition = make_edition(db_session)
    response = client.get(f"/editions/{edition.slug}/participate")
    assert response.status_code == 404
    assert "This edition does not take requests to participate." in response.text
    assert 'name="entity_code"' not in response.text  # no form to fill in


def test_delegations_table_and_list_queries_do_not_grow_with_delegations(
    client, db_session, count_queries
) -> None:
    sign_in(client, db_session)
    counts = []
    for size in (1, 30):
        edition = make_edition(db_session)
        open_registration(db_session, edition)
        from app.delegations import invitations
        from app.delegations.schemas import InvitationIn
        from app.entities.models import Entity

        codes = db_session.exec(
            select(Entity.code).where(Entity.entity_type == "member_state").limit(size)
        ).all()
        issued = invitations.invite_entities(
            db_session,
            edition=edition,
            invitation_in=InvitationIn(entity_codes=list(codes)),
            actor=SYSTEM,
        )
        for item in issued:
            _register(db_session, item.link.rsplit("/", 1)[1], role="head")
        with count_queries() as table:
            assert client.get(f"/admin/editions/{edition.slug}/delegations").status_code == 200
        with count_queries() as printed:
            assert (
                client.get(f"/admin/editions/{edition.slug}/participants/print").status_code == 200
            )
        counts.append((table.count, printed.count))
    assert counts[0] == counts[1]


def test_edition_page_invites_requests_only_while_they_are_open(client, db_session) -> None:
    from tests.factories import make_edition, open_registration

    edition = make_edition(db_session)
    link = f'href="/editions/{edition.slug}/participate"'
    assert link not in client.get(f"/editions/{edition.slug}").text
    open_registration(db_session, edition, requests_open=True)
    assert link in client.get(f"/editions/{edition.slug}").text


def test_counts_agree_with_their_number_in_each_language(client, db_session) -> None:
    sign_in(client, db_session)
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    _, token = make_delegation(db_session, edition, code="KEN")
    make_delegation(db_session, edition, code="NGA")
    make_delegation(db_session, edition, code="GHA")
    _register(db_session, token, role="head")
    _register(db_session, token)
    url = f"/admin/editions/{edition.slug}/delegations"
    assert "3 delegations, 2 participants, 0 accredited." in client.get(url + "?lang=en").text
    assert "3 délégations, 2 participants, 0 accrédité." in client.get(url + "?lang=fr").text
    assert "3 وفود، مشاركان، 0 معتمد." in client.get(url + "?lang=ar").text


def test_the_delegation_filters_as_the_form_sends_them(client, db_session) -> None:
    sign_in(client, db_session)
    edition = make_edition(db_session)
    make_delegation(db_session, edition, code="MLI")
    make_delegation(db_session, edition, code="KEN")
    url = f"/admin/editions/{edition.slug}/delegations"
    empty = client.get(url)
    assert "No delegation yet." not in empty.text
    found = client.get(f"{url}?status=&entity_type=&q=mal")
    rows = re.sub(r"<datalist.*?</datalist>", "", found.text, flags=re.S)  # the invite picker
    assert found.status_code == 200 and "Mali" in rows and "Kenya" not in rows
    none = client.get(f"{url}?status=confirmed&entity_type=&q=")
    assert none.status_code == 200 and "No delegation matches these filters." in none.text
    assert "No delegation yet." not in none.text
    fresh = make_edition(db_session)
    assert "No delegation yet." in client.get(f"/admin/editions/{fresh.slug}/delegations").text


def test_addresses_phones_and_codes_are_isolated_left_to_right_in_arabic(
    client, db_session
) -> None:
    sign_in(client, db_session)
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    delegation, token = make_delegation(db_session, edition, email="fp@kenya.example")
    delegation.focal_point_phone = "+223 20 22 00 00"
    db_session.add(delegation)
    db_session.commit()
    _register(db_session, token, role="head", email="amina@kenya.example", phone="+254 20 1")
    page = client.get(f"/admin/editions/{edition.slug}/delegations/{delegation.id}?lang=ar").text
    assert 'dir="rtl"' in page
    for text in ("+223 20 22 00 00", "fp@kenya.example", "amina@kenya.example", "+254 20 1", "KEN"):
        assert f'<bdi dir="ltr">{text}</bdi>' in page, text
    table = client.get(f"/admin/editions/{edition.slug}/delegations?lang=ar").text
    assert '<bdi dir="ltr">KEN</bdi>' in table
