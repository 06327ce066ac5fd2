"""The whole path over GraphQL: admin, two parties, cases, a release, statistics, isolation."""

from __future__ import annotations

from db.session import Database
from tests.conftest import GraphQLClient
from tests.helpers import (
    CASES,
    DECIDE_CASE,
    STATISTICS,
    decide,
    issue_token,
    publish,
    publish_statistics,
    register_party,
    submit,
)

K = 10


async def test_whole_path(gql: GraphQLClient, admin_token: str, owner_db: Database) -> None:
    await register_party(gql, admin_token, "party-a")
    await register_party(gql, admin_token, "party-b")
    officer_a = await issue_token(gql, admin_token, "OFFICER", "party-a")
    officer_b = await issue_token(gql, admin_token, "OFFICER", "party-b")
    committee = await issue_token(gql, admin_token, "COMMITTEE")

    # Party A: 12 outcomes share one combination (publishable), 5 share another (held back).
    cases = []
    for n in range(12):
        cases.append(await submit(gql, officer_a, f"A-{n}"))
    for n in range(5):
        cases.append(await submit(gql, officer_a, f"A-X{n}", provisions=["JC3"]))
    retry = await gql.ok(
        "mutation($i: SubmitCaseInput!) { submitCase(input: $i) { created case { id } } }",
        {
            "i": {
                "reference": "A-0",
                "receivedOn": "2026-03-02",
                "provisions": ["JC6"],
                "channel": "social_x",
                "respondentRole": "member",
            }
        },
        token=officer_a,
    )
    assert retry["submitCase"] == {"created": False, "case": {"id": cases[0]["id"]}}

    for case in cases[:12]:
        await decide(gql, officer_a, case, sanction="advice")
    for case in cases[12:]:
        await decide(gql, officer_a, case, sanction="expulsion")
    for n in range(12):  # a second band for the same facts: the release may show bands
        case = await submit(gql, officer_a, f"A-S{n}")
        await decide(gql, officer_a, case, sanction="suspension", suspensionMonths=6)

    release = await publish(gql, officer_a)
    assert release["errors"] == []
    assert release["release"]["number"] == 1
    # 24 JC6 outcomes in two bands are released; the 5 JC3 ones are held back, and that
    # count (below k) is published only as "fewer than k"
    assert release["release"]["recordCount"] == 24
    assert release["release"]["heldBackCount"] is None
    assert release["release"]["previousHash"] is None
    await publish_statistics(owner_db)  # the quarter's edition, as the calendar publishes it

    # Public statistics: protected tables over all 29 final outcomes, never 1..k-1.
    for group_by in (["PARTY"], ["PARTY", "YEAR"], ["PARTY", "FAMILY"], ["SANCTION_BAND"],
                     ["YEAR", "PROVISION"], ["QUARTER"]):  # fmt: skip
        rows = (await gql.ok(STATISTICS, {"groupBy": group_by}))["statistics"]
        assert rows and all(row["count"] >= K for row in rows), (group_by, rows)
    by_party = (await gql.ok(STATISTICS, {"groupBy": ["PARTY"]}))["statistics"]
    assert by_party[0]["party"] == "party-a" and 27 <= by_party[0]["count"] <= 31
    refused = await gql(STATISTICS, {"groupBy": ["PARTY", "CHANNEL", "SANCTION"]})
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "PARTY + YEAR + FAMILY" in refused["errors"][0]["message"]

    # The committee sees protected counts per party for a fixed period, and no case.
    summary = await gql.ok(
        '{ committeeSummary(period: "2026-Q1") { k parties { party received { value suppressed } '
        "decided { value } published { value } } total { received { value } } } }",
        token=committee,
    )
    figures = {p["party"]: p for p in summary["committeeSummary"]["parties"]}
    assert 27 <= figures["party-a"]["received"]["value"] <= 31
    assert 22 <= figures["party-a"]["published"]["value"] <= 26
    assert figures["party-b"]["received"] == {"value": None, "suppressed": True}

    # Party B cannot see or touch party A's cases: by id, by filter, or by reference.
    a_case = cases[12]
    node = await gql.ok(
        "query($id: ID!) { node(id: $id) { id } }", {"id": a_case["id"]}, token=officer_b
    )
    assert node == {"node": None}
    listed = await gql.ok(CASES, {"first": 50}, token=officer_b)
    assert listed["cases"]["totalCount"] == 0
    by_ref = await gql.ok(CASES, {"first": 50, "filter": {"reference": "A-X0"}}, token=officer_b)
    assert by_ref["cases"] == {
        "totalCount": 0,
        "edges": [],
        "pageInfo": {"hasNextPage": False, "endCursor": None},
    }

    attempt = {
        "findings": [{"provision": "JC3", "proven": False}],
        "sanction": "no_further_action",
        "expectedVersion": 4,
    }
    foreign = await gql.ok(DECIDE_CASE, {"input": {"id": a_case["id"], **attempt}}, token=officer_b)
    missing = await gql.ok(
        DECIDE_CASE,
        {"input": {"id": "Q2FzZTowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA=", **attempt}},
        token=officer_b,
    )
    assert foreign == missing
    assert foreign["decideCase"]["errors"][0]["code"] == "NOT_FOUND"

    # B using A's reference creates B's own case; A's case is untouched.
    b_case = await submit(gql, officer_b, "A-X0")
    assert b_case["id"] != a_case["id"]
    still = await gql.ok(
        "query($id: ID!) { node(id: $id) { ... on Case { state sanction version } } }",
        {"id": a_case["id"]},
        token=officer_a,
    )
    # publishing made it final first (its appeal window had passed): nothing else changed
    assert still["node"] == {"state": "FINAL", "sanction": "expulsion", "version": 5}


async def test_second_release_chains_to_the_first(gql: GraphQLClient, admin_token: str) -> None:
    await register_party(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    for batch in range(2):
        for n in range(10):
            case = await submit(gql, officer, f"R{batch}-{n}")
            await decide(gql, officer, case, sanction="formal_warning")
        release = await publish(gql, officer)
        assert release["errors"] == []
        if batch == 0:
            first = release["release"]
    assert release["release"]["number"] == 2
    assert release["release"]["previousHash"] == first["contentHash"]
    nothing = await publish(gql, officer)
    assert nothing["release"] is None
    assert nothing["errors"][0]["code"] == "NOTHING_TO_PUBLISH"
