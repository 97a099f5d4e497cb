"""The record as a reader sees it: strengths in three languages, the Platform's page, the
conflicts between sources kept visibly, and the same in the API."""

import html
import re

import pytest
from sqlmodel import select

from app.editions.models import Edition
from app.history.models import EditionFact, Source, Strength


def text_of(page: str) -> str:
    """The visible text of a page, tags dropped and spaces collapsed."""
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))
    return re.sub(r"\( ", "(", re.sub(r" ([:,;.)])", r"\1", text))


def read(client, path: str, lang: str = "en") -> str:  # noqa: ANN001
    """The text of a page in a language (the language cookie is not carried over)."""
    client.cookies.clear()
    return text_of(client.get(path, params={"lang": lang}).text)


def section(page: str, start: str, end: str) -> str:
    part = page[page.index(start) :]
    return part[: part.index(end)]


def test_the_38_heads_of_agencies_belong_to_the_platform_not_to_the_2022_meeting(client) -> None:
    home = read(client, "/")
    timeline_2022 = section(home, "First High-Level Meeting", "Second High-Level Meeting")
    assert "38" not in timeline_2022
    table = home[home.index("Reported figures by edition") :]
    row_2022 = section(table, "2022 ·", "2023 ·")
    assert "38" not in row_2022 and "not reported" in row_2022
    edition = read(client, "/editions/2022-marrakech")
    assert "38" not in edition
    platform = read(client, "/platform")
    assert "more than 38 heads of security agencies" in platform
    assert "not the attendance of one meeting" in platform


def test_home_links_to_the_platform_and_to_the_conflicts(client) -> None:
    page = client.get("/").text
    assert 'href="/platform"' in page and 'href="/conflicts"' in page


def test_the_platform_page_gives_what_the_sources_say_of_it(client) -> None:
    page = read(client, "/platform")
    for expected in (
        "established in 2022 in Marrakech, Morocco",
        "Jointly supervised by the Kingdom of Morocco",
        "Facilitate the sharing of intelligence and threat assessments.",
        "an annual forum to evaluate accomplishments, priorities, needs, and actions",
        "Marrakesh Platform for African Heads of Security and Counter-Terrorism Agencies",
        "Abuja Process",
        "ways explored, not an agreement",
    ):
        assert expected in page, expected
    assert page.count("stated") >= 10
    french = read(client, "/platform", "fr")
    assert "La Plateforme de Marrakech" in french and "énoncé" in french
    arabic = read(client, "/platform", "ar")
    assert "منصة مراكش" in arabic and "منصوص عليه" in arabic


def test_every_fact_on_an_edition_page_shows_its_strength_in_the_readers_language(
    client,
) -> None:
    english = read(client, "/editions/2021-marrakech")
    assert "Precursor event the project's reading" in english
    assert "No source links this event to the Marrakech Platform" in english
    assert english.count("stated") >= 10
    french = read(client, "/editions/2021-marrakech", "fr")
    assert "la lecture du projet" in french
    assert "Aucune source ne relie cet événement à la Plateforme de Marrakech" in french
    arabic = read(client, "/editions/2021-marrakech", "ar")
    assert "قراءة المشروع" in arabic
    assert "لا يربط أي مصدر هذا الحدث بمنصة مراكش" in arabic
    fez = read(client, "/editions/2024-fez")
    assert "Speaker inferred" in fez.replace(", Under-Secretary-General", "")
    assert "it does not say at which point of the programme" in fez


def test_the_2021_co_chairs_are_recorded_as_co_chairs_of_the_opening_ceremony(client) -> None:
    page = read(client, "/editions/2021-marrakech")
    assert page.count("Co-chair of the opening ceremony") == 2
    french = read(client, "/editions/2021-marrakech", "fr")
    assert "Coprésident de la cérémonie d'ouverture" in french


def test_what_the_2021_source_says_and_the_record_left_out(client) -> None:
    page = read(client, "/editions/2021-marrakech")
    assert "Italy, Morocco and Niger attended as the co-chairs of the Africa Focus Group" in page
    assert "organised by the UNOCT Programme Office in Rabat" in page
    assert "In his opening statement" in page
    assert "General, Head of Defense and Security Department, G5 Sahel" in page


