"""The public record as a reader sees it."""

import re

from app.editions.models import EditionStatus
from tests.factories import make_edition


def test_home_shows_the_four_past_editions_in_order(client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    years = re.findall(r'<p class="year">(\d{4})</p>', page.text)
    assert years[:4] == ["2021", "2022", "2023", "2024"]
    for city in ("Marrakech", "Tangier", "Fez"):
        assert city in page.text


def test_home_draws_the_participation_chart_from_reported_figures(client) -> None:
    page = client.get("/")
    assert "<svg" in page.text
    assert 'class="bar bar-participants"' in page.text
    # 2021: over 80 participants and 25 heads of agencies; 2024: about 60 delegations.
    assert ">80</text>" in page.text and ">25</text>" in page.text and ">60</text>" in page.text


def test_home_hides_drafts_and_names_the_next_edition(client, db_session) -> None:
    make_edition(db_session, status=EditionStatus.draft, city="Secretville")
    make_edition(db_session, status=EditionStatus.registration_open, city="Oujda")
    page = client.get("/")
    assert "Secretville" not in page.text
    assert 'id="next-heading"' in page.text and "Oujda" in page.text


def test_edition_page_gives_dates_people_themes_figures_and_sources(client) -> None:
    page = client.get("/editions/2024-fez")
    assert page.status_code == 200
    text = page.text
    assert "4–5 June 2024" in text
    assert "Nasser Bourita" in text and "Opening remarks" in text
    assert "Using modern technologies in counter-terrorism" in text
    assert "about 60" in text
    assert "First High-Level Strategic Dialogue between the Kingdom of Morocco" in text
    assert "Marrakech Platform</cite>" in text and ".txt" not in text
    assert "Fes" in text  # the other spelling, kept as an alias and as a reading


def test_unknown_dates_are_said_to_be_unknown(client) -> None:
    page = client.get("/editions/2022-marrakech")
    assert "2022, exact dates not reported" in page.text
    tangier = client.get("/editions/2023-tangier")
    assert "from 3 June 2023 (end date not reported)" in tangier.text


def test_arabic_pages_are_right_to_left_with_arabic_dates(client) -> None:
    page = client.get("/editions/2024-fez?lang=ar")
    assert '<html lang="ar" dir="rtl">' in page.text
    assert "فاس" in page.text
    assert "حزيران/يونيه" in page.text
    assert page.cookies.get("lang") == "ar"
    assert "فاس، المغرب" in page.text  # the Arabic comma between place names
    assert "Fès, Maroc" in client.get("/editions/2024-fez?lang=fr").text


def test_language_follows_cookie_then_accept_language(client) -> None:
    client.cookies.set("lang", "fr")
    assert '<html lang="fr" dir="ltr">' in client.get("/").text
    client.cookies.clear()
    page = client.get("/", headers={"Accept-Language": "ar-MA,ar;q=0.9,en;q=0.5"})
    assert '<html lang="ar" dir="rtl">' in page.text


def test_french_page_is_translated(client) -> None:
    page = client.get("/editions/2021-marrakech?lang=fr")
    assert "23 juin 2021" in page.text
    assert "Coprésident" in page.text


def test_source_page_shows_text_and_the_facts_it_backs(client) -> None:
    api = client.get("/api/v1/editions/2021-marrakech").json()
    source_id = next(s["id"] for s in api["sources"] if s["filename"].startswith("004"))
    page = client.get(f"/sources/{source_id}")
    assert page.status_code == 200
    assert "Mohamed Yassin Mansouri" in page.text
    assert "over 80 participants including 25 heads" in page.text
    assert "2021-marrakech" in page.text


def test_unknown_pages_are_404_in_the_readers_language(client) -> None:
    page = client.get("/editions/2099-nowhere?lang=fr")
    assert page.status_code == 404
    assert '<html lang="fr"' in page.text
    assert client.get("/sources/99999").status_code == 404


def test_pages_have_landmarks_and_a_skip_link(client) -> None:
    text = client.get("/").text
    for landmark in (
        '<header class="site-header" role="banner">',
        '<main id="main"',
        'role="contentinfo"',
        'class="skip-link" href="#main"',
    ):
        assert landmark in text


def test_home_and_edition_pages_do_not_grow_in_queries(client, db_session, count_queries) -> None:
    with count_queries() as before:
        client.get("/")
    with count_queries() as edition_before:
        client.get("/editions/2024-fez")
    for _ in range(5):
        make_edition(db_session, status=EditionStatus.archived)
    with count_queries() as after:
        client.get("/")
    with count_queries() as edition_after:
        client.get("/editions/2024-fez")
    assert after.count == before.count
    assert edition_after.count == edition_before.count


def test_a_figure_two_sources_agree_on_shows_once_on_the_timeline(client) -> None:
    page = client.get("/").text
    fez = page[page.index("Third High-Level Meeting") :]
    fez = fez[: fez.index("</ul>")]
    assert fez.count("Delegations: about 60") == 1


def test_arabic_readings_show_dates_in_arabic_and_source_titles_in_their_language(
    client,
) -> None:
    page = client.get("/editions/2024-fez?lang=ar").text
    assert "2024-06-04" not in page
    assert '<cite lang="en" dir="auto">First High-Level Strategic Dialogue' in page
    assert '<cite lang="ar" dir="auto">منصة مراكش</cite>' in page


def test_an_id_too_large_for_the_database_is_a_422_naming_it(client) -> None:
    response = client.get("/api/v1/sources/99999999999999999999")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "source_id"
    assert client.get("/sources/99999999999999999999").status_code == 422
