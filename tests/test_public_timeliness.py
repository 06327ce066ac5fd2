"""A party's timeliness figures on the public site: only where the party publishes them,
and then exactly the Committee's protected cells for that party and period."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from db.session import Database
from tests.conftest import GraphQLClient
from tests.helpers import decide, issue_token, register_party, submit

UPDATE = """mutation($input: UpdatePartyInput!) {
  updateParty(input: $input) { party { slug publishesTimeliness } errors { code message } }
}"""
SUMMARY = """query($period: String!) { committeeSummary(period: $period) {
  parties { party received { value suppressed } decided { value suppressed } } } }"""


async def test_timeliness_is_public_only_where_the_party_publishes_it(
    client: httpx.AsyncClient, gql: GraphQLClient, admin_token: str, db: Database
) -> None:
    await register_party(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    for n in range(14):  # received 2026-03-02: the first quarter of 2026
        await decide(gql, officer, await submit(gql, officer, f"T-{n}"))

    page = (await client.get("/parties/party-a")).text
    assert "has not chosen to publish those figures" in page and "2026-Q1" not in page
    async with db.transaction() as session:  # the owner's function refuses, not zeros
        with pytest.raises(DBAPIError, match="does not publish"):
            await session.execute(
                text(
                    "SELECT * FROM public_timeliness((SELECT id FROM parties), '2026-01-01', "
                    "'2026-03-31', '2026-11-01', 10, 4, ARRAY[0, 91, 181, 366])"
                )
            )

    data = await gql.ok(
        UPDATE, {"input": {"party": "party-a", "publishesTimeliness": True}}, token=admin_token
    )
    assert data["updateParty"]["party"]["publishesTimeliness"] is True
    page = (await client.get("/parties/party-a")).text  # the registry change is a new epoch
    row = re.search(r'<th scope="row">2026-Q1</th>(.*?)</tr>', page, re.S)
    assert row is not None, "the complete quarter is shown"
    cells = re.findall(r'<td class="n">([^<]*)</td>', row.group(1))
    committee = await issue_token(gql, admin_token, "COMMITTEE")
    summary = await gql.ok(SUMMARY, {"period": "2026-Q1"}, token=committee)
    [mine] = [p for p in summary["committeeSummary"]["parties"] if p["party"] == "party-a"]
    assert cells[0] == str(int(mine["received"]["value"]))  # the Committee's very cell
    assert cells[1] == str(int(mine["decided"]["value"]))
    assert 10 <= int(cells[0]) <= 16

    # the party can stop publishing them
    await gql.ok(UPDATE, {"input": {"party": "party-a", "publishesTimeliness": False}},
                 token=admin_token)  # fmt: skip
    assert "2026-Q1" not in (await client.get("/parties/party-a")).text
