"""The organisers' statistics of an edition, and the public chart counted from registrations."""

import re

import pytest

from app.auth.models import Role
from tests.factories import (
    make_delegation,
    make_edition,
    make_participant,
    open_registration,
    sign_in,
)


@pytest.fixture
def edition(db_session):  # noqa: ANN001, ANN201
    edition = make_edition(db_session)
    open_registration(db_session, edition, quota=40)
    return edition


def _row(html: str, table_id: str, label: str) -> list[str]:
    table = html[html.index(f'id="{table_id}"') :]
    table = table[: table.index("</table>")]
    match = re.search(rf"<th scope=\"row\">{re.escape(label)}</th>((?:<td>[^<]*</td>)+)", table)
    assert match, (label, table)
    return re.findall(r"<td>([^<]*)</td>", match.group(1))


def test_statistics_count_by_status_entity_type_role_language_and_gender(
    client,
    db_session,
    edition,  # noqa: ANN001
) -> None:
    kenya, _ = make_delegation(db_session, edition, code="KEN")
    unoct, _ = make_delegation(db_session, edition, code="UNOCT")
    make_participant(db_session, edition, kenya, role="head", gender="female")
    make_participant(db_session, edition, kenya, interpretation_language="fr", gender="male")
    make_participant(db_session, edition, kenya, status="pending", gender="female")
    make_participant(db_session, edition, kenya, status="rejected", gender="male")
    make_participant(db_session, edition, unoct, interpretation_language="ar")
    sign_in(client, db_session, role=Role.viewer)
    page = client.get(f"/admin/editions/{edition.slug}/statistics").text
    assert _row(page, "participants-by-status", "Accredited") == ["3"]
    assert _row(page, "participants-by-status", "Rejected") == ["1"]
    assert _row(page, "participants-by-status", "Total") == ["5"]
    assert _row(page, "delegations-by-status", "Invited") == ["2"]
    assert _row(page, "by-entity_type", "Member State") == ["3", "2"]
    assert _row(page, "by-entity_type", "United Nations entity") == ["1", "1"]
    assert _row(page, "by-role", "Head of delegation") == ["1", "1"]
    assert _row(page, "by-role", "Member") == ["3", "2"]
    assert _row(page, "by-interpretation_language", "French") == ["1", "1"]
    assert _row(page, "by-interpretation_language", "Arabic") == ["1", "1"]
    assert _row(page, "by-gender", "Female") == ["2", "1"]
    assert _row(page, "by-gender", "Male") == ["1", "1"]  # the rejected one is left out
    assert _row(page, "by-gender", "Not given") == ["1", "1"]


def test_statistics_cost_the_same_queries_for_1_and_30_participants(
    client,
    db_session,
    edition,
    count_queries,  # noqa: ANN001
) -> None:
    sign_in(client, db_session, role=Role.viewer)
    delegations = [make_delegation(db_session, edition, code=c)[0] for c in ("KEN", "GHA", "MAR")]
    make_participant(db_session, edition, delegations[0])
    url = f"/admin/editions/{edition.slug}/statistics"
    with count_queries() as one:
        assert client.get(url).status_code == 200
    for index in range(29):
        make_participant(
            db_session,
            edition,
            delegations[index % 3],
            gender=("female", "male", None)[index % 3],
            interpretation_language=("en", "fr", "ar", "es")[index % 4],
            status=("accredited", "pending")[index % 2],
        )
    with count_queries() as thirty:
        page = client.get(url)
    assert _row(page.text, "participants-by-status", "Total") == ["30"]
    assert thirty.count == one.count


def test_statistics_are_for_signed_in_organisers(client, edition) -> None:  # noqa: ANN001
    response = client.get(f"/admin/editions/{edition.slug}/statistics", follow_redirects=False)
    assert response.status_code == 303 and "/admin/sign-in" in response.headers["location"]


def test_home_chart_counts_registrations_without_personal_data(
    client,
    db_session,
    edition,  # noqa: ANN001
) -> None:
    from app.audit.service import SYSTEM
    from app.delegations import review
    from app.delegations.models import DelegationStatus

    kenya, _ = make_delegation(db_session, edition, code="KEN")
    ghana, _ = make_delegation(db_session, edition, code="GHA")
    make_delegation(db_session, edition, code="MAR")  # invited only: not counted
    make_participant(db_session, edition, kenya, given_name="Zawadi", role="head")
    make_participant(db_session, edition, ghana, given_name="Akosua", role="head")
    make_participant(db_session, edition, ghana, given_name="Pendo", status="pending")
    for delegation, status in ((kenya, "submitted"), (kenya, "confirmed"), (ghana, "submitted")):
        review.change_delegation_status(
            db_session,
            edition=edition,
            delegation=delegation,
            status=DelegationStatus(status),
            actor=SYSTEM,
        )
    page = client.get("/").text
    row = page[page.index(f"{edition.year} · Rabat</th>") :]
    row = row[: row.index("</tr>")]
    cells = re.findall(r"<td>(.*?)</td>", row)
    assert cells[0].startswith("2 ") and "from registrations" in cells[0]
    assert cells[1].startswith("2 ") and "from registrations" in cells[1]
    assert "Zawadi" not in page and "Akosua" not in page and "Pendo" not in page
    assert "@agency.example" not in page
    assert "Third High-Level Meeting" in page  # historical editions keep reported figures
    assert "Delegations: about 60" in page


def test_home_queries_do_not_grow_with_registered_editions(
    client,
    db_session,
    count_queries,  # noqa: ANN001
) -> None:
    first = make_edition(db_session)
    open_registration(db_session, first)
    make_participant(db_session, first, make_delegation(db_session, first)[0])
    with count_queries() as one:
        client.get("/")
    for _ in range(3):
        other = make_edition(db_session)
        open_registration(db_session, other)
        make_participant(db_session, other, make_delegation(db_session, other)[0])
    with count_queries() as four:
        client.get("/")
    assert four.count == one.count
