"""The badges PDF as a reader's viewer copies its text."""

import re
import shutil
import subprocess

import pytest

from tests.factories import make_delegation, make_edition, make_participant, sign_in

SHEET_LABELS = {
    "en": ("State delegation", "Head of delegation"),
    "fr": ("Délégation d'État", "Chef de délégation"),
    "ar": ("وفد دولة", "رئيس الوفد"),
}


def _pdftotext(content: bytes) -> str:
    text = subprocess.run(
        [shutil.which("pdftotext") or "pdftotext", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    # pdftotext marks each right-to-left run with embedding controls: not typed text.
    return re.sub("[\u202a-\u202e\u2066-\u2069]", "", text)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_names_copied_from_the_badges_are_the_names_as_typed(
    client, db_session, language: str
) -> None:  # noqa: ANN001
    edition = make_edition(db_session)
    sign_in(client, db_session)
    kenya, _ = make_delegation(db_session, edition, code="KEN")
    france, _ = make_delegation(db_session, edition, code="FRA")
    morocco, _ = make_delegation(db_session, edition, code="MAR")
    make_participant(
        db_session, edition, kenya, given_name="Wanjiru", family_name="Kamau", role="head"
    )
    make_participant(
        db_session, edition, france, given_name="Hélène", family_name="Lefèvre-Côté", role="head"
    )
    make_participant(
        db_session, edition, morocco, given_name="يوسف", family_name="العلمي", role="head"
    )
    response = client.get(f"/admin/editions/{edition.slug}/badges.pdf?lang={language}")
    assert response.headers["content-type"] == "application/pdf"
    text = " ".join(_pdftotext(response.content).split())  # a long name wraps
    for typed in ("Wanjiru Kamau", "Hélène Lefèvre-Côté", "يوسف العلمي", *SHEET_LABELS[language]):
        assert typed in text, (language, typed, text)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize(
    ("language", "titled"),
    [("en", "H.E. Wanjiru Kamau"), ("fr", "S.E. Wanjiru Kamau"), ("ar", "سعادة Wanjiru Kamau")],
)
def test_a_badge_gives_the_title_of_address_in_the_readers_language(
    client, db_session, language: str, titled: str
) -> None:  # noqa: ANN001
    edition = make_edition(db_session)
    sign_in(client, db_session)
    kenya, _ = make_delegation(db_session, edition, code="KEN")
    make_participant(
        db_session,
        edition,
        kenya,
        given_name="Wanjiru",
        family_name="Kamau",
        role="head",
        honorific="H.E.",
    )
    response = client.get(f"/admin/editions/{edition.slug}/badges.pdf?lang={language}")
    text = " ".join(_pdftotext(response.content).split())
    if language == "ar":  # the Arabic title and the Latin name are two runs: either order
        assert "سعادة" in text and "Wanjiru Kamau" in text and "H.E." not in text, text
    else:
        assert titled in text, text
    for page in ("badges", "badges/print"):
        html = client.get(f"/admin/editions/{edition.slug}/{page}?lang={language}").text
        assert titled in html, page
