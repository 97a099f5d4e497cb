"""The badge code: signed, opaque, and refused when forged, revoked or used."""

import pytest

from app.audit.service import SYSTEM
from app.badges import service as badges_service
from app.badges.service import AlreadyCheckedIn, RevokedBadge, UnknownBadge
from tests.factories import make_delegation, make_edition, make_participant, open_registration


@pytest.fixture
def edition(db_session):  # noqa: ANN001, ANN201
    edition = make_edition(db_session)
    open_registration(db_session, edition)
    return edition


def test_a_code_names_no_person_and_reads_back(db_session, edition) -> None:  # noqa: ANN001
    delegation, _ = make_delegation(db_session, edition)
    person = make_participant(db_session, edition, delegation, given_name="Amina")
    code = badges_service.badge_code(person)
    assert len(code) == 26 and code.isalnum() and code.isupper()
    assert "Amina" not in code and person.email not in code
    assert badges_service.read_code(code) == (person.id, 1)
    assert badges_service.read_code(code.lower()) == (person.id, 1)  # a scanner may type lower


def test_a_tampered_code_is_unknown(db_session, edition) -> None:  # noqa: ANN001
    delegation, _ = make_delegation(db_session, edition)
    person = make_participant(db_session, edition, delegation)
    code = badges_service.badge_code(person)
    tampered = code[:-1] + ("A" if code[-1] != "A" else "B")
    assert badges_service.read_code(tampered) is None
    with pytest.raises(UnknownBadge):
        badges_service.check_in(db_session, edition=edition, code=tampered, actor=SYSTEM)
    db_session.refresh(person)
    assert person.checked_in_at is None


def test_only_one_spelling_of_a_code_is_read(db_session, edition) -> None:  # noqa: ANN001
    """The code's last letter holds two bits that no byte uses; a letter differing only in
    those bits decodes to the same bytes and must still be refused."""
    delegation, _ = make_delegation(db_session, edition)
    person = make_participant(db_session, edition, delegation)
    code = badges_service.badge_code(person)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    same_bits = [
        letter
        for letter in alphabet
        if letter != code[-1] and alphabet.index(letter) >> 2 == alphabet.index(code[-1]) >> 2
    ]
    assert len(same_bits) == 3
    for letter in same_bits:
        assert badges_service.read_code(code[:-1] + letter) is None
    assert badges_service.read_code(code) == (person.id, person.badge_serial % 65536)


def test_a_code_of_another_edition_is_unknown(db_session, edition) -> None:  # noqa: ANN001
    delegation, _ = make_delegation(db_session, edition)
    person = make_participant(db_session, edition, delegation)
    other = make_edition(db_session)
    with pytest.raises(UnknownBadge):
        badges_service.check_in(
            db_session, edition=other, code=badges_service.badge_code(person), actor=SYSTEM
        )


def test_check_in_once_then_already_used_with_the_time(db_session, edition) -> None:  # noqa: ANN001
    delegation, _ = make_delegation(db_session, edition)
    person = make_participant(db_session, edition, delegation)
    code = badges_service.badge_code(person)
    result = badges_service.check_in(db_session, edition=edition, code=code, actor=SYSTEM)
    assert result.participant.checked_in_at is not None
    with pytest.raises(AlreadyCheckedIn) as refused:
        badges_service.check_in(db_session, edition=edition, code=code, actor=SYSTEM)
    shown = badges_service.local_time(result.checked_in_at, edition)
    assert f"at {shown}" in str(refused.value)


def test_a_reissued_badge_revokes_the_old_code(db_session, edition) -> None:  # noqa: ANN001
    delegation, _ = make_delegation(db_session, edition)
    person = make_participant(db_session, edition, delegation)
    old_code = badges_service.badge_code(person)
    badges_service.reissue_badge(
        db_session, edition=edition, participant_id=person.id, actor=SYSTEM
    )
    new_code = badges_service.badge_code(person)
    assert new_code != old_code
    with pytest.raises(RevokedBadge):
        badges_service.check_in(db_session, edition=edition, code=old_code, actor=SYSTEM)
    badges_service.check_in(db_session, edition=edition, code=new_code, actor=SYSTEM)


def test_a_rejected_participant_is_refused(db_session, edition) -> None:  # noqa: ANN001
    delegation, _ = make_delegation(db_session, edition)
    person = make_participant(db_session, edition, delegation, status="rejected")
    with pytest.raises(RevokedBadge, match="not accredited"):
        badges_service.check_in(
            db_session, edition=edition, code=badges_service.badge_code(person), actor=SYSTEM
        )
