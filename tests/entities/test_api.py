"""The entity catalogue."""


def test_catalogue_holds_every_member_state_in_three_languages(client) -> None:
    states = client.get("/api/v1/entities?entity_type=member_state").json()
    assert len(states) == 193
    morocco = next(s for s in states if s["code"] == "MAR")
    assert (morocco["iso_alpha2"], morocco["name_fr"], morocco["name_ar"]) == (
        "MA",
        "Maroc",
        "المغرب",
    )
    assert all(s["name_en"] and s["name_fr"] and s["name_ar"] for s in states)


def test_african_union_members_can_be_listed(client) -> None:
    members = client.get("/api/v1/entities?african_union_member=true").json()
    assert len(members) == 54 and all(m["region"] == "Africa" for m in members)


def test_organisations_named_in_the_sources_are_there(client) -> None:
    codes = {e["code"] for e in client.get("/api/v1/entities").json()}
    assert {"UNOCT", "G5S", "GCTF"} <= codes
    assert client.get("/api/v1/entities?entity_type=spaceship").status_code == 422
