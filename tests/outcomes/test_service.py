"""Rules of outcome statements that are hard to reach through HTTP."""

import pytest

from app.audit.service import SYSTEM
from app.errors import Conflict
from app.outcomes import service as outcomes_service
from app.outcomes.schemas import OutcomeCreate
from tests.factories import make_edition, make_statement


def test_a_symbol_taken_by_a_simultaneous_save_is_a_conflict(db_session, monkeypatch) -> None:
    edition = make_edition(db_session)
    first = make_statement(db_session, edition)
    # The other organiser's save lands between our check and our commit.
    monkeypatch.setattr(outcomes_service, "_check_symbol_free", lambda *args: None)
    with pytest.raises(Conflict, match="at the same moment"):
        outcomes_service.create_statement(
            db_session,
            edition=edition,
            statement_in=OutcomeCreate(kind="declaration", title_en="T", symbol=first.symbol),
            actor=SYSTEM,
        )
    assert [s.symbol for s in outcomes_service.list_statements(db_session, edition=edition)] == [
        first.symbol
    ]


def test_proposed_symbols_skip_those_taken(db_session) -> None:
    edition = make_edition(db_session)
    make_statement(db_session, edition)
    outcomes_service.create_statement(
        db_session,
        edition=edition,
        statement_in=OutcomeCreate(kind="declaration", title_en="T", symbol="MP/2027/3"),
        actor=SYSTEM,
    )
    assert outcomes_service.propose_symbol(db_session, edition=edition) == "MP/2027/2"
