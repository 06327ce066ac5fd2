"""Statistics are editions of closed quarters (issue 22): the motivated intruder's attacks.

A rare case is planted, decided and released. Before its quarter's edition no public
figure, table metadata or download changes: not at the release, not at any poll, not when
a compromised process asks the database for an early or repeated edition. On the
edition's date only that quarter's cells appear; every other table is unchanged and the
earlier edition stays readable as it was.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from codes import clock
from db.session import Database
from publication import statistics as stats
from tests.conftest import GraphQLClient
from tests.helpers import decide, issue_token, publish, register_party, submit

TABLE = """query($groupBy: [StatisticsDimension!]!, $edition: String) {
  statistics(groupBy: $groupBy, edition: $edition) {
    party year quarter provision family formOfHate characteristic channel channelGroup
    respondentRole respondentRoleGroup severity sanction sanctionBand count } }"""
META = """{ statisticsTables { id publishedShare computedAt }
  statisticsEdition { edition revision periodEnd publishesOn } }"""


def _at(day: str) -> Any:
    return clock.frozen(datetime.fromisoformat(day + "T12:00:00+00:00").astimezone(UTC))


async def _tables(gql: GraphQLClient, edition: str | None = None) -> dict[str, list]:
    found = {}
    for table in stats.TABLES:
        group_by = [d.name for d in table.dimensions]
        data = await gql.ok(TABLE, {"groupBy": group_by, "edition": edition})
        found[table.id] = data["statistics"]
    return found


async def _everything(gql: GraphQLClient, client: httpx.AsyncClient) -> dict[str, Any]:
    """Every public product that carries a figure or says anything about the tables."""
    return {
        "tables": await _tables(gql),
        "meta": await gql.ok(META),
        "csv": (await client.get("/open-data/statistics.csv")).text,
        "methodology": (await client.get("/methodology")).text,
    }


ASKED = iter(range(10**6))


async def _operator_edition(owner_db: Database, gql: GraphQLClient, quarter: str) -> None:
    """The calendar's job on the quarter's date, done now by the operator (a test cannot
    wait for the date): the same function, without the date check. Then wait until the
    public cache has read the new epoch (a question never asked before each time)."""
    async with owner_db.transaction() as session:  # (tests.helpers.publish may have, already)
        await stats.publish_edition(session=session, edition=quarter)
    for _ in range(100):
        alias = f"e{next(ASKED)}"
        seen = await gql.ok(f"{{ {alias}: statisticsEdition {{ edition }} }}")
        if (seen[alias] or {}).get("edition") == quarter:
            return
        await asyncio.sleep(0.02)  # the cache reads the epoch beside the requests it serves
    raise AssertionError(f"the public cache never saw the new edition: {seen}")


async def test_a_rare_case_shows_nowhere_until_its_quarters_edition(
    gql: GraphQLClient, client: httpx.AsyncClient, admin_token: str, owner_db: Database,
    db: Database,
) -> None:  # fmt: skip
    await register_party(gql, admin_token, "small")
    officer = await issue_token(gql, admin_token, "OFFICER", "small")
    with _at("2026-11-20"):
        for n in range(12):
            await decide(gql, officer, await submit(gql, officer, f"N-{n}"))
        assert (await publish(gql, officer))["errors"] == []
    await _operator_edition(owner_db, gql, "2026-Q4")
    before = await _everything(gql, client)
    assert before["meta"]["statisticsEdition"]["edition"] == "2026-Q4"
    assert before["tables"]["party"] and all(r["count"] >= 10 for r in before["tables"]["party"])
    shares = {t["publishedShare"] for t in before["meta"]["statisticsTables"]}
    assert shares <= {None} | {n / 20 for n in range(21)}  # rounded to 5%, nothing exact

    # the rare case: a rare provision, form of hate, channel, role, severity, expulsion
    with _at("2027-01-20"):
        rare = await submit(
            gql, officer, "RARE-1", provisions=["JC13"], channel="in_person_surgery",
            respondentRole="office_holder", formsOfHate=["ableism"],
            characteristics=["disability"], receivedOn="2026-06-01",
        )  # fmt: skip
        await decide(gql, officer, rare, sanction="expulsion", decided_on="2026-12-01")
    with _at("2027-02-01"):  # past its appeal window: the preview makes it final now
        release = await publish(gql, officer, close_year=False)
    assert release["errors"] == [] or release["errors"][0]["code"] == "NOTHING_TO_PUBLISH"
    assert await _everything(gql, client) == before  # the release changed no figure

    # a compromised process asks for the open quarter's edition, or a repeat of the last
    k = 10
    with pytest.raises(DBAPIError, match="not due"):
        async with db.transaction(credential=officer) as session:
            await session.execute(
                text("SELECT publish_statistics_edition(:e, '[]', '{}', :k)"),
                {"e": stats.quarter_of(clock.today()), "k": k},
            )
    async with db.transaction() as session:  # unbound, with a quarter long closed
        done = await session.scalar(
            text("SELECT publish_statistics_edition('2026-Q3', '[]', '{}', :k)"), {"k": k}
        )
    assert done is None  # an edition older than the newest is never computed again
    assert await _everything(gql, client) == before

    # its quarter's edition, on its date: only 2027-Q1 cells appear anywhere
    await _operator_edition(owner_db, gql, "2027-Q1")
    after = await _tables(gql)
    for table_id, rows in after.items():
        if "quarter" in table_id:
            old = [r for r in rows if r["quarter"] != "2027-Q1"]
            assert old == before["tables"][table_id], table_id
        else:
            assert rows == before["tables"][table_id], table_id  # years, all time: closed
    # the earlier edition stays readable, unchanged
    assert await _tables(gql, "2026-Q4") == before["tables"]
    calendar = await gql.ok("{ releaseCalendar { edition publishesOn published { edition } } }")
    published = [c["edition"] for c in calendar["releaseCalendar"] if c["published"]]
    assert published == ["2026-Q4", "2027-Q1"]


async def test_an_edition_names_its_calendar_date_and_revisions_keep_the_old(
    gql: GraphQLClient, admin_token: str, owner_db: Database
) -> None:
    await register_party(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    for n in range(12):
        await decide(gql, officer, await submit(gql, officer, f"C-{n}"))
    assert (await publish(gql, officer))["errors"] == []
    quarter = stats.quarter_of(clock.today())
    await _operator_edition(owner_db, gql, quarter)
    first = (await gql.ok(META))["statisticsEdition"]
    ends = stats.quarter_end(quarter)
    assert first["periodEnd"] == str(ends) and first["revision"] == 1
    assert date.fromisoformat(first["publishesOn"]) == ends + timedelta(days=42)
    async with owner_db.transaction() as session:
        assert await stats.publish_edition(session=session, edition=quarter) is None
        revised = await stats.publish_edition(session=session, edition=quarter, reason="a fix")
    assert revised is not None and revised.revision == 2 and revised.reason == "a fix"
    # a new document (the alias), so the public cache's answer from before cannot stand in
    revision = await gql.ok("{ now: statisticsEdition { revision } }")
    assert revision["now"]["revision"] == 2
    unknown = await gql(TABLE, {"groupBy": ["PARTY"], "edition": "1999-Q1"})
    assert unknown["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_row_of_a_sanction_table_showing_one_band_is_withheld(
    gql: GraphQLClient, admin_token: str, owner_db: Database
) -> None:
    """Group disclosure (issue 22): ten level-4 cases of one party, all in one band, told
    anyone who knew a case was among them what its sanction was. Such rows are withheld."""
    for slug in ("mixed", "uniform"):
        await register_party(gql, admin_token, slug)
    mixed = await issue_token(gql, admin_token, "OFFICER", "mixed")
    uniform = await issue_token(gql, admin_token, "OFFICER", "uniform")
    for n in range(12):
        await decide(gql, mixed, await submit(gql, mixed, f"M-A{n}"))
        await decide(gql, mixed, await submit(gql, mixed, f"M-S{n}"), sanction="suspension",
                     suspensionMonths=6)  # fmt: skip
        await decide(gql, uniform, await submit(gql, uniform, f"U-{n}"))
    for officer in (mixed, uniform):
        assert (await publish(gql, officer))["errors"] == []
    await _operator_edition(owner_db, gql, f"{clock.today().year}-Q4")  # the year closed
    tables = await _tables(gql)
    by_party = {r["party"] for r in tables["party"]}
    assert by_party == {"mixed", "uniform"}  # both are counted...
    for table_id in (
        "party+sanction_band",
        "party+severity+sanction_band",
        "party+year+sanction_band",
    ):
        shown = {r["party"] for r in tables[table_id]}
        assert shown == {"mixed"}, (table_id, tables[table_id])  # ...one band: withheld
    bands = {r["sanctionBand"] for r in tables["party+sanction_band"]}
    assert len(bands) >= 2
