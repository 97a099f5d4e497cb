"""The List of Participants PDF as a reader's viewer copies its text."""

import shutil

import pytest

from tests.badges.test_pdf import _pdftotext
from tests.factories import make_delegation, make_edition, make_participant, sign_in

LIST_TITLES = {
    "en": "List of participants",
    "fr": "Liste des participants",
    "ar": "قائمة المشاركين",
}


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_names_copied_from_the_list_are_the_names_as_typed(
    client, db_session, language: str
) -> None:  # noqa: ANN001
    edition = make_edition(db_session)
    sign_in(client, db_session)
    kenya, _ = make_delegation(db_session, edition, code="KEN")
    france, _ = make_delegation(db_session, edition, code="FRA")
    morocco, _ = make_delegation(db_session, edition, code="MAR")
    make_participant(db_session, edition, kenya, given_name="Wanjiru", family_name="Kamau")
    make_participant(
        db_session, edition, france, given_name="Hélène", family_name="Lefèvre-Côté", role="head"
    )
    make_participant(
        db_session, edition, morocco, given_name="يوسف", family_name="العلمي", role="head"
    )
    response = client.get(f"/admin/editions/{edition.slug}/participants.pdf?lang={language}")
    assert response.headers["content-type"] == "application/pdf"
    text = " ".join(_pdftotext(response.content).split())
    for typed in ("Wanjiru Kamau", "Hélène Lefèvre-Côté", "يوسف العلمي", LIST_TITLES[language]):
        assert typed in text, (language, typed, text)
    assert "1/1" in text.replace(" ", "")  # the page number at the foot
