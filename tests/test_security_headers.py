"""The Content-Security-Policy, HSTS and Cache-Control: no-store on private responses."""

import base64
import hashlib
import re

from app.config import ROOT_DIR, get_settings
from tests.factories import (
    auth_headers,
    make_delegation,
    make_edition,
    open_registration,
    sign_in,
)


def _directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def test_every_page_has_a_policy_without_inline_scripts(client, db_session) -> None:
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    _, token = make_delegation(db_session, edition)
    for path in ("/", f"/editions/{edition.slug}", "/admin/sign-in", f"/register/{token}"):
        response = client.get(path)
        assert response.status_code == 200, path
        policy = _directives(response.headers["content-security-policy"])
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["form-action"] == ["'self'"]
        assert policy["base-uri"] == ["'none'"]
        assert policy["object-src"] == ["'none'"]
    # The API and cached public answers carry it too.
    assert "content-security-policy" in client.get("/api/v1/editions").headers
    assert "content-security-policy" in client.get("/api/v1/editions").headers


def test_templates_hold_no_inline_script_handler_or_style() -> None:
    """What the policy forbids must not be needed: every script is a file under /static."""
    offending = []
    for template in (ROOT_DIR / "templates").rglob("*.html"):
        text = template.read_text()
        for pattern in (
            r"<script(?![^>]*\bsrc=)[^>]*>",
            r"\son[a-z]+\s*=",
            r"javascript:",
            r"\sstyle\s*=",
            r"<style",
        ):
            for match in re.finditer(pattern, text, flags=re.IGNORECASE):
                offending.append(f"{template.relative_to(ROOT_DIR)}: {match.group(0)}")
    assert offending == []


def test_the_api_docs_page_allows_only_its_cdn_and_its_own_inline_script(client) -> None:
    response = client.get("/docs")
    assert response.status_code == 200 and "swagger-ui" in response.text
    policy = _directives(response.headers["content-security-policy"])
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "https://cdn.jsdelivr.net" in policy["script-src"]
    inline = re.findall(r"<script>(.*?)</script>", response.text, flags=re.DOTALL)
    assert len(inline) == 1
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in policy["script-src"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert client.get("/openapi.json").status_code == 200


def test_hsts_is_sent_when_cookies_are_secure(client, monkeypatch) -> None:
    assert "strict-transport-security" not in client.get("/").headers
    monkeypatch.setattr(get_settings(), "secure_cookies", True)
    hsts = client.get("/").headers["strict-transport-security"]
    assert hsts.startswith("max-age=") and int(hsts.split("=")[1]) >= 180 * 86400


def test_organiser_and_focal_point_pages_are_never_stored(client, db_session) -> None:
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    _, token = make_delegation(db_session, edition)
    assert client.get("/admin/sign-in").headers["cache-control"] == "no-store"
    assert client.get(f"/register/{token}").headers["cache-control"] == "no-store"
    sign_in(client, db_session)
    for path in (
        "/admin",
        "/admin/audit",
        f"/admin/editions/{edition.slug}",
        f"/admin/editions/{edition.slug}/delegations",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "no-store", path


def test_api_answers_with_personal_data_are_never_stored(client, db_session) -> None:
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    delegation, token = make_delegation(db_session, edition, email="fp@kenya.example")
    headers = auth_headers(db_session)
    base = f"/api/v1/editions/{edition.slug}"
    for path in (
        f"{base}/delegations",
        f"{base}/delegations/{delegation.id}",
        f"{base}/delegations/{delegation.id}/participants",
        f"{base}/requests",
        f"{base}/registration",
    ):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "no-store", path
    assert "fp@kenya.example" in client.get(f"{base}/delegations", headers=headers).text
    focal = client.get(f"/api/v1/register/{token}/participants")
    assert focal.status_code == 200 and focal.headers["cache-control"] == "no-store"
    refused = client.get(f"{base}/delegations")
    assert refused.status_code == 401 and refused.headers["cache-control"] == "no-store"


def test_public_pages_keep_their_caching(client, db_session) -> None:
    assert "no-store" not in client.get("/").headers.get("cache-control", "")
    assert "no-store" not in client.get("/api/v1/editions").headers.get("cache-control", "")
    assert "no-store" not in client.get("/editions/2024-fez").headers.get("cache-control", "")
