"""An integrator generates a Python client from the served /openapi.json with
openapi-python-client and uses it: every answer, an error included, comes back typed."""

import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from types import ModuleType

import pytest
from fastapi.testclient import TestClient

from tests.factories import auth_headers, make_agenda_item, make_edition

PACKAGE = "marrakech_client"


@pytest.fixture
def generated(client: TestClient, tmp_path: Path) -> Iterator[ModuleType]:
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(client.get("/openapi.json").json()))
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"package_name_override": PACKAGE, "post_hooks": []}))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            f"--path={spec}",
            f"--config={config}",
            f"--output-path={tmp_path / PACKAGE}",
            "--meta=none",
            "--fail-on-warning",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def test_a_generated_client_lists_reads_creates_and_gets_a_typed_404(
    generated, app, db_session
) -> None:  # noqa: ANN001
    from marrakech_client import AuthenticatedClient
    from marrakech_client.api.agenda import create_agenda_item, get_agenda_item, list_agenda_items
    from marrakech_client.api.editions import get_edition
    from marrakech_client.api.entities import list_entities
    from marrakech_client.models import (
        AgendaItemCreate,
        AgendaItemKind,
        AgendaItemRead,
        EditionDetail,
        EntityRead,
        Problem,
    )

    edition = make_edition(db_session)
    make_agenda_item(db_session, edition, title_en="Opening")
    headers = auth_headers(db_session)
    token = headers["Authorization"].removeprefix("Bearer ")
    api = AuthenticatedClient(base_url="http://testserver", token=token)
    # The generated client talks to the application in this process.
    api.set_httpx_client(TestClient(app, base_url="http://testserver", headers=headers))

    entities = list_entities.sync_detailed(client=api)
    assert all(isinstance(entity, EntityRead) for entity in entities.parsed)
    assert int(entities.headers["x-total-count"]) == len(entities.parsed) > 100
    assert "KEN" in {entity.code for entity in entities.parsed}

    detail = get_edition.sync(edition.slug, client=api)
    assert isinstance(detail, EditionDetail) and detail.slug == edition.slug

    body = AgendaItemCreate(
        kind=AgendaItemKind.PANEL,
        starts_at=datetime(2027, 6, 2, 14, 0),
        ends_at=datetime(2027, 6, 2, 15, 30),
        title_en="Panel on borders",
    )
    created = create_agenda_item.sync_detailed(edition.slug, client=api, body=body)
    assert created.status_code == 201 and isinstance(created.parsed, AgendaItemRead)
    assert created.parsed.starts_at.isoformat() == "2027-06-02T14:00:00+01:00"
    listed = list_agenda_items.sync(edition.slug, client=api, limit=1, offset=1)
    assert [item.title_en for item in listed] == ["Panel on borders"]

    missing = get_agenda_item.sync_detailed(edition.slug, 999999, client=api)
    assert missing.status_code == 404
    assert isinstance(missing.parsed, Problem)
    assert missing.parsed.status == 404 and missing.parsed.title == "Not Found"
    assert missing.parsed.type_ == "urn:marrakech-platform:problem:not-found"
