"""Severity and sanction guidance: a table of factor combinations, GraphQL and the CLI."""

from __future__ import annotations

import codes
from tests.conftest import GraphQLClient

V1 = codes.get_version("1")
assert V1 is not None


GUIDANCE = """
query($version: String, $provisions: [String!]!, $factors: [String!]) {
  sanctionGuidance(version: $version, provisions: $provisions, factors: $factors) {
    version baseLevel baseProvisions netMovement appliedMovement level levelTitle
    recommendedFrom { id rank } recommendedTo { id rank } recommended { id }
    factors { id aggravating movement } explanation
  }
}"""


async def test_guidance_over_graphql_without_a_token(gql: GraphQLClient) -> None:
    variables = {"provisions": ["JC6"], "factors": ["repeated", "previous_sanction", "apology"]}
    g = (await gql.ok(GUIDANCE, variables))["sanctionGuidance"]
    assert g["version"] == "1"
    assert (g["baseLevel"], g["netMovement"], g["appliedMovement"], g["level"]) == (2, 2, 2, 4)
    assert g["levelTitle"] == "Very serious"
    assert g["recommendedFrom"] == {"id": "suspension", "rank": 4}
    assert [s["id"] for s in g["recommended"]] == ["suspension", "bar_from_office", "expulsion"]
    assert g["factors"] == [
        {"id": "repeated", "aggravating": True, "movement": 1},
        {"id": "previous_sanction", "aggravating": True, "movement": 2},
        {"id": "apology", "aggravating": False, "movement": -1},
    ]
    assert len(g["explanation"]) == 6


async def test_guidance_errors_are_bad_user_input_listing_allowed_ids(
    gql: GraphQLClient,
) -> None:
    body = await gql(GUIDANCE, {"provisions": ["JC99"], "factors": ["charm"]})
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    details = error["extensions"]["errors"]
    assert [d["code"] for d in details] == ["UNKNOWN_PROVISION", "UNKNOWN_FACTOR"]
    assert "JC13" in details[0]["message"] and "apology" in details[1]["message"]

    body = await gql(GUIDANCE, {"version": "7", "provisions": ["JC1"]})
    [error] = body["errors"]
    assert error["extensions"]["errors"][0]["code"] == "UNKNOWN_CODE_VERSION"
    assert "known versions: 1" in error["message"]
