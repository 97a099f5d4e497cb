"""Anonymous public reads are served from a cache that a committed change invalidates."""

import pytest

from app.auth.models import Role
from app.editions.models import EditionStatus
from tests.factories import auth_headers, make_edition, sign_in


def test_repeated_public_read_is_answered_from_the_cache_with_an_etag(
    client, count_queries
) -> None:
    first = client.get("/api/v1/editions/2024-fez")
    with count_queries() as counter:
        second = client.get("/api/v1/editions/2024-fez")
    assert second.json() == first.json()
    assert counter.count <= 1  # at most the content-version check
    etag = second.headers["etag"]
    not_modified = client.get("/api/v1/editions/2024-fez", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.content == b""


def test_a_committed_change_shows_at_once(client, db_session) -> None:
    edition = make_edition(db_session, status=EditionStatus.announced)
    assert client.get(f"/editions/{edition.slug}").text.count("Palais Bahia") == 0
    response = client.patch(
        f"/api/v1/editions/{edition.slug}",
        json={"venue": "Palais Bahia"},
        headers=auth_headers(db_session),
    )
    assert response.status_code == 200
    assert "Palais Bahia" in client.get(f"/editions/{edition.slug}").text


def test_each_language_is_cached_separately(client) -> None:
    english = client.get("/editions/2023-tangier?lang=en")
    client.cookies.clear()
    arabic = client.get("/editions/2023-tangier", headers={"Accept-Language": "ar"})
    arabic_again = client.get("/editions/2023-tangier", headers={"Accept-Language": "ar"})
    assert '<html lang="en"' in english.text
    assert '<html lang="ar"' in arabic.text and '<html lang="ar"' in arabic_again.text


def test_signed_in_organisers_bypass_the_cache(client, db_session) -> None:
    draft = make_edition(db_session, status=EditionStatus.draft)
    anonymous = client.get("/api/v1/editions").json()
    assert draft.slug not in {e["slug"] for e in anonymous}
    sign_in(client, db_session, role=Role.viewer)
    listed = client.get("/api/v1/editions").json()
    assert draft.slug in {e["slug"] for e in listed}


def _login_cookie(client) -> str:  # noqa: ANN001
    from app.auth.access import LOGIN_COOKIE

    value = client.cookies[LOGIN_COOKIE]
    client.cookies.clear()
    return f"{LOGIN_COOKIE}={value}"


def test_an_organiser_with_a_cookie_the_standard_parser_refuses_bypasses_the_cache(
    client, db_session
) -> None:
    draft = make_edition(db_session, status=EditionStatus.draft)
    sign_in(client, db_session, role=Role.viewer)
    cookie = f'consent={{"analytics":false}}; {_login_cookie(client)}'
    listed = client.get("/api/v1/editions", headers={"Cookie": cookie}).json()
    assert draft.slug in {e["slug"] for e in listed}  # the organiser sees the draft
    anonymous = client.get("/api/v1/editions").json()
    assert draft.slug not in {e["slug"] for e in anonymous}


def test_the_language_cookie_is_read_beside_a_json_cookie(client) -> None:
    page = client.get("/editions/2023-tangier", headers={"Cookie": 'consent={"a":1}; lang=fr'})
    assert '<html lang="fr"' in page.text


def test_another_host_is_refused_and_cannot_poison_absolute_urls(client, db_session) -> None:
    edition, statement = _published_agenda_and_statement(db_session)
    evil = {"Host": "evil.example"}
    for path in ("/api/v1/editions", f"/editions/{edition.slug}/agenda.ics"):
        refused = client.get(path, headers=evil)
        assert refused.status_code == 400 and "evil.example" not in refused.text
    # An allowed alias of the server gets the same absolute links, built from the base URL.
    for host in ("localhost", "127.0.0.1:8000", "testserver"):
        listed = client.get(f"/api/v1/editions/{edition.slug}/outcomes", headers={"Host": host})
        assert listed.json()[0]["pdf_url"].startswith("http://testserver/editions/")
        calendar = client.get(f"/editions/{edition.slug}/agenda.ics", headers={"Host": host})
        assert "http://testserver/editions/" in calendar.text
        assert host == "testserver" or host not in calendar.text
        schedule = client.get(f"/editions/{edition.slug}/schedule.xml", headers={"Host": host})
        assert "http://testserver/editions/" in schedule.text
        api = client.get(f"/api/v1/editions/{edition.slug}", headers={"Host": host}).json()
        assert api["url"] == f"http://testserver/editions/{edition.slug}"


def _published_agenda_and_statement(db_session):  # noqa: ANN001, ANN202
    from tests.factories import make_agenda_item, make_statement, publish

    edition = make_edition(db_session, status=EditionStatus.announced)
    make_agenda_item(db_session, edition, title_en="Opening ceremony")
    publish(db_session, edition)
    statement = make_statement(db_session, edition, status="published")
    return edition, statement


@pytest.mark.parametrize("path", ["agenda.ics", "schedule.xml", "agenda.json"])
def test_a_cached_export_answers_304_to_its_own_etag_weak_or_listed(
    client, db_session, path: str
) -> None:
    edition, _statement = _published_agenda_and_statement(db_session)
    url = f"/editions/{edition.slug}/{path}"
    client.get(url)
    cached = client.get(url)
    assert cached.headers["x-cache"] == "hit"
    etag = cached.headers["etag"]
    for validator in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        again = client.get(url, headers={"If-None-Match": validator})
        assert again.status_code == 304 and again.content == b"", validator
        assert again.headers["etag"] == etag
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_an_outcome_pdf_answers_304_to_its_etag(client, db_session) -> None:
    edition, statement = _published_agenda_and_statement(db_session)
    url = f"/editions/{edition.slug}/outcomes/{statement.id}.pdf?lang=en"
    first = client.get(url)
    assert first.content.startswith(b"%PDF")
    etag = first.headers["etag"]
    for validator in (etag, f"W/{etag}", f'"other", {etag}'):
        again = client.get(url, headers={"If-None-Match": validator})
        assert again.status_code == 304 and again.content == b""
    assert client.get(f"{url[:-2]}ar", headers={"If-None-Match": etag}).status_code == 200
    # Not in this process's cache (another query string): the route itself answers 304.
    uncached = client.get(f"{url}&from=elsewhere", headers={"If-None-Match": f"W/{etag}"})
    assert uncached.status_code == 304 and uncached.headers["x-cache"] == "miss"


def test_cached_public_responses_vary_on_language_and_cookie(client) -> None:
    client.get("/editions/2024-fez")
    cached = client.get("/editions/2024-fez")
    assert cached.headers["x-cache"] == "hit"
    varies = {v.strip().lower() for v in cached.headers["vary"].split(",")}
    assert {"accept-language", "cookie"} <= varies


def test_a_page_with_a_form_is_never_shared_between_readers(client, db_session) -> None:
    from tests.factories import extract_csrf, open_registration

    edition = make_edition(db_session, status=EditionStatus.announced)
    open_registration(db_session, edition, requests_open=True)
    url = f"/editions/{edition.slug}/participate"
    client.get(url)  # mints this reader's CSRF cookie
    first_token = extract_csrf(client.get(url).text)
    client.cookies.clear()
    other = client.get(url)
    assert extract_csrf(other.text) != first_token
    assert "mp_csrf=" in other.headers.get("set-cookie", "")


def test_a_submission_to_one_edition_keeps_every_other_page_cached(
    client, db_session, count_queries
) -> None:
    from tests.factories import make_delegation, open_registration, participant_data

    other = make_edition(db_session, status=EditionStatus.announced)
    open_registration(db_session, other, quota=5)
    _delegation, token = make_delegation(db_session, other)
    pages = ["/", "/editions/2024-fez", "/api/v1/editions", "/api/v1/editions/2024-fez"]
    for path in pages:
        client.get(path)
    added = client.post(f"/api/v1/register/{token}/participants", json=participant_data())
    assert added.status_code == 201
    for path in pages:
        with count_queries() as counter:
            again = client.get(path)
        assert again.headers["x-cache"] == "hit", path
        assert counter.count <= 1, path  # the content-version check only


def test_a_change_to_an_edition_shows_at_once_on_its_pages_only(client, db_session) -> None:
    from tests.factories import make_statement

    changed = make_edition(db_session, status=EditionStatus.announced)
    client.get(f"/editions/{changed.slug}")
    client.get("/editions/2024-fez")
    make_statement(db_session, changed, status="published", title_en="Rabat Communique")
    assert "Rabat Communique" in client.get(f"/editions/{changed.slug}").text
    assert client.get("/editions/2024-fez").headers["x-cache"] == "hit"


def test_an_accreditation_refreshes_the_home_page_figures(client, db_session) -> None:
    from tests.factories import make_delegation, open_registration, participant_data

    edition = make_edition(db_session, status=EditionStatus.announced)
    open_registration(db_session, edition, quota=5)
    _delegation, token = make_delegation(db_session, edition)
    added = client.post(f"/api/v1/register/{token}/participants", json=participant_data())
    client.get("/")
    assert client.get("/").headers["x-cache"] == "hit"
    review = client.post(
        f"/api/v1/editions/{edition.slug}/participants/review",
        json={"participant_ids": [added.json()["id"]], "status": "accredited"},
        headers=auth_headers(db_session),
    )
    assert review.status_code == 200, review.text
    assert client.get("/").headers["x-cache"] == "miss"


def test_a_query_the_route_does_not_read_is_answered_but_not_stored(client) -> None:
    """A parameter nobody reads gives the same page under a new key: stored, a client varying
    it (``?n=1``, ``?n=2``...) would fill the cache with copies and push out what readers use."""
    for serial in (1, 1, 2):
        page = client.get(f"/editions/2024-fez?n={serial}")
        assert page.status_code == 200 and "Nasser Bourita" in page.text
        assert page.headers["x-cache"] == "miss"
    # What the route reads (the page of a list) and the language are kept as before.
    for path in ("/api/v1/editions?limit=2", "/editions/2024-fez?lang=fr"):
        assert client.get(path).headers["x-cache"] == "miss"
        assert client.get(path).headers["x-cache"] == "hit"
