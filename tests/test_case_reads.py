"""Reads are accountable without serialising: an access log outside the chain."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from db.session import Database
from tests.conftest import GraphQLClient
from tests.helpers import CASES, issue_token, register_party, submit

HISTORY = """query($id: ID!, $after: String) { node(id: $id) { ... on Case {
  history(first: 50) { totalCount }
  reads(first: 5, after: $after) { totalCount edges { cursor node { actor actorRole } }
                                    pageInfo { hasNextPage endCursor } } } } }"""


async def test_reads_do_not_grow_the_history_and_page_newest_first(
    gql: GraphQLClient, admin_token: str, owner_db: Database, db: Database
) -> None:
    await register_party(gql, admin_token, "party-a")
    await register_party(gql, admin_token, "party-b")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    other = await issue_token(gql, admin_token, "OFFICER", "party-b")
    case = await submit(gql, officer, "R-1")
    # twelve reads at once: none waits for another's chain lock, none grows the history
    await asyncio.gather(*(gql.ok(CASES, {"first": 5}, token=officer) for _ in range(12)))
    first = (await gql.ok(HISTORY, {"id": case["id"]}, token=officer))["node"]
    assert first["history"]["totalCount"] == 1  # case.submit: changes only
    assert first["reads"]["totalCount"] == 13  # the twelve, and this node(id) itself
    seen, after = [], None
    while True:
        page = (await gql.ok(HISTORY, {"id": case["id"], "after": after}, token=officer))["node"]
        seen += [e["cursor"] for e in page["reads"]["edges"]]
        if not page["reads"]["pageInfo"]["hasNextPage"]:
            break
        after = page["reads"]["pageInfo"]["endCursor"]
    # every read once, across pages of five (the log's own order, newest first); the
    # paging node(id) queries are reads too, so the log keeps growing as we page
    assert len(seen) == len(set(seen)) >= 13

    # the access log is the party's own: another party's binding sees none of it
    async with owner_db.transaction() as session:
        chain_reads = await session.scalar(
            text("SELECT count(*) FROM audit_entries WHERE action = 'case.read'")
        )
    assert chain_reads == 0
    async with db.transaction(credential=other) as session:
        assert await session.scalar(text("SELECT count(*) FROM case_reads")) == 0
    async with db.transaction(credential=officer) as session:
        assert await session.scalar(text("SELECT count(*) FROM case_reads")) >= 12


async def test_counting_reads_stays_exact_as_the_log_is_folded(
    gql: GraphQLClient, admin_token: str, db: Database
) -> None:
    """The count is the folded reads plus those since: the same number before and after a
    fold, for each party's own cases only."""
    from cases import reading

    await register_party(gql, admin_token, "party-a")
    await register_party(gql, admin_token, "party-b")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    other = await issue_token(gql, admin_token, "OFFICER", "party-b")
    case = await submit(gql, officer, "F-1")
    await submit(gql, other, "F-2")
    await asyncio.gather(*(gql.ok(CASES, {"first": 5}, token=officer) for _ in range(7)))
    await gql.ok(CASES, {"first": 5}, token=other)

    async def count() -> int:
        node = (await gql.ok(HISTORY, {"id": case["id"]}, token=officer))["node"]
        return int(node["reads"]["totalCount"])

    async def fold_all_so_far() -> None:
        """Fold until every read before now is folded. A fold stops at the cluster's
        oldest running transaction, which another test's database may be holding back."""
        async with db.transaction() as session:
            now = await session.scalar(text("SELECT pg_current_xact_id()"))
        for _ in range(400):
            async with db.transaction() as session:
                await reading.fold_reads(session=session)
                if await session.scalar(text("SELECT upto FROM case_read_fold")) > now:
                    return
            await asyncio.sleep(0.05)
        raise AssertionError("the fold never passed the reads")

    assert await count() == 8  # seven, and this node(id)
    await fold_all_so_far()
    assert await count() == 9  # and this node(id) read, folded or not
    await fold_all_so_far()
    async with db.transaction() as session:
        assert await reading.fold_reads(session=session) == 0  # each read is folded once
    assert await count() == 10
    await asyncio.gather(*(gql.ok(CASES, {"first": 5}, token=officer) for _ in range(3)))
    assert await count() == 14
    await fold_all_so_far()
    async with db.transaction(credential=other) as session:  # folded counts stay private
        rows = (await session.execute(text("SELECT case_id, n FROM case_read_counts"))).all()
    assert len(rows) == 1 and rows[0].n == 1  # party-b's own case, read once