def test_a_spelling_variant_is_not_a_disagreement(client) -> None:
    for slug, city, spelling in (
        ("2024-fez", "Fez", "Fes"),
        ("2021-marrakech", "Marrakech", "Marrakesh"),
    ):
        page = read(client, f"/editions/{slug}")
        assert "(the sources differ)" not in page
        assert f"{city}, Morocco (also written {spelling})" in page
        assert f"City: {spelling} (the spelling of this source)" in page
    tangier = read(client, "/editions/2023-tangier")
    assert "also written" not in tangier  # Tanger is French, not another spelling


def test_summaries_cite_the_passages_they_are_written_from(client) -> None:
    page = client.get("/editions/2024-fez").text
    summary = section(page, 'id="summary-heading"', "</section>")
    assert "Written from these passages" in summary
    assert "including UN Member States, African partners, and international organizations" in (
        html.unescape(summary)
    )
    # The passage's source is named by its title, not by its file.
    assert '[<cite lang="en" dir="auto">Marrakech Platform</cite>]' in summary


def test_2023_and_2024_give_their_session_number_participation_and_what_was_said(
    client,
) -> None:
    tangier = read(client, "/editions/2023-tangier")
    assert "Session number: 2" in tangier
    assert "the kingdom's commitment to combating terrorism" in tangier
    fez = read(client, "/editions/2024-fez")
    assert "Session number: 3" in fez
    assert "increasing international confidence in the initiative" in fez
    assert "the insightful vision of His Majesty King Mohammed VI" in fez
    assert "a valuable contribution to multilateral efforts" in fez
    assert "a mechanism to support multilateral efforts to counter terrorism" in fez
    assert "City: Fez" in fez and "منصة مراكش" in fez  # source 003, by its title


def test_translations_keep_what_the_english_says(client) -> None:
    french = read(client, "/editions/2023-tangier", "fr")
    assert "capacités des pays africains en matière de lutte contre le terrorisme" in french
    arabic = client.get("/editions/2024-fez?lang=ar").text
    assert "تعزيز التعاون بين الدول الإفريقية في هذا المجال" not in arabic
    assert "المدينة: فاس" in text_of(arabic) and "المدينة: Fez" not in text_of(arabic)
    office = (
        "مكتب برنامج مكافحة الإرهاب والتدريب في أفريقيا التابع لمكتب الأمم المتحدة لمكافحة الإرهاب"
    )
    assert office in client.get("/editions/2021-marrakech?lang=ar").text
    assert "UNOCT" not in read(client, "/editions/2021-marrakech", "fr").replace(
        "UNOCT Programme Office", ""
    )


def test_arabic_names_no_source_writes_are_marked_as_transliterations(client) -> None:
    page = read(client, "/editions/2021-marrakech", "ar")
    assert "محمد ياسين المنصوري (نقل حرفي)" in page
    assert "محمد إيلي زناغي (نقل حرفي)" in page
    fez = read(client, "/editions/2024-fez", "ar")
    assert "ناصر بوريطة" in fez and "ناصر بوريطة (نقل حرفي)" not in fez


def test_the_conflicts_page_keeps_every_side_cited(client) -> None:
    page = client.get("/conflicts").text
    office = text_of(section(page, 'id="rabat-office-founding-year"', "</section>"))
    assert "2020" in office and "2021" in office
    for title in (  # each side's source, named by its title
        "Meeting of heads of counter-terrorism and security agencies takes place in Marrakech",
        "First High-Level Strategic Dialogue between the Kingdom of Morocco",
        "UN: Morocco Co-Chairs High-Level Meeting on Activity of UNOCT Program Offices",
    ):
        assert title in office
    assert "on 24 June marks its first anniversary" in office
    assert "since the inauguration of the UNOCT Programme Office in Rabat in 2021" in office
    title = text_of(section(page, 'id="voronkov-title"', "</section>"))
    assert "Under-Secretary-General" in title and "الأمين العام المساعد" in title
    for source_title in (  # sources 000, 001, 003 and 004
        "[ Marrakech Platform ]",
        "[ First High-Level Strategic Dialogue",
        "[ منصة مراكش ]",
        "[ Meeting of heads of counter-terrorism",
    ):
        assert source_title in title
    assert "Fes" not in text_of(section(page, "<h1>", "</article>")).replace("Fes for Fez", "")


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_the_conflicts_page_is_translated(client, language: str) -> None:
    page = text_of(client.get(f"/conflicts?lang={language}").text)
    heading = {
        "en": "Where the sources disagree",
        "fr": "Là où les sources divergent",
        "ar": "حيث تختلف المصادر",
    }
    assert heading[language] in page


