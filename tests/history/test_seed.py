"""The seeded record: every fact cites a source that says it, and seeding is idempotent."""

import re

from sqlmodel import func, select

from app.editions.models import Edition
from app.history.models import (
    EditionFact,
    EditionPerson,
    Person,
    RecordFact,
    RecordSubject,
    ReportedFigure,
    ReportedOutcome,
    Source,
    SourceConflict,
    SummaryCitation,
    Theme,
)
from app.history.seeding import seed_all

FACT_MODELS = (EditionFact, ReportedFigure, EditionPerson, Theme, ReportedOutcome)


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_every_fact_quotes_its_source(db_session) -> None:
    sources = {s.id: _normalise(s.text) for s in db_session.exec(select(Source))}
    checked = 0
    for model in FACT_MODELS:
        for row in db_session.exec(select(model)):
            assert row.source_id in sources
            for piece in row.quote.split("[...]"):
                assert _normalise(piece).strip(" .") in sources[row.source_id], (model, piece)
            checked += 1
    assert checked >= 40


def test_every_known_edition_attribute_is_backed_by_a_source(db_session) -> None:
    for edition in db_session.exec(select(Edition).where(Edition.is_historical)):
        fields = {
            f.field
            for f in db_session.exec(
                select(EditionFact).where(EditionFact.edition_id == edition.id)
            )
        }
        if edition.start_date:
            assert "start_date" in fields, edition.slug
        if edition.end_date:
            assert "end_date" in fields, edition.slug
        assert "city" in fields, edition.slug


def test_nothing_is_invented_where_the_sources_are_silent(db_session) -> None:
    editions = {e.slug: e for e in db_session.exec(select(Edition))}
    assert editions["2022-marrakech"].start_date is None
    assert editions["2023-tangier"].end_date is None
    assert editions["2021-marrakech"].end_date is None
    assert all(e.venue is None for e in editions.values() if e.is_historical)


def test_both_readings_are_kept_where_sources_differ(db_session) -> None:
    fez = db_session.exec(select(Edition).where(Edition.slug == "2024-fez")).one()
    cities = {
        f.value
        for f in db_session.exec(
            select(EditionFact).where(EditionFact.edition_id == fez.id, EditionFact.field == "city")
        )
    }
    assert cities == {"Fez", "Fes"}


def test_seeding_twice_gives_the_same_rows(db_session) -> None:
    def counts() -> dict[str, int]:
        return {
            model.__name__: db_session.exec(select(func.count()).select_from(model)).one()
            for model in (
                *FACT_MODELS,
                Source,
                Edition,
                Person,
                RecordFact,
                RecordSubject,
                SourceConflict,
                SummaryCitation,
            )
        }

    before = counts()
    seed_all(db_session)
    assert counts() == before
