"""Phones: no public or focal-point page scrolls sideways at 360 or 390 CSS pixels, in
English, French and Arabic (measured in headless Chromium; skipped where none is installed)."""

import pytest

from tests.browser import Browser
from tests.factories import make_delegation, make_edition, open_registration, participant_data

WIDTHS = (360, 390)


@pytest.fixture(scope="module")
def browser():  # noqa: ANN201
    opened = Browser()
    yield opened
    opened.close()


def _focal_point_page(client, db_session) -> str:  # noqa: ANN001
    from app.delegations.participants import focal_point_actor, save_participant
    from app.delegations.schemas import ParticipantIn

    edition = make_edition(db_session)
    open_registration(db_session, edition)
    delegation, token = make_delegation(db_session, edition, email="focal.point@kenya.example")
    for role in ("head", "member"):
        save_participant(
            db_session,
            edition=edition,
            delegation=delegation,
            participant_in=ParticipantIn(
                **participant_data(
                    role=role,
                    email=f"a.rather.long.address.{role}@ministry-of-interior.example",
                    function="Director-General of the National Counter-Terrorism Centre",
                )
            ),
            actor=focal_point_actor(delegation),
        )
    return f"/register/{token}"


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_no_page_scrolls_sideways_on_a_phone(
    client, db_session, browser, tmp_path, language
) -> None:
    pages = ["/", "/editions/2024-fez", _focal_point_page(client, db_session)]
    for path in pages:
        html = client.get(f"{path}?lang={language}").text
        for width in WIDTHS:
            assert browser.page_width(html, width, tmp_path) <= width, (path, width)
