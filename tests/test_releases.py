"""Previews, stale previews, release immutability and `jointcode release verify`."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

import codes
from cases import lifecycle
from cli import app as cli
from codes import clock
from db.session import Database
from tests.conftest import GraphQLClient
from tests.helpers import (
    PUBLISH,
    decide,
    issue_token,
    preview_release,
    publish,
    publish_statistics,
    register_party,
    submit,
)
from website.open_data import OUTCOME_COLUMNS

PREVIEW = """
mutation {
  previewRelease(input: {}) {
    preview {
      id k recordCount heldBackCount heldBackShare waiting generalisedShare
      levels { attribute level generalisedShare }
      records { period quarter year provisions families channel channelGroup sanction
                sanctionBand }
      heldBack { classSize reason case { reference } }
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


async def test_records_wait_for_their_year_then_keep_family_and_year(
    gql: GraphQLClient, officer: str
) -> None:
    """Issue 22: a release holds closed, published years only, with the same few values in
    every record (year, families, band), each left out of a record only when needed."""
    await _decided_as(gql, officer, "A", 12, "advice")  # JC6: abuse
    await _decided_as(gql, officer, "S", 12, "suspension", suspensionMonths=6)
    await _decided(gql, officer, "H", 3, provisions=["JC3"])  # intimidation: too few
    waiting = await preview_release(gql, officer, PREVIEW, close_year=False)
    assert (waiting["recordCount"], waiting["waiting"]) == (0, 27)  # its year is open
    preview = await preview_release(gql, officer, PREVIEW)  # the year's edition, then again
    year = clock.today().year
    assert (preview["recordCount"], preview["heldBackCount"], preview["waiting"]) == (24, 3, 0)
    assert {(h["classSize"], h["reason"]) for h in preview["heldBack"]} == {(3, "K_ANONYMITY")}
    levels = {lv["attribute"]: lv["level"] for lv in preview["levels"]}
    assert levels == {"period": "year", "provision": "family", "sanction": "sanction_band"}
    for record in preview["records"]:
        assert (record["period"], record["year"], record["quarter"]) == (str(year), year, None)
        assert record["families"] == ["abuse"] and record["provisions"] is None
        assert record["channel"] is None and record["channelGroup"] is None
        assert record["sanction"] is None and record["sanctionBand"] in {"lesser", "suspension"}
    assert round(preview["heldBackShare"], 4) == round(3 / 27, 4)
    # nothing is published by a preview
    assert (await gql.ok("{ publishedOutcomes(first: 1) { totalCount } }"))["publishedOutcomes"][
        "totalCount"
    ] == 0

    # 8 more of intimidation, all advice: 11 alike in one band. Each keeps its family, and
    # the band is left out of those 11 records only (local, not for the whole release)
    await _decided(gql, officer, "J", 8, provisions=["JC2"])
    again = await preview_release(gql, officer, PREVIEW)
    assert (again["recordCount"], again["heldBackCount"]) == (35, 0)
    shares = {lv["attribute"]: lv["generalisedShare"] for lv in again["levels"]}
    assert shares == {"period": 0.0, "provision": 0.0, "sanction": pytest.approx(11 / 35)}
    intimidation = [r for r in again["records"] if r["families"] == ["intimidation"]]
    assert len(intimidation) == 11 and {r["sanctionBand"] for r in intimidation} == {None}
    stale = await gql.ok(PUBLISH, {"input": {"previewId": preview["id"]}}, token=officer)
    assert stale["publishRelease"]["errors"][0]["code"] == "PREVIEW_STALE"

    released = await publish(gql, officer)
    assert released["release"]["recordCount"] == 35
    again_stale = await gql.ok(PUBLISH, {"input": {"previewId": preview["id"]}}, token=officer)
    assert again_stale["publishRelease"]["errors"][0]["code"] == "PREVIEW_STALE"
    outcomes = await gql.ok(
        "{ publishedOutcomes(first: 100) { totalCount edges { node { party releaseNumber "
        "year families sanctionBand } } } }"
    )
    assert outcomes["publishedOutcomes"]["totalCount"] == 35
    assert {e["node"]["party"] for e in outcomes["publishedOutcomes"]["edges"]} == {"party-a"}


async def test_a_year_still_open_releases_nothing(gql: GraphQLClient, officer: str) -> None:
    await _decided_as(gql, officer, "A", 12, "advice")
    await _decided_as(gql, officer, "S", 12, "suspension", suspensionMonths=6)
    refused = await publish(gql, officer, close_year=False)
    assert refused["errors"][0]["code"] == "NOTHING_TO_PUBLISH"
    assert (
        "24 more became final in a year whose statistics are not yet published"
        in (refused["errors"][0]["message"])
    )


async def test_release_verify_detects_tampering(
    gql: GraphQLClient, officer: str, owner_db: Database, owner_url: str, monkeypatch
) -> None:
    for batch in range(2):
        await _decided(gql, officer, f"B{batch}", 10)
        assert (await publish(gql, officer))["errors"] == []
    monkeypatch.setenv("DATABASE_URL", owner_url)
    runner = CliRunner()
    intact = await asyncio.to_thread(runner.invoke, cli, ["release", "verify"])
    assert intact.exit_code == 0 and "party-a: 2 release(s), chain intact" in intact.output, (
        intact.output
    )

    async with owner_db.transaction() as session:
        with pytest.raises(DBAPIError, match="never change"):  # even the owner is refused
            async with session.begin_nested():
                await session.execute(text("UPDATE published_outcomes SET sanction = 'advice'"))
        # the owner can still lift the guard (it owns the table): the hash chain shows it
        await session.execute(
            text("ALTER TABLE published_outcomes DISABLE TRIGGER published_outcomes_append_never")
        )
        await session.execute(
            text(
                "UPDATE published_outcomes SET sanction = 'expulsion' WHERE id = "
                "(SELECT min(id) FROM published_outcomes)"
            )
        )
        await session.execute(
            text("ALTER TABLE published_outcomes ENABLE TRIGGER published_outcomes_append_never")
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


async def test_the_database_releases_only_counted_outcomes_of_closed_years(
    db: Database, gql: GraphQLClient, officer: str
) -> None:
    """Issue 22: a release shows nothing of a period before its publication date. The
    service picks the outcomes; the database refuses the application role (in raw SQL)
    any other: one the tables have not counted, or one not final."""
    await _decided(gql, officer, "I", 10)
    assert (await publish(gql, officer))["errors"] == []
    await _decided(gql, officer, "L", 2)  # final after the year's edition: not counted
    await submit(gql, officer, "OPEN-1")
    async with db.transaction(credential=officer) as session:
        party_id = await session.scalar(text("SELECT party_id FROM cases LIMIT 1"))
        assert await lifecycle.finalise_due(session=session, party_id=party_id) == 2
    for which in ("state = 'final' AND NOT tabulated", "state <> 'final'"):
        with pytest.raises(DBAPIError, match="closed, published years only"):
            async with db.transaction(credential=officer) as session:
                await session.execute(
                    text(
                        "UPDATE cases SET release_id = (SELECT id FROM releases LIMIT 1) "
                        f"WHERE release_id IS NULL AND {which}"
                    )
                )


async def _decided_as(gql: GraphQLClient, officer: str, ref: str, n: int, sanction: str,
                      **decision) -> None:  # fmt: skip
    for i in range(n):
        case = await submit(gql, officer, f"{ref}-{i}")
        await decide(gql, officer, case, sanction=sanction, **decision)


async def test_open_data_and_public_page(
    gql: GraphQLClient, officer: str, client, owner_db: Database
) -> None:
    await _decided_as(gql, officer, "O", 12, "advice")
    await _decided_as(gql, officer, "S", 12, "suspension", suspensionMonths=6)
    await publish(gql, officer)
    await publish_statistics(owner_db)
    outcomes_csv = await client.get("/open-data/outcomes.csv")
    lines = outcomes_csv.text.strip().splitlines()
    assert lines[0] == (
        "party,party_name,is_demo,release_number,released_on,year,families,family_names,"
        "sanction_band,sanction_band_name"
    )
    year = clock.today().year
    assert len(lines) == 25
    assert lines[1].startswith(f"party-a,Party party-a,false,1,{clock.today()},{year},abuse,")
    outcomes_json = (await client.get("/open-data/outcomes.json")).json()
    assert len(outcomes_json) == 24 and outcomes_json[0]["families"] == ["abuse"]
    assert outcomes_json[0]["family_names"] == ["Bullying and personal abuse"]
    assert {o["sanction_band"] for o in outcomes_json} == {"lesser", "suspension"}
    stats_csv = (await client.get("/open-data/statistics.csv")).text.strip().splitlines()
    assert stats_csv[0] == (
        "table,party,year,quarter,provision,family,form_of_hate,characteristic,channel,"
        "channel_group,respondent_role,respondent_role_group,severity,sanction,sanction_band,"
        "description,is_demo,edition,count"
    )
    tables = {line.split(",")[0] for line in stats_csv[1:]}
    assert {"party", "party+year", "party+family", "sanction_band"} <= tables
    # every count is the cell-key perturbation of the true count (24 here), never 1..k-1;
    # every other cell of every table is listed as withheld ([c]), never a silent gap
    counts = [line.split(",")[-1] for line in stats_csv[1:]]
    assert all(c == "[c]" or int(c) >= 10 for c in counts) and "[c]" in counts
    family_rows = [line for line in stats_csv[1:] if line.startswith("family,")]
    assert len(family_rows) == len(codes.get_version("1").families)  # the whole grid
    party_row = next(line for line in stats_csv[1:] if line.startswith("party,party-a,"))
    assert 22 <= int(party_row.split(",")[-1]) <= 26
    statistics_json = (await client.get("/open-data/statistics.json")).json()
    assert len(statistics_json) == len(stats_csv) - 1
    dictionary = (await client.get("/open-data/dictionary.json")).json()
    assert set(dictionary["outcomes"]) == {"about", *OUTCOME_COLUMNS}
    for body in (outcomes_csv.text, str(outcomes_json)):
        assert "O-0" not in body and "Private narrative" not in body
    page = await client.get("/")
    assert page.status_code == 200 and '<main id="content">' in page.text and "O-0" not in page.text
    assert '<th scope="row">Bullying and personal abuse</th>' in page.text  # families in words
    assert '<th scope="row">Advice, warning or training</th>' in page.text
    assert "cell-key" in (await client.get("/methodology")).text


async def test_held_back_outcomes_roll_into_a_later_release(
    gql: GraphQLClient, officer: str
) -> None:
    await _decided_as(gql, officer, "A", 10, "advice")
    await _decided_as(gql, officer, "B", 10, "suspension", suspensionMonths=6)
    for n in range(3):  # 3 alike (JC3, expulsion): merging would hide too much; held back
        case = await submit(gql, officer, f"H-{n}", provisions=["JC3"])
        await decide(gql, officer, case, sanction="expulsion")
    first = await publish(gql, officer)
    assert first["release"]["recordCount"] == 20
    # 3 of 23 held back: the public reads a share rounded to 5%, never the count (which
    # with the records would give the year's exact total that the tables perturb)
    assert first["release"]["heldBackCount"] is None
    public = await gql.ok(
        "query($id: ID!) { node(id: $id) { ... on Release { heldBack heldBackShare "
        "heldBackCount } } }",
        {"id": first["release"]["id"]},
    )
    assert public["node"] == {"heldBack": "about 15%", "heldBackShare": 0.15, "heldBackCount": None}
    for n in range(17):  # now 20 JC3, two bands
        case = await submit(gql, officer, f"M-{n}", provisions=["JC3"])
        await decide(gql, officer, case, sanction="expulsion" if n < 7 else "suspension",
                     suspensionMonths=6 if n >= 7 else None)  # fmt: skip
    second = await publish(gql, officer)
    assert (second["release"]["recordCount"], second["release"]["heldBackCount"]) == (20, None)
    assert second["release"]["previousHash"] == first["release"]["contentHash"]


async def test_a_sanction_may_be_published_as_its_band(gql: GraphQLClient, officer: str) -> None:
    await _decided_as(gql, officer, "W", 10, "advice")
    await _decided_as(gql, officer, "F", 3, "formal_warning")  # same band: lesser
    await _decided_as(gql, officer, "S", 13, "suspension", suspensionMonths=6)
    preview = await preview_release(gql, officer, PREVIEW)
    levels = {lv["attribute"]: lv["level"] for lv in preview["levels"]}
    assert levels["sanction"] == "sanction_band"
    assert (preview["recordCount"], preview["heldBackCount"]) == (26, 0)
    assert {r["sanction"] for r in preview["records"]} == {None}  # the exact step is hidden


async def test_a_single_band_is_never_released(gql: GraphQLClient, officer: str) -> None:
    """Homogeneity: 20 outcomes alike in everything, all one band. Showing the band would
    tell anyone who knows one of them its sanction; the release hides it instead."""
    await _decided_as(gql, officer, "U", 20, "advice")
    preview = await preview_release(
        gql,
        officer,
        "mutation { previewRelease(input: {}) { preview { recordCount lDiversity lReached "
        "kReached waiting levels { attribute level } records { sanction sanctionBand } } "
        "errors { code } } }",
    )
    assert preview["lDiversity"] == 2 and preview["kReached"] >= 10
    assert {r["sanctionBand"] for r in preview["records"]} == {None}
    assert preview["lReached"] is None


async def test_a_release_may_outlast_the_limits_that_keep_reads_short(
    owner_db: Database, gql: GraphQLClient, officer: str
) -> None:
    """A big party's release is long work: its transaction lifts the read limits for
    itself only (10 s per statement, 30 s idle in transaction)."""
    from publication import releases

    for n in range(3):
        await decide(gql, officer, await submit(gql, officer, f"T-{n}"))
    async with owner_db.transaction() as session:
        party_id = await session.scalar(text("SELECT id FROM parties WHERE slug = 'party-a'"))
    async with owner_db.transaction(party_id=party_id) as session:
        await releases.preview_release(session=session, party_id=party_id)
        assert await session.scalar(text("SHOW statement_timeout")) == "10min"
        assert await session.scalar(text("SHOW idle_in_transaction_session_timeout")) == "10min"
    async with owner_db.transaction() as session:  # the next transaction has the usual limits
        assert await session.scalar(text("SHOW statement_timeout")) != "10min"
