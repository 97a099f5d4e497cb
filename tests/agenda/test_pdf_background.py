"""Publishing renders the programme's (and a statement's) PDFs in the background, in the
three languages, so that no reader waits; a copy that is missing is rendered on the reader's
request."""

import time
from datetime import date

import httpx
from sqlmodel import Session, col, delete, select

from app import migrate
from app.agenda.models import AgendaPdf
from app.db import build_engine
from tests.factories import make_account, make_agenda_item, make_edition, make_token
from tests.pdf_text import copied_text
from tests.served_app import served_app


def _stored_languages(engine) -> set[str]:  # noqa: ANN001
    with Session(engine) as db_session:
        return set(db_session.exec(select(AgendaPdf.language)).all())


def test_publishing_renders_the_pdfs_without_a_reader(tmp_path) -> None:  # noqa: ANN001
    url = f"sqlite:///{tmp_path / 'background.db'}"
    migrate.upgrade(url)
    engine = build_engine(url)
    with Session(engine, expire_on_commit=False) as db_session:
        edition = make_edition(db_session, start_date=date(2027, 6, 2), end_date=date(2027, 6, 3))
        make_agenda_item(db_session, edition, title_en="Opening ceremony", title_ar="حفل الافتتاح")
        token = make_token(db_session, make_account(db_session))
        db_session.commit()
        slug = edition.slug
    try:
        with (
            served_app(url, tmp_path) as (_, base_url),
            httpx.Client(base_url=base_url, timeout=60) as http,
        ):
            published = http.post(
                f"/api/v1/editions/{slug}/agenda/revisions",
                json={"note": "First issue"},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert published.status_code == 201, published.text
            deadline = time.monotonic() + 180
            languages: set[str] = set()
            while languages != {"en", "fr", "ar"} and time.monotonic() < deadline:
                time.sleep(0.5)
                languages = _stored_languages(engine)
            assert languages == {"en", "fr", "ar"}, "no reader asked, yet all three exist"

            # A copy that is gone (deleted, or the process stopped before it) is rendered
            # on demand and stored again.
            with Session(engine) as db_session:
                db_session.exec(delete(AgendaPdf).where(col(AgendaPdf.language) == "ar"))
                db_session.commit()
            response = http.get(f"/editions/{slug}/agenda.pdf?lang=ar")
            assert response.status_code == 200
            assert response.headers["content-type"] == "application/pdf"
            assert response.content.startswith(b"%PDF")
            assert _stored_languages(engine) == {"en", "fr", "ar"}
    finally:
        engine.dispose()


def test_publishing_a_statement_renders_its_pdfs_without_a_reader(tmp_path) -> None:  # noqa: ANN001
    url = f"sqlite:///{tmp_path / 'statements.db'}"
    migrate.upgrade(url)
    engine = build_engine(url)
    with Session(engine, expire_on_commit=False) as db_session:
        slug = make_edition(db_session).slug
        token = make_token(db_session, make_account(db_session))
        db_session.commit()
    engine.dispose()
    stored = tmp_path / "pdf" / "outcomes"
    bearer = {"Authorization": f"Bearer {token}"}
    with (
        served_app(url, tmp_path) as (_, base_url),
        httpx.Client(base_url=base_url, timeout=60, headers=bearer) as http,
    ):
        created = http.post(
            f"/api/v1/editions/{slug}/outcomes",
            json={
                "kind": "press_release",
                "title_en": "Closing press release",
                "title_ar": "بيان صحفي ختامي",
                "body_en": "The participants met in Rabat.",
            },
        )
        assert created.status_code == 201, created.text
        statement_id = created.json()["id"]
        published = http.post(f"/api/v1/editions/{slug}/outcomes/{statement_id}/publish")
        assert published.status_code == 200, published.text
        deadline = time.monotonic() + 180
        while len(list(stored.glob("*.pdf"))) < 3 and time.monotonic() < deadline:
            time.sleep(0.5)
        copies = sorted(stored.glob("*.pdf"))
        assert len(copies) == 3, "no reader asked, yet the three languages are stored"

        for copy in copies:
            copy.unlink()
        response = http.get(f"/editions/{slug}/outcomes/{statement_id}.pdf?lang=ar")
        assert response.status_code == 200
        assert "بيان صحفي ختامي" in copied_text(response.content, 0)
        assert len(list(stored.glob("*.pdf"))) == 1, "rendered on demand, and stored again"
