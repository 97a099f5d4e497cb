"""Phones: no public or focal-point page scrolls sideways at 360 or 390 CSS pixels, in
English, French and Arabic, with the longest contents the tests can type (pages rendered by
the test client, laid out by Chromium from files with the stylesheets they link)."""

import pytest

from app.config import ROOT_DIR
from tests.factories import make_delegation, make_edition, open_registration, participant_data

WIDTHS = (360, 390)
STATIC_DIR = ROOT_DIR / "app" / "static"


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
    client, db_session, chromium, tmp_path, language
) -> None:
    pages = ["/", "/editions/2024-fez", _focal_point_page(client, db_session)]
    for width in WIDTHS:
        context = chromium.new_context(viewport={"width": width, "height": 800}, is_mobile=True)
        page = context.new_page()
        for number, path in enumerate(pages):
            html = client.get(f"{path}?lang={language}").text
            file = tmp_path / f"page-{width}-{number}.html"
            file.write_text(html.replace('"/static/', f'"{STATIC_DIR.as_uri()}/'), "utf-8")
            page.goto(file.as_uri())
            laid_out = page.evaluate("document.documentElement.scrollWidth")
            assert laid_out <= width, (path, width, laid_out)
        context.close()
