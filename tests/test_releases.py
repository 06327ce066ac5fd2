"""Previews, stale previews, release immutability and `jointcode release verify`."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from api.cli import app as cli
from db.session import Database
from publication.anonymise import PUBLISHED_COLUMNS
from tests.conftest import GraphQLClient
from tests.helpers import PUBLISH, decide, issue_token, publish, register_party, submit

PREVIEW = """
mutation {
  previewRelease(input: {}) {
    preview {
      id k recordCount heldBackCount heldBackShare
      levels { attribute level generalisedShare }
      records { period quarter year provisions families channel channelGroup sanction }
      heldBack { classSize case { reference } }
    }
    errors { code message }
  }
}"""


@pytest.fixture
async def officer(gql: GraphQLClient, admin_token: str) -> str:
    await register_party(gql, admin_token, "party-a")
    return await issue_token(gql, admin_token, "OFFICER", "party-a")


async def _decided(gql: GraphQLClient, officer: str, ref: str, n: int, **fields) -> None:
    for i in range(n):
        case = await submit(gql, officer, f"{ref}-{i}", **fields)
        await decide(gql, officer, case, sanction="advice")


async def test_preview_then_publish_exactly_it(gql: GraphQLClient, officer: str) -> None:
    # 10 on X and 4 by email in the same month: at channel level the 4 cannot reach k;
    # at the channel's group ("online") all 14 can, which loses less than holding 4 back
    await _decided(gql, officer, "X", 10, channel="social_x")
    await _decided(gql, officer, "E", 4, channel="email")
    await _decided(gql, officer, "P", 1, channel="phone", provisions=["JC3"])
    preview = (await gql.ok(PREVIEW, token=officer))["previewRelease"]["preview"]
    levels = {lv["attribute"]: lv for lv in preview["levels"]}
    assert levels["channel"]["level"] == "channel_group"
    assert levels["channel"]["generalisedShare"] == 1.0
    assert levels["provision"]["level"] == "provision"
    assert (preview["recordCount"], preview["heldBackCount"]) == (14, 1)
    assert preview["heldBack"] == [{"classSize": 1, "case": {"reference": "P-0"}}]
    assert round(preview["heldBackShare"], 4) == round(1 / 15, 4)
    assert {r["channelGroup"] for r in preview["records"]} == {"online"}
    assert {r["channel"] for r in preview["records"]} == {None}
    assert preview["records"][0]["period"] == "2026-05"  # month kept
    # nothing is published by a preview
    assert (await gql.ok("{ publishedOutcomes(first: 1) { totalCount } }"))["publishedOutcomes"][
        "totalCount"
    ] == 0

    # the data changes (another outcome becomes final, here at the next preview): the
    # first preview is stale and publishes nothing
    await _decided(gql, officer, "Y", 1, channel="social_x")
    assert (await gql.ok(PREVIEW, token=officer))["previewRelease"]["preview"]["recordCount"] == 15
    stale = await gql.ok(PUBLISH, {"input": {"previewId": preview["id"]}}, token=officer)
    assert stale["publishRelease"]["errors"][0]["code"] == "PREVIEW_STALE"

    released = await publish(gql, officer)
    assert released["release"]["recordCount"] == 15
    again = await gql.ok(PUBLISH, {"input": {"previewId": preview["id"]}}, token=officer)
    assert again["publishRelease"]["errors"][0]["code"] == "PREVIEW_STALE"
    outcomes = await gql.ok(
        "{ publishedOutcomes(first: 100) { totalCount edges { node { party releaseNumber "
        "period channelGroup sanction } } } }"
    )
    assert outcomes["publishedOutcomes"]["totalCount"] == 15
    assert {e["node"]["party"] for e in outcomes["publishedOutcomes"]["edges"]} == {"party-a"}


async def test_release_verify_detects_tampering(
    gql: GraphQLClient, officer: str, owner_db: Database, owner_url: str, monkeypatch
) -> None:
    for batch in range(2):
        await _decided(gql, officer, f"B{batch}", 10)
        assert (await publish(gql, officer))["errors"] == []
    monkeypatch.setenv("DATABASE_URL", owner_url)
    runner = CliRunner()
    intact = await asyncio.to_thread(runner.invoke, cli, ["release", "verify"])
    assert intact.exit_code == 0 and "party-a: 2 release(s), chain intact" in intact.output

    async with owner_db.transaction() as session:
        await session.execute(
            text(
                "UPDATE published_outcomes SET sanction = 'expulsion' WHERE id = "
                "(SELECT min(id) FROM published_outcomes)"
            )
        )
    broken = await asyncio.to_thread(runner.invoke, cli, ["release", "verify"])
    assert broken.exit_code == 1
    assert "party-a: BROKEN at release 1: its records do not match its hash" in broken.output


async def test_app_role_cannot_change_a_release(db: Database, gql: GraphQLClient, officer: str):
    await _decided(gql, officer, "I", 10)
    await publish(gql, officer)
    from sqlalchemy.exc import DBAPIError

    for statement in (
        "UPDATE releases SET record_count = 0",
        "DELETE FROM releases",
        "UPDATE published_outcomes SET sanction = 'advice'",
        "DELETE FROM published_outcomes",
    ):
        with pytest.raises(DBAPIError, match="permission denied"):
            async with db.transaction() as session:
                await session.execute(text(statement))


async def test_open_data_and_public_page(gql: GraphQLClient, officer: str, client) -> None:
    await _decided(gql, officer, "O", 12)
    await publish(gql, officer)
    outcomes_csv = await client.get("/open-data/outcomes.csv")
    lines = outcomes_csv.text.strip().splitlines()
    assert lines[0].startswith("party,release_number,period,quarter,year,provisions")
    assert len(lines) == 13 and lines[1].startswith("party-a,1,2026-05,2026-Q2,2026,JC6")
    outcomes_json = (await client.get("/open-data/outcomes.json")).json()
    assert len(outcomes_json) == 12 and outcomes_json[0]["families"] == ["abuse"]
    stats_csv = (await client.get("/open-data/statistics.csv")).text.strip().splitlines()
    assert stats_csv == [
        "party,year,family,sanction,count,rate_per_1000_members",
        "party-a,2026,abuse,advice,12,",
    ]
    assert (await client.get("/open-data/statistics.json")).json()[0]["count"] == 12
    dictionary = (await client.get("/open-data/dictionary.json")).json()
    assert set(dictionary["outcomes"]) == {"party", "release_number", *PUBLISHED_COLUMNS}
    for body in (outcomes_csv.text, str(outcomes_json)):
        assert "O-0" not in body and "Private narrative" not in body
    page = await client.get("/")
    assert page.status_code == 200 and "<td>JC6</td>" in page.text and "O-0" not in page.text


async def test_held_back_outcomes_roll_into_a_later_release(
    gql: GraphQLClient, officer: str
) -> None:
    await _decided(gql, officer, "A", 10)  # JC6, advice: a class of 10
    for n in range(3):  # 3 alike (JC3, expulsion): merging would hide too much; held back
        case = await submit(gql, officer, f"H-{n}", provisions=["JC3"])
        await decide(gql, officer, case, sanction="expulsion")
    first = await publish(gql, officer)
    assert (first["release"]["recordCount"], first["release"]["heldBackCount"]) == (10, 3)
    for n in range(7):  # now 10 alike
        case = await submit(gql, officer, f"M-{n}", provisions=["JC3"])
        await decide(gql, officer, case, sanction="expulsion")
    second = await publish(gql, officer)
    assert (second["release"]["recordCount"], second["release"]["heldBackCount"]) == (10, 0)
    assert second["release"]["previousHash"] == first["release"]["contentHash"]


async def test_a_sanction_may_be_published_as_its_band(gql: GraphQLClient, officer: str) -> None:
    await _decided(gql, officer, "W", 10)  # advice
    for n in range(3):
        case = await submit(gql, officer, f"F-{n}")
        await decide(gql, officer, case, sanction="formal_warning")  # same band: lesser
    release = await publish(gql, officer)
    assert (release["release"]["recordCount"], release["release"]["heldBackCount"]) == (13, 0)
    rows = await gql.ok(
        "{ statistics(groupBy: [SANCTION_BAND]) { sanctionBand count } "
        "bySanction: statistics(groupBy: [SANCTION]) { sanction count } }"
    )
    assert rows["statistics"] == [{"sanctionBand": "lesser", "count": 13}]
    assert rows["bySanction"] == []  # the exact step is not published