def test_the_rabat_office_and_the_sources_pages_show_both_founding_readings(client) -> None:
    office = read(client, "/record/rabat-office")
    assert (
        "Established in Rabat, with the support of the Kingdom of Morocco, on 24 June 2020."
        in office
    )
    assert "Inaugurated in Rabat in 2021." in office
    assert office.count("the sources differ: see the conflicts") == 3
    api = client.get("/api/v1/editions/2021-marrakech").json()
    source_id = next(s["id"] for s in api["sources"] if s["filename"].startswith("004"))
    source = read(client, f"/sources/{source_id}")
    assert "Year of establishment: Established in Rabat" in source
    assert client.get("/record/nowhere").status_code == 404


def test_a_source_page_marks_an_inferred_date_and_gives_the_reasoning(client) -> None:
    api = client.get("/api/v1/editions/2022-marrakech").json()
    source_002 = next(s["id"] for s in api["sources"] if s["filename"].startswith("002"))
    page = read(client, f"/sources/{source_002}")
    assert "(June 2023) inferred" in page
    assert "23 June 2023 was indeed a Friday" in page
    payload = client.get(f"/api/v1/sources/{source_002}").json()
    assert payload["date_strength"] == "inferred" and "Friday" in payload["date_note"]


def test_the_api_gives_each_facts_strength_and_reasoning(client) -> None:
    payload = client.get("/api/v1/editions/2021-marrakech").json()
    kind = next(fact for fact in payload["facts"] if fact["field"] == "kind")
    assert kind["strength"] == "reading" and kind["note"].startswith("No source links")
    assert all(fact["strength"] in {"stated", "inferred", "reading"} for fact in payload["facts"])
    assert payload["people"][0]["role"] == "opening_co_chair"
    assert payload["summary_sources"] and payload["statements"]
    french = client.get("/api/v1/editions/2021-marrakech?lang=fr").json()
    kind_fr = next(fact for fact in french["facts"] if fact["field"] == "kind")
    assert kind_fr["note"].startswith("Aucune source")
    platform = client.get("/api/v1/record/platform").json()
    assert platform["url"].endswith("/platform")
    assert any(fact["topic"] == "membership" for fact in platform["facts"])
    conflicts = client.get("/api/v1/record/conflicts").json()
    office = next(item for item in conflicts if item["key"] == "rabat-office-founding-year")
    assert {side["value"] for side in office["sides"]} == {"2020", "2021"}
    strengths = {fact["strength"] for side in office["sides"] for fact in side["facts"]}
    assert strengths == {"stated", "inferred"}


def test_the_rabat_office_entity_has_its_un_names_in_french_and_arabic(client) -> None:
    entities = client.get("/api/v1/entities", params={"entity_type": "un_entity"}).json()
    office = next(entity for entity in entities if entity["code"] == "UNOCT-PO-RABAT")
    assert office["name_fr"].endswith("du BLT") and "UNOCT" not in office["name_fr"]
    assert office["name_ar"] == (
        "مكتب برنامج مكافحة الإرهاب والتدريب في أفريقيا التابع لمكتب الأمم المتحدة لمكافحة الإرهاب"
    )


def test_an_edition_attribute_two_sources_give_differently_is_listed_as_a_conflict(
    client, db_session
) -> None:
    tangier = db_session.exec(select(Edition).where(Edition.slug == "2023-tangier")).one()
    source = db_session.exec(select(Source).where(Source.key == "002_b7913b6f84bcb3f5")).one()
    db_session.add(
        EditionFact(
            seed_key="test-disputed-start",
            edition_id=tangier.id,
            field="start_date",
            value="2023-06-19",
            source_id=source.id,
            quote="from June 19 to 23",
            strength=Strength.inferred,
            note_en="A made-up reading for the test.",
        )
    )
    db_session.flush()
    page = read(client, "/conflicts")
    disputed = page[page.index("2023 · Tangier: Start date") :]
    assert "3 June 2023" in disputed and "19 June 2023" in disputed
    assert "A made-up reading for the test." in disputed
    assert "(the sources differ)" in read(client, "/editions/2023-tangier")
