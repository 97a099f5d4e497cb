"""The audit log page: organisers only, read-only, filterable, paginated."""

from datetime import UTC, datetime

from app.audit.service import Actor, record
from app.auth.models import Role
from app.editions.models import EditionStatus
from tests.factories import make_edition, sign_in


def _entry(db_session, edition, action: str, label: str, when: datetime) -> None:  # noqa: ANN001
    entry = record(
        db_session,
        actor=Actor("account", 1, label),
        action=action,
        subject=edition,
        edition_id=edition.id,
        before={"status": "draft"},
        after={"status": "announced"},
    )
    entry.occurred_at = when
    db_session.commit()


def test_the_public_cannot_see_the_audit_log(client) -> None:
    response = client.get("/admin/audit", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/admin/sign-in")


def test_viewers_read_entries_with_their_changes(client, db_session) -> None:
    sign_in(client, db_session, role=Role.viewer)
    edition = make_edition(db_session, status=EditionStatus.draft)
    _entry(db_session, edition, "edition.announce", "amina@unoct.example", datetime.now(UTC))
    page = client.get(f"/admin/audit?edition={edition.slug}")
    assert page.status_code == 200
    assert "edition.announce" in page.text and "amina@unoct.example" in page.text
    assert "<del>draft</del> → <ins>announced</ins>" in page.text
    assert '<form method="post"' not in page.text.split("<main")[1].split("</main>")[0]


def test_filters_by_edition_action_actor_and_dates(client, db_session) -> None:
    sign_in(client, db_session)
    first = make_edition(db_session)
    second = make_edition(db_session)
    _entry(
        db_session,
        first,
        "edition.announce",
        "amina@unoct.example",
        datetime(2026, 3, 1, tzinfo=UTC),
    )
    _entry(
        db_session, first, "outcome.publish", "omar@unoct.example", datetime(2026, 3, 5, tzinfo=UTC)
    )
    _entry(
        db_session,
        second,
        "edition.conclude",
        "amina@unoct.example",
        datetime(2026, 3, 9, tzinfo=UTC),
    )

    def rows(query: str) -> list[str]:
        text = client.get(f"/admin/audit?{query}").text
        return [
            a
            for a in ("edition.announce", "outcome.publish", "edition.conclude")
            if f"<code>{a}</code>" in text
        ]

    assert rows(f"edition={first.slug}") == ["edition.announce", "outcome.publish"]
    assert rows(f"edition={first.slug}&action=edition") == ["edition.announce"]
    assert rows("actor=AMINA&since=2026-03-01&until=2026-03-09") == [
        "edition.announce",
        "edition.conclude",
    ]
    assert rows("actor=amina&since=2026-03-02&until=2026-03-08") == []
    assert rows("since=2026-03-05&until=2026-03-05") == ["outcome.publish"]
    bad = client.get("/admin/audit?since=yesterday")
    assert bad.status_code == 422 and "since" in bad.text


def test_pages_of_fifty_newest_first(client, db_session, count_queries) -> None:
    sign_in(client, db_session)
    edition = make_edition(db_session)
    for minute in range(55):
        _entry(
            db_session,
            edition,
            "edition.update",
            f"user{minute}@x.example",
            datetime(2026, 1, 1, 10, minute, tzinfo=UTC),
        )
    first = client.get(f"/admin/audit?edition={edition.slug}")
    assert "55 entries" in first.text and "Page 1 of 2" in first.text
    assert "user54@x.example" in first.text and "user4@x.example" not in first.text
    assert f"edition={edition.slug}&amp;page=2" in first.text
    second = client.get(f"/admin/audit?edition={edition.slug}&page=2")
    assert "user4@x.example" in second.text and "user54@x.example" not in second.text
    with count_queries() as few:
        client.get(f"/admin/audit?edition={edition.slug}&page=2")
    with count_queries() as many:
        client.get(f"/admin/audit?edition={edition.slug}&page=1")
    assert few.count == many.count


def test_control_characters_in_filters_are_refused(client, db_session) -> None:
    sign_in(client, db_session)
    response = client.get("/admin/audit?actor=a%00b")
    assert response.status_code == 422 and "actor" in response.text
