"""Organisers print badges, re-issue one, and check people in at the desk."""

import io

import pytest
from pypdf import PdfReader
from sqlmodel import select

from app.audit.models import AuditEntry
from app.badges import service as badges_service
from app.delegations.models import Participant
from tests.factories import (
    extract_csrf,
    make_delegation,
    make_edition,
    make_participant,
    open_registration,
    sign_in,
)


@pytest.fixture
def edition(db_session):  # noqa: ANN001, ANN201
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    return edition


def _people(db_session, edition):  # noqa: ANN001, ANN202
    kenya, _ = make_delegation(db_session, edition, code="KEN")
    morocco, _ = make_delegation(db_session, edition, code="MAR")
    unoct, _ = make_delegation(db_session, edition, code="UNOCT")
    return {
        "head": make_participant(
            db_session, edition, kenya, given_name="Wanjiru", family_name="Kamau", role="head"
        ),
        "arabic": make_participant(
            db_session, edition, morocco, given_name="يوسف", family_name="العلمي", role="head"
        ),
        "un": make_participant(
            db_session, edition, unoct, given_name="Claire", family_name="Dubois"
        ),
        "pending": make_participant(
            db_session, edition, kenya, given_name="Pendo", family_name="Waiting", status="pending"
        ),
        "rejected": make_participant(
            db_session,
            edition,
            kenya,
            given_name="Rejecta",
            family_name="Refused",
            status="rejected",
        ),
    }


def test_badges_pdf_has_the_accredited_names_only(client, db_session, edition) -> None:  # noqa: ANN001
    sign_in(client, db_session)
    people = _people(db_session, edition)
    response = client.get(f"/admin/editions/{edition.slug}/badges.pdf")
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Wanjiru Kamau" in text and "Claire Dubois" in text
    assert "يوسف" in text or "ﻳﻮﺳﻒ" in text or "العلمي" in text or "ﺍﻟﻌﻠﻤﻲ" in text
    assert "Kenya" in text and "Head of delegation" in text and "Organisation" in text
    assert badges_service.badge_code(people["head"]) in "".join(text.split())
    assert "Pendo" not in text and "Rejecta" not in text


def test_the_qr_code_carries_the_signed_code(client, db_session, edition) -> None:  # noqa: ANN001
    sign_in(client, db_session)
    people = _people(db_session, edition)
    page = client.get(f"/admin/editions/{edition.slug}/badges/print")
    codes = {badges_service.badge_code(people[key]) for key in ("head", "arabic", "un")}
    for code in codes:
        assert f'data-code="{code}"' in page.text
    assert 'class="badge-band category-state"' in page.text
    assert 'class="badge-band category-organisation"' in page.text
    assert "role-head" in page.text and "role-delegate" in page.text
    assert '<div class="badge-name" dir="rtl"><bdi>Mr. يوسف العلمي</bdi>' in page.text
    assert "Pendo" not in page.text and "Rejecta" not in page.text
    assert people["head"].email not in page.text
    printed = client.get(f"/admin/editions/{edition.slug}/badges.pdf").content
    assert _scanned(printed) == codes  # what a scanner at the desk reads off the paper


def _scanned(pdf: bytes) -> set[str]:
    """Print the badges at 300 dpi and read their QR codes the way a scanner does."""
    import pypdfium2
    import zxingcpp

    document = pypdfium2.PdfDocument(pdf)
    found = set()
    for page in document:
        image = page.render(scale=300 / 72).to_pil()
        for result in zxingcpp.read_barcodes(image):
            assert result.format == zxingcpp.BarcodeFormat.QRCode
            found.add(result.text)
    document.close()
    return found


def test_badges_filtered_by_delegation(client, db_session, edition) -> None:  # noqa: ANN001
    sign_in(client, db_session)
    people = _people(db_session, edition)
    page = client.get(
        f"/admin/editions/{edition.slug}/badges/print?delegation={people['un'].delegation_id}"
    )
    assert "Claire Dubois" in page.text and "Wanjiru" not in page.text


