"""No N+1: related objects load through per-request DataLoaders, one query per kind."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from db.session import Database
from tests.conftest import GraphQLClient
from tests.helpers import decide, issue_token, register_party, submit

LIST = """
{
  cases(first: 100) {
    totalCount
    edges { node { id repeatRespondent deadlines { status }
                   history(first: 5) { totalCount edges { node { action actor } } }
                   reads(first: 5) { totalCount edges { node { actor } } } } }
  }
  parties { slug adoptions { codeVersion } sanctionMapping { name } }
}"""


@contextmanager
def counting(db: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)


async def _statements_for(gql: GraphQLClient, db: Database, officer: str) -> int:
    with counting(db) as statements:
        await gql.ok(LIST, token=officer)
    return len(statements)


async def test_listing_costs_the_same_for_3_or_30_cases(
    gql: GraphQLClient, admin_token: str, db: Database
) -> None:
    await register_party(gql, admin_token, "party-a")
    await register_party(gql, admin_token, "party-b")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    for n in range(3):
        case = await submit(gql, officer, f"Q-{n}", respondentRef=f"M{n % 2}")
        await decide(gql, officer, case)
    few = await _statements_for(gql, db, officer)
    for n in range(3, 30):
        case = await submit(gql, officer, f"Q-{n}", respondentRef=f"M{n % 2}")
        if n % 3 == 0:
            await decide(gql, officer, case)
    many = await _statements_for(gql, db, officer)
    print(f"statements per listing: {few} (3 cases), {many} (30 cases)")
    assert many == few, (few, many)
    assert few <= 30  # auth, the page, its count, the audit entry, one batch per loader


async def test_a_request_holds_one_connection_at_a_time(
    gql: GraphQLClient, admin_token: str, db: Database
) -> None:
    """However many fields and loaders resolve at once, a request takes one connection:
    parallel requests cannot drain the pool between them."""
    await register_party(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    for n in range(5):
        await decide(gql, officer, await submit(gql, officer, f"C-{n}", respondentRef="M1"))
    out = {"now": 0, "most": 0}

    def checkout(*_: object) -> None:
        out["now"] += 1
        out["most"] = max(out["most"], out["now"])

    def checkin(*_: object) -> None:
        out["now"] -= 1

    pool = db.engine.sync_engine.pool
    event.listen(pool, "checkout", checkout)
    event.listen(pool, "checkin", checkin)
    try:
        await gql.ok(LIST, token=officer)
    finally:
        event.remove(pool, "checkout", checkout)
        event.remove(pool, "checkin", checkin)
    assert out == {"now": 0, "most": 1}


async def _cyclic_garbage_for(gql: GraphQLClient, officer: str) -> int:
    """Objects a page leaves for Python's cyclic collector (none of it freed on time)."""
    await gql.ok(LIST, token=officer)  # warm: documents, plans, statements
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        await gql.ok(LIST, token=officer)
        gc.collect()
        return len(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


async def test_a_page_leaves_the_same_garbage_for_3_or_30_cases(
    gql: GraphQLClient, admin_token: str
) -> None:
    """What a request loaded goes when it ends (schema.context.Loaders.close): its
    DataLoaders and their futures refer to each other, and before, every row a page
    loaded waited in that cycle for the collector (about 70 objects a case)."""
    await register_party(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    for n in range(3):
        await decide(gql, officer, await submit(gql, officer, f"G-{n}"))
    few = await _cyclic_garbage_for(gql, officer)
    for n in range(3, 30):
        await decide(gql, officer, await submit(gql, officer, f"G-{n}"))
    many = await _cyclic_garbage_for(gql, officer)
    assert many - few < 200, (few, many)


FIELDS = """repeatRespondent
  history(first: 2) { totalCount edges { cursor node { seq action } } pageInfo { hasNextPage } }
  more: history(first: 5, after: $after) { totalCount edges { node { seq } } }
  reads(first: 3) { totalCount edges { node { actor } } }
  few: reads(first: 1) { totalCount edges { node { actor } } }"""


async def test_fields_read_ahead_with_the_page_answer_as_when_loaded_alone(
    gql: GraphQLClient, admin_token: str
) -> None:
    """A page reads its cases' histories, reads and repeat counts ahead of their fields
    (schema/cases/queries.py: _read_ahead); a case asked alone (node) loads them as its
    fields resolve. Both ways give the same answer, aliases and cursors included."""
    await register_party(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    for n in range(4):
        await decide(gql, officer, await submit(gql, officer, f"R-{n}", respondentRef="M1"))
    listed = await gql.ok(
        f"query($after: String) {{ cases(first: 10) {{ edges {{ node {{ id {FIELDS} }} }} }} }}",
        {"after": None},
        token=officer,
    )
    for edge in listed["cases"]["edges"]:
        alone = await gql.ok(
            f"query($id: ID!, $after: String) {{ node(id: $id) {{ ... on Case {{ {FIELDS} }} }} }}",
            {"id": edge["node"]["id"], "after": None},
            token=officer,
        )
        page = {k: v for k, v in edge["node"].items() if k != "id"}
        # each read of a case adds to its reads: their rows are compared by shape only
        for key, first in (("reads", 3), ("few", 1)):
            for reads in (page.pop(key), alone["node"].pop(key)):
                assert reads["totalCount"] >= 1
                assert len(reads["edges"]) == min(first, reads["totalCount"])
        assert page == alone["node"]
