"""An answer's size is bounded before anything runs: the issue's 20 aliases of a full page
of cases with their histories are refused, naming the limit; a full page is answered."""

from __future__ import annotations

from tests.conftest import GraphQLClient
from tests.helpers import issue_token, register_party

PAGE = """cases(first: 100) { totalCount edges { cursor node {
  id reference state version receivedOn provisions channel respondentRole targetRole
  characteristics formsOfHate summary allowedNextSteps repeatRespondent
  deadlines { name dueOn doneOn status }
  history(first: 50) { totalCount edges { node { seq at action actor actorRole hash
    changes { field before after } } } }
  reads(first: 20) { totalCount edges { node { at actor actorRole } } } } } }"""


async def test_a_document_too_costly_is_refused_before_it_runs(
    gql: GraphQLClient, admin_token: str
) -> None:
    await register_party(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    full_page = await gql(f"{{ {PAGE} }}", token=officer)
    assert "errors" not in full_page, full_page
    aliases = " ".join(f"a{n}: {PAGE}" for n in range(20))
    refused = await gql(f"{{ {aliases} }}", token=officer)
    [error] = refused["errors"]
    assert error["extensions"]["code"] == "COST_LIMIT"
    assert error["extensions"]["limit"] == 100_000 and error["extensions"]["cost"] > 100_000
    assert "100,000" in error["message"] and refused.get("data") is None