def _check_in(client, edition, code):  # noqa: ANN001, ANN202
    desk = client.get(f"/admin/editions/{edition.slug}/check-in")
    assert 'name="code" value="" autofocus' in desk.text
    return client.post(
        f"/admin/editions/{edition.slug}/check-in",
        data={"csrf_token": extract_csrf(desk.text), "code": code},
        follow_redirects=False,
    )


def test_check_in_desk_arrival_then_already_used(client, db_session, edition) -> None:  # noqa: ANN001
    sign_in(client, db_session)
    people = _people(db_session, edition)
    code = badges_service.badge_code(people["head"])
    response = _check_in(client, edition, code)
    assert response.status_code == 303
    location = response.headers["location"]
    assert "Wanjiru" not in location and code not in location
    page = client.get(location)
    assert "Welcome: arrived." in page.text and "Wanjiru Kamau" in page.text
    assert "<td>Kenya</td><td>1</td><td>1</td>" in page.text
    db_session.refresh(people["head"])
    assert people["head"].checked_in_at is not None
    again = _check_in(client, edition, code)
    assert again.status_code == 422
    assert "Already checked in at " in again.text and "Refused." in again.text
    entries = db_session.exec(
        select(AuditEntry).where(
            AuditEntry.action == "participant.check_in",
            AuditEntry.subject_id == people["head"].id,
        )
    ).all()
    assert len(entries) == 1


def test_check_in_refuses_forged_revoked_and_rejected_codes(client, db_session, edition) -> None:  # noqa: ANN001
    sign_in(client, db_session)
    people = _people(db_session, edition)
    forged = _check_in(client, edition, "A" * 26)
    assert forged.status_code == 422 and "Unknown badge" in forged.text
    rejected = _check_in(client, edition, badges_service.badge_code(people["rejected"]))
    assert rejected.status_code == 422 and "not accredited" in rejected.text
    old_code = badges_service.badge_code(people["un"])
    page = client.get(f"/admin/editions/{edition.slug}/badges")
    reissue = client.post(
        f"/admin/editions/{edition.slug}/badges/{people['un'].id}/reissue",
        data={"csrf_token": extract_csrf(page.text), "confirm": "yes"},
        follow_redirects=False,
    )
    assert reissue.status_code == 303
    assert "A new badge was issued" in client.get(reissue.headers["location"]).text
    revoked = _check_in(client, edition, old_code)
    assert revoked.status_code == 422 and "Revoked badge" in revoked.text
    assert db_session.get(Participant, people["un"].id).checked_in_at is None
    assert db_session.exec(
        select(AuditEntry).where(AuditEntry.action == "participant.badge_reissue")
    ).first()
    new = _check_in(client, edition, badges_service.badge_code(people["un"]))
    assert new.status_code == 303


def test_badges_and_check_in_are_for_organisers(client, db_session, edition) -> None:  # noqa: ANN001
    from app.auth.models import Role

    for path in ("/badges", "/badges.pdf", "/badges/print", "/check-in"):
        response = client.get(f"/admin/editions/{edition.slug}{path}", follow_redirects=False)
        assert response.status_code == 303 and "/admin/sign-in" in response.headers["location"]
    sign_in(client, db_session, role=Role.viewer)
    assert client.get(f"/admin/editions/{edition.slug}/check-in").status_code == 403


def test_the_edition_page_links_badges_check_in_and_statistics(client, db_session, edition) -> None:  # noqa: ANN001
    sign_in(client, db_session)
    page = client.get(f"/admin/editions/{edition.slug}")
    for path in ("badges", "check-in", "statistics"):
        assert f'href="/admin/editions/{edition.slug}/{path}"' in page.text


def test_eight_badges_fill_an_a4_page(client, db_session, edition) -> None:  # noqa: ANN001
    sign_in(client, db_session)
    for code in ("KEN", "GHA"):
        delegation, _ = make_delegation(db_session, edition, code=code)
        for index in range(5 if code == "KEN" else 4):
            make_participant(
                db_session, edition, delegation, role="head" if index == 0 else "member"
            )
    response = client.get(f"/admin/editions/{edition.slug}/badges.pdf")
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 2
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    first_page = "".join(reader.pages[0].extract_text().split())
    assert first_page.count("Testedition") == 8
