"""The outcome statements API: public reading of published ones, organiser writing."""

from sqlmodel import select

from app.audit.models import AuditEntry
from app.auth.models import Role
from app.editions.models import EditionStatus
from app.outcomes.models import OutcomeRevision, OutcomeStatement
from tests.factories import auth_headers, make_edition, make_statement


def test_organiser_writes_adopts_and_publishes_a_statement(client, db_session) -> None:
    headers = auth_headers(db_session)
    edition = make_edition(db_session, status=EditionStatus.held, start_date=None, end_date=None)
    created = client.post(
        f"/api/v1/editions/{edition.slug}/outcomes",
        json={
            "kind": "chairs_summary",
            "title_en": "Chair's summary",
            "title_ar": "موجز الرئيس",
            "body_en": "The meeting *welcomed* the report.",
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["symbol"] == "MP/2027/1" and body["status"] == "draft"
    assert body["body_html"] == "<p>The meeting <em>welcomed</em> the report.</p>\n"
    assert created.headers["location"].endswith(f"/outcomes/{body['id']}")
    base = f"/api/v1/editions/{edition.slug}/outcomes/{body['id']}"
    assert client.get(f"/api/v1/editions/{edition.slug}/outcomes").json() == []  # public
    assert client.get(base).status_code == 404

    publish_early = client.post(f"{base}/publish", headers=headers)
    assert publish_early.status_code == 409
    assert publish_early.json()["detail"] == "Adopt the statement before publishing it."
    adopted = client.post(f"{base}/adopt", json={"adopted_date": "2026-06-03"}, headers=headers)
    assert adopted.json()["status"] == "adopted" and adopted.json()["adopted_date"] == "2026-06-03"
    published = client.post(f"{base}/publish", headers=headers)
    assert published.status_code == 200 and published.json()["status"] == "published"

    listed = client.get(f"/api/v1/editions/{edition.slug}/outcomes?lang=ar").json()
    assert [item["title"] for item in listed] == ["موجز الرئيس"]
    assert listed[0]["pdf_url"].endswith(f"/editions/{edition.slug}/outcomes/{body['id']}.pdf")
    actions = db_session.exec(
        select(AuditEntry.action).where(AuditEntry.subject_type == "outcomestatement")
    ).all()
    assert {"outcome.create", "outcome.adopt", "outcome.publish"} <= set(actions)


def test_each_text_change_is_a_revision_with_who_and_when(client, db_session) -> None:
    headers = auth_headers(db_session)
    edition = make_edition(db_session)
    statement = make_statement(db_session, edition)
    base = f"/api/v1/editions/{edition.slug}/outcomes/{statement.id}"
    client.patch(base, json={"body_en": "Second text."}, headers=headers)
    client.patch(base, json={"body_fr": "Deuxième texte."}, headers=headers)
    client.patch(base, json={"kind": "recommendations"}, headers=headers)  # not a text change
    client.patch(base, json={"body_fr": "Deuxième texte."}, headers=headers)  # no change
    revisions = db_session.exec(
        select(OutcomeRevision)
        .where(OutcomeRevision.statement_id == statement.id)
        .order_by(OutcomeRevision.number)
    ).all()
    assert [r.number for r in revisions] == [1, 2, 3]
    assert revisions[0].actor_label == "system" and revisions[1].actor_label.endswith("example")
    assert revisions[1].body_en == "Second text." and revisions[2].body_fr == "Deuxième texte."
    listed = client.get(f"{base}/revisions", headers=headers).json()
    assert [r["number"] for r in listed] == [3, 2, 1]


def test_published_statements_are_frozen(client, db_session) -> None:
    headers = auth_headers(db_session)
    edition = make_edition(db_session)
    statement = make_statement(db_session, edition, status="published")
    response = client.patch(
        f"/api/v1/editions/{edition.slug}/outcomes/{statement.id}",
        json={"body_en": "Rewritten"},
        headers=headers,
    )
    assert response.status_code == 409
    assert response.json()["detail"] == "A published statement can no longer be changed."
    db_session.refresh(statement)
    assert statement.body_en.startswith("1. The participants")


def test_symbols_are_unique_and_checked(client, db_session) -> None:
    headers = auth_headers(db_session)
    edition = make_edition(db_session)
    make_statement(db_session, edition)
    url = f"/api/v1/editions/{edition.slug}/outcomes"
    taken = client.post(
        url, json={"kind": "declaration", "title_en": "T", "symbol": "MP/2027/1"}, headers=headers
    )
    assert taken.status_code == 409 and taken.json()["errors"][0]["field"] == "symbol"
    bad = client.post(
        url, json={"kind": "declaration", "title_en": "T", "symbol": "mp 1"}, headers=headers
    )
    assert bad.status_code == 422
    proposed = client.post(url, json={"kind": "press_release", "title_en": "T"}, headers=headers)
    assert proposed.json()["symbol"] == "MP/2027/2"


def test_markdown_cannot_carry_script_or_raw_html(client, db_session) -> None:
    edition = make_edition(db_session)
    statement = make_statement(
        db_session,
        edition,
        status="published",
        body_en=(
            "<script>alert(1)</script>\n\n"
            '<img src=x onerror="alert(2)">\n\n'
            "[click](javascript:alert(3)) and [site](https://www.un.org/)"
        ),
    )
    detail = client.get(f"/api/v1/editions/{edition.slug}/outcomes/{statement.id}").json()
    html = detail["body_html"]
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html  # shown as text, not run
    assert '<a href="https://www.un.org/" rel="noopener noreferrer">site</a>' in html
    page = client.get(f"/editions/{edition.slug}/outcomes/{statement.id}")
    assert "<script>alert" not in page.text and "<img" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_viewers_and_the_public_cannot_write(client, db_session) -> None:
    edition = make_edition(db_session)
    url = f"/api/v1/editions/{edition.slug}/outcomes"
    payload = {"kind": "declaration", "title_en": "T"}
    assert client.post(url, json=payload).status_code == 401
    viewer = client.post(url, json=payload, headers=auth_headers(db_session, role=Role.viewer))
    assert viewer.status_code == 403
    assert (
        db_session.exec(
            select(OutcomeStatement).where(OutcomeStatement.edition_id == edition.id)
        ).all()
        == []
    )


def test_adoption_needs_a_draft_with_text_and_a_past_date(client, db_session) -> None:
    headers = auth_headers(db_session)
    edition = make_edition(db_session)
    empty = make_statement(db_session, edition, body_en="")
    base = f"/api/v1/editions/{edition.slug}/outcomes/{empty.id}"
    refused = client.post(f"{base}/adopt", json={"adopted_date": "2026-06-03"}, headers=headers)
    assert refused.status_code == 409 and "English text" in refused.json()["detail"]
    client.patch(base, json={"body_en": "Text."}, headers=headers)
    future = client.post(f"{base}/adopt", json={"adopted_date": "2999-01-01"}, headers=headers)
    assert future.status_code == 422
    assert future.json()["errors"][0]["field"] == "adopted_date"


def test_listing_costs_the_same_queries_for_1_and_30_statements(
    client, db_session, count_queries
) -> None:
    counts = []
    for size in (1, 30):
        edition = make_edition(db_session)
        for _ in range(size):
            make_statement(db_session, edition, status="published")
        with count_queries() as counter:
            response = client.get(f"/api/v1/editions/{edition.slug}/outcomes")
            page = client.get(f"/editions/{edition.slug}")
        assert len(response.json()) == size and page.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]


def test_out_of_range_ids_and_control_characters_are_422(client, db_session) -> None:
    headers = auth_headers(db_session)
    edition = make_edition(db_session)
    base = f"/api/v1/editions/{edition.slug}/outcomes"
    huge = client.get(f"{base}/99999999999", headers=headers)
    assert huge.status_code == 422 and huge.json()["errors"][0]["field"] == "statement_id"
    nul = client.post(
        base, json={"kind": "declaration", "title_en": "T", "body_en": "a\x00b"}, headers=headers
    )
    assert nul.status_code == 422 and nul.json()["errors"][0]["field"] == "body_en"
    bad_slug = client.post(
        "/api/v1/editions/Bad%00Slug/transitions", json={"to": "announced"}, headers=headers
    )
    assert bad_slug.status_code == 422 and bad_slug.json()["errors"][0]["field"] == "slug"
