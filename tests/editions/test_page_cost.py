"""What a public page rendered without the response cache costs: the edition page and the
API's list of editions read a stated number of statements the first time, and nothing more
for their data at the same content versions (another query string, another language), while
a change shows at once and a signed-in organiser always reads the database."""

from types import SimpleNamespace

from sqlmodel import select

from app.content_version import ContentVersions
from app.editions.models import Edition
from app.web.memo import VERSIONS, RowCopy, per_content_version
from tests.factories import make_statement, sign_in

# The edition (1), its historical record (2-11: facts, figures, people, themes, outcomes,
# statements, summary citations, disputed subjects, sources), its country (12), the
# registration counts (13-14), outcome statements (15), the agenda revision (16) and the
# registration settings (17); and the content versions (18), which the test application
# reads on its connection at every request (a server: at most once a second).
MAX_EDITION_PAGE_STATEMENTS = 18
# The content versions (1), the count of editions (2), the page of editions (3) and their
# countries (4).
MAX_EDITION_LIST_STATEMENTS = 4
VERSIONS_READ = 1


def test_an_uncached_edition_page_costs_a_stated_number_of_statements(
    client, count_queries
) -> None:
    with count_queries() as first:
        page = client.get("/editions/2024-fez?n=1")
    assert page.status_code == 200 and page.headers["x-cache"] == "miss"
    assert "Nasser Bourita" in page.text
    assert first.count <= MAX_EDITION_PAGE_STATEMENTS, "\n\n".join(first.statements)
    with count_queries() as again:
        french = client.get("/editions/2024-fez?n=2", headers={"Accept-Language": "fr"})
    assert french.headers["x-cache"] == "miss" and 'lang="fr"' in french.text
    assert "Bourita" in french.text and "les 4 et 5 juin 2024" in french.text
    assert again.count == VERSIONS_READ, "\n\n".join(again.statements)


def test_a_change_shows_at_once_on_a_page_rendered_again(client, db_session) -> None:
    assert "Palais des Congrès de Fès" not in client.get("/editions/2024-fez?n=1").text
    edition = db_session.exec(select(Edition).where(Edition.slug == "2024-fez")).one()
    edition.venue = "Palais des Congrès de Fès"
    db_session.add(edition)
    db_session.commit()
    assert "Palais des Congrès de Fès" in client.get("/editions/2024-fez?n=2").text


def test_a_published_statement_shows_at_once_in_every_language_rendered_before(
    client, db_session
) -> None:
    """The page's lists are kept per content version and language: a statement published
    after a reader of each language saw the page is listed on their next uncached reading."""
    for language in ("en", "fr", "ar"):
        page = client.get(f"/editions/2024-fez?n=1&lang={language}")
        assert "Fez Tenth Anniversary Declaration" not in page.text
    edition = db_session.exec(select(Edition).where(Edition.slug == "2024-fez")).one()
    make_statement(
        db_session,
        edition,
        status="published",
        title_en="Fez Tenth Anniversary Declaration",
        title_fr="Fez Tenth Anniversary Declaration",
        title_ar="Fez Tenth Anniversary Declaration",
    )
    for language in ("en", "fr", "ar"):
        page = client.get(f"/editions/2024-fez?n=2&lang={language}")
        assert page.headers["x-cache"] == "miss"
        assert "Fez Tenth Anniversary Declaration" in page.text, language


def test_a_signed_in_organiser_reads_the_database_every_time(
    client, db_session, count_queries
) -> None:
    client.get("/editions/2024-fez?n=1")
    sign_in(client, db_session)
    with count_queries() as signed_in:
        page = client.get("/editions/2024-fez?n=2")
    assert page.status_code == 200 and "Nasser Bourita" in page.text
    assert "x-cache" not in page.headers
    assert signed_in.count > MAX_EDITION_PAGE_STATEMENTS // 2


def test_the_api_list_of_editions_costs_a_stated_number_of_statements(
    client, count_queries
) -> None:
    with count_queries() as first:
        listed = client.get("/api/v1/editions?n=1")
    assert listed.status_code == 200
    assert "2024-fez" in [edition["slug"] for edition in listed.json()]
    assert first.count <= MAX_EDITION_LIST_STATEMENTS, "\n\n".join(first.statements)
    with count_queries() as again:
        second = client.get("/api/v1/editions?n=2", headers={"Accept-Language": "ar"})
    assert [edition["slug"] for edition in second.json()] == [
        edition["slug"] for edition in listed.json()
    ]
    assert second.headers["x-total-count"] == listed.headers["x-total-count"]
    assert again.count == VERSIONS_READ, "\n\n".join(again.statements)
    with count_queries() as other_page:
        first_two = client.get("/api/v1/editions?n=3&limit=2")
    assert [edition["slug"] for edition in first_two.json()] == [
        edition["slug"] for edition in listed.json()[:2]
    ]
    assert other_page.count <= MAX_EDITION_LIST_STATEMENTS, "\n\n".join(other_page.statements)


def _request(public: bool) -> SimpleNamespace:
    """What per_content_version reads of a request: the versions the public cache left."""
    state = {VERSIONS: ContentVersions(site=1)} if public else {}
    return SimpleNamespace(scope={"state": state}, app=SimpleNamespace(state=SimpleNamespace()))


def test_what_is_kept_for_the_public_is_made_once_and_never_for_others() -> None:
    kept: list[str] = []

    def keep(value: str) -> str:
        kept.append(value)
        return f"kept {value}"

    public = _request(public=True)
    for _ in range(2):
        assert per_content_version(public, ("k",), lambda: "v", edition=None, keep=keep) == (
            "kept v"
        )
    assert kept == ["v"]
    other = _request(public=False)
    assert per_content_version(other, ("k",), lambda: "v", edition=None, keep=keep) == "v"
    assert kept == ["v"]


def test_a_row_copy_has_the_rows_columns_as_plain_attributes(db_session) -> None:
    edition = db_session.exec(select(Edition).where(Edition.slug == "2024-fez")).one()
    copy = RowCopy(edition)
    assert copy.title_en == edition.title_en and copy.city_aliases == edition.city_aliases
    assert copy.start_date == edition.start_date and copy.id == edition.id
    assert set(vars(copy)) == set(Edition.model_fields)
