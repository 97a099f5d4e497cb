"""The API's contract as an integrator reads it: the OpenAPI document names and describes
every operation, every error is a problem (RFC 9457), lists are paged, items carry an ETag
and a write based on an older version is refused."""

from urllib.parse import parse_qs, urlparse

from app.auth.models import Role
from tests.factories import auth_headers, make_agenda_item, make_edition

PROBLEM = "application/problem+json"
TOKEN_OPERATIONS = {"create_edition", "list_agenda_items", "get_delegation", "check_in"}
ANONYMOUS_OPERATIONS = {"list_editions", "get_edition", "list_entities", "get_agenda_revision"}
LISTS = {
    "list_editions",
    "list_entities",
    "list_agenda_items",
    "list_agenda_revisions",
    "list_delegations",
    "list_participants",
    "list_join_requests",
    "focal_list_participants",
    "list_outcomes",
    "list_outcome_revisions",
    "conflicts",
}


def _operations(spec: dict) -> dict[str, dict]:
    return {
        operation["operationId"]: {**operation, "path": path, "method": method}
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        if path.startswith("/api/")
    }


def test_operations_are_named_after_their_routes_and_unique(client) -> None:  # noqa: ANN001
    spec = client.get("/openapi.json").json()
    ids = [op["operationId"] for ops in spec["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids))
    operations = _operations(spec)
    assert len(operations) >= 43
    assert operations["list_editions"]["path"] == "/api/v1/editions"
    assert operations["get_edition"]["method"] == "get"
    assert operations["get_agenda_item"]["tags"] == ["agenda"]


def test_every_operation_declares_its_errors_as_problems(client) -> None:  # noqa: ANN001
    spec = client.get("/openapi.json").json()
    assert "Problem" in spec["components"]["schemas"]
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    for name, operation in _operations(spec).items():
        errors = {code: r for code, r in operation["responses"].items() if code.startswith("4")}
        assert errors, name
        for code, response in errors.items():
            schema = response["content"][PROBLEM]["schema"]
            assert schema == {"$ref": "#/components/schemas/Problem"}, (name, code)
    operations = _operations(spec)
    assert {"401", "403", "404", "409", "412", "422"} <= set(
        operations["update_agenda_item"]["responses"]
    )


def test_token_operations_show_the_bearer_scheme_and_anonymous_ones_none(client) -> None:  # noqa: ANN001
    spec = client.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": spec["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    operations = _operations(spec)
    for name in TOKEN_OPERATIONS:
        assert operations[name]["security"] == [{"bearerAuth": []}], name
    for name in ANONYMOUS_OPERATIONS | {"focal_add_participant"}:
        assert "security" not in operations[name], name


def test_schema_names_are_unique_and_every_answer_is_typed(client) -> None:  # noqa: ANN001
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert {"AgendaRevisionRead", "OutcomeRevisionRead"} <= set(schemas)
    assert not [name for name in schemas if "__" in name]
    for name, operation in _operations(spec).items():
        for code, response in operation["responses"].items():
            for media_type, content in response.get("content", {}).items():
                assert content.get("schema"), (name, code, media_type)
    revision = _operations(spec)["get_agenda_revision"]["responses"]["200"]["content"]
    assert revision["application/json"]["schema"] == {"$ref": "#/components/schemas/AgendaExport"}


def test_lists_declare_their_paging(client) -> None:  # noqa: ANN001
    operations = _operations(client.get("/openapi.json").json())
    for name in LISTS:
        parameters = {p["name"]: p for p in operations[name]["parameters"]}
        assert parameters["limit"]["schema"]["maximum"] == 1000, name
        assert {"Link", "X-Total-Count"} <= set(operations[name]["responses"]["200"]["headers"])
    assert "ETag" in operations["get_agenda_item"]["responses"]["200"]["headers"]
    parameters = {p["name"] for p in operations["update_agenda_item"]["parameters"]}
    assert "If-Match" in parameters


def test_routing_errors_under_the_api_are_problems_and_pages_stay_html(client) -> None:  # noqa: ANN001
    missing = client.get("/api/v1/nowhere")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == PROBLEM
    assert missing.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "Not Found",
        "instance": "/api/v1/nowhere",
    }
    wrong_method = client.delete("/api/v1/editions")
    assert wrong_method.status_code == 405 and wrong_method.headers["content-type"] == PROBLEM
    assert wrong_method.json()["title"] == "Method Not Allowed"
    assert "GET" in wrong_method.headers["allow"]
    page = client.get("/nowhere")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "This page does not exist." in page.text


def test_refusals_are_problems_naming_the_kind_and_the_fields(client, db_session) -> None:  # noqa: ANN001
    edition = make_edition(db_session)
    anonymous = client.post("/api/v1/editions", json={})
    assert anonymous.status_code == 401 and anonymous.headers["content-type"] == PROBLEM
    assert anonymous.headers["www-authenticate"] == "Bearer"
    assert anonymous.json()["type"] == "urn:marrakech-platform:problem:not-authenticated"
    assert anonymous.json()["detail"] == "Authentication required: send a bearer token."
    viewer = client.post(
        "/api/v1/editions", json={}, headers=auth_headers(db_session, role=Role.viewer)
    )
    assert viewer.status_code == 403 and viewer.json()["type"].endswith(":forbidden")
    headers = auth_headers(db_session)
    invalid = client.post("/api/v1/editions", json={"title_en": ""}, headers=headers)
    assert invalid.status_code == 422 and invalid.headers["content-type"] == PROBLEM
    problem = invalid.json()
    assert problem["type"] == "urn:marrakech-platform:problem:invalid-input"
    assert problem["instance"] == "/api/v1/editions"
    fields = {(error["location"], error["field"]) for error in problem["errors"]}
    assert ("body", "title_en") in fields and ("body", "city_en") in fields
    body = {"title_en": "Again", "city_en": "Rabat", "start_date": "2027-06-02"}
    taken = client.post("/api/v1/editions", json={**body, "slug": edition.slug}, headers=headers)
    assert taken.status_code == 409 and taken.headers["content-type"] == PROBLEM
    assert taken.json()["errors"][0]["field"] == "slug"


def test_lists_are_paged_with_links_and_a_total(client) -> None:  # noqa: ANN001
    everything = client.get("/api/v1/entities")
    total = int(everything.headers["x-total-count"])
    assert total == len(everything.json()) > 100  # the default page holds the whole catalogue
    page = client.get("/api/v1/entities?entity_type=member_state&limit=10&offset=20")
    assert page.status_code == 200 and len(page.json()) == 10
    states = client.get("/api/v1/entities?entity_type=member_state").json()
    assert page.json() == states[20:30]
    assert int(page.headers["x-total-count"]) == len(states)
    links = {
        part.split('rel="')[1].rstrip('"'): part.split(">")[0].lstrip(" <")
        for part in page.headers["link"].split(",")
    }
    assert set(links) == {"first", "prev", "next", "last"}
    next_query = parse_qs(urlparse(links["next"]).query)
    assert next_query == {"entity_type": ["member_state"], "limit": ["10"], "offset": ["30"]}
    assert parse_qs(urlparse(links["prev"]).query)["offset"] == ["10"]
    assert parse_qs(urlparse(links["first"]).query)["offset"] == ["0"]
    too_many = client.get("/api/v1/entities?limit=5000")
    assert too_many.status_code == 422 and too_many.json()["errors"][0]["field"] == "limit"


def test_a_write_based_on_an_older_version_is_refused_with_412(client, db_session) -> None:  # noqa: ANN001
    edition = make_edition(db_session)
    item = make_agenda_item(db_session, edition, title_en="Opening")
    headers = auth_headers(db_session)
    url = f"/api/v1/editions/{edition.slug}/agenda/items/{item.id}"
    read = client.get(url, headers=headers)
    etag = read.headers["etag"]
    assert etag.startswith('"')
    first = client.patch(
        url, json={"title_en": "Opening ceremony"}, headers={**headers, "If-Match": etag}
    )
    assert first.status_code == 200, first.text
    assert first.headers["etag"] != etag
    assert client.get(url, headers=headers).headers["etag"] == first.headers["etag"]
    stale = client.patch(
        url, json={"title_en": "Lost update"}, headers={**headers, "If-Match": etag}
    )
    assert stale.status_code == 412 and stale.headers["content-type"] == PROBLEM
    assert "changed by someone else" in stale.json()["detail"]
    stale_delete = client.delete(url, headers={**headers, "If-Match": etag})
    assert stale_delete.status_code == 412
    assert client.get(url, headers=headers).json()["title_en"] == "Opening ceremony"
    # Without If-Match a write is made, as before.
    blind = client.patch(url, json={"room": "Room B"}, headers=headers)
    assert blind.status_code == 200 and blind.json()["title_en"] == "Opening ceremony"
    deleted = client.delete(url, headers={**headers, "If-Match": blind.headers["etag"]})
    assert deleted.status_code == 204


def test_editions_and_statements_refuse_stale_writes_too(client, db_session) -> None:  # noqa: ANN001
    from tests.factories import make_statement

    edition = make_edition(db_session)
    statement = make_statement(db_session, edition)
    headers = auth_headers(db_session)
    for url, change in (
        (f"/api/v1/editions/{edition.slug}", {"venue": "Palais des congrès"}),
        (f"/api/v1/editions/{edition.slug}/outcomes/{statement.id}", {"title_en": "Declaration"}),
    ):
        etag = client.get(url, headers=headers).headers["etag"]
        changed = client.patch(url, json=change, headers={**headers, "If-Match": etag})
        assert changed.status_code == 200, changed.text
        again = client.patch(url, json=change, headers={**headers, "If-Match": etag})
        assert again.status_code == 412, url
        assert again.headers["content-type"] == "application/problem+json"
        assert "changed by someone else" in again.json()["detail"]


def _walk(client, path: str, headers: dict, limit: int = 2) -> tuple[list, set[int]]:  # noqa: ANN001
    """Every entry of a list read page by page, and the totals announced on the way."""
    entries, totals, offset = [], set(), 0
    while True:
        sep = "&" if "?" in path else "?"
        page = client.get(f"{path}{sep}limit={limit}&offset={offset}", headers=headers)
        assert page.status_code == 200, (path, page.text)
        totals.add(int(page.headers["x-total-count"]))
        entries += page.json()
        if 'rel="next"' not in page.headers["link"]:
            return entries, totals
        offset += limit


def test_reading_every_list_page_by_page_gives_the_whole_list_in_its_order(
    client,  # noqa: ANN001
    db_session,  # noqa: ANN001
) -> None:
    from tests.factories import make_delegation, make_participant, make_statement

    edition = make_edition(db_session)
    for hour in (11, 9, 10):
        make_agenda_item(
            db_session,
            edition,
            title_en=f"At {hour}",
            starts_at=f"2027-06-02T{hour:02d}:00",
            ends_at=f"2027-06-02T{hour:02d}:30",
        )
    codes = ("UNOCT", "VAT", "MAR", "KEN")
    delegations = [make_delegation(db_session, edition, code=code)[0] for code in codes]
    for role in ("member", "adviser", "head", "member"):
        make_participant(db_session, edition, delegations[0], role=role)
    for title in ("First", "Second", "Third"):
        make_statement(db_session, edition, title_en=title)
    headers = auth_headers(db_session)
    base = f"/api/v1/editions/{edition.slug}"
    for path in (
        "/api/v1/entities",
        "/api/v1/entities?entity_type=member_state",
        "/api/v1/editions",
        f"{base}/agenda/items",
        f"{base}/delegations",
        f"{base}/delegations/{delegations[0].id}/participants",
        f"{base}/outcomes",
    ):
        whole = client.get(path, headers=headers).json()
        walked, totals = _walk(client, path, headers, limit=2 if len(whole) < 20 else 50)
        assert walked == whole and totals == {len(whole)}, path
    members = client.get(f"{base}/delegations/{delegations[0].id}/participants", headers=headers)
    assert [p["role"] for p in members.json()] == ["head", "member", "member", "adviser"]
    listed = client.get(f"{base}/delegations", headers=headers).json()
    assert [d["entity_code"] for d in listed] == ["KEN", "MAR", "VAT", "UNOCT"]
    items = client.get(f"{base}/agenda/items", headers=headers).json()
    assert [item["title_en"] for item in items] == ["At 9", "At 10", "At 11"]


def test_a_page_is_read_from_the_database_not_cut_from_the_whole_list(
    client,  # noqa: ANN001
    count_queries,  # noqa: ANN001
) -> None:
    with count_queries() as counter:
        page = client.get("/api/v1/entities?limit=10&offset=20")
    assert page.status_code == 200 and len(page.json()) == 10
    reads = [s for s in counter.statements if "entity" in s and "alembic" not in s]
    assert any("LIMIT" in s.upper() and "OFFSET" in s.upper() for s in reads), reads
    assert any("count(" in s.lower() for s in reads), reads


def test_what_the_api_answers_a_client_is_declared_on_the_operation(client, db_session) -> None:  # noqa: ANN001
    """Answers that come from the server's common rules, not the route: a token that is not
    valid is refused on every operation, an oversized body on every one that takes one."""
    operations = _operations(client.get("/openapi.json").json())
    refused = client.get("/api/v1/entities", headers={"Authorization": "Bearer not-a-token"})
    assert refused.status_code == 401 and refused.headers["content-type"] == PROBLEM
    edition = make_edition(db_session)
    too_large = client.post(
        f"/api/v1/editions/{edition.slug}/agenda/items",
        content=b"{" + b" " * 5_000_000 + b"}",
        headers={**auth_headers(db_session), "Content-Type": "application/json"},
    )
    assert too_large.status_code == 413 and too_large.headers["content-type"] == PROBLEM
    for name, operation in operations.items():
        assert "401" in operation["responses"], name
        if "requestBody" in operation:
            assert "413" in operation["responses"], name
