"""Anonymous public reads are served from a cache that a committed change invalidates."""

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
