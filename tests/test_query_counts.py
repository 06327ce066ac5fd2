"""No N+1: related objects load through per-request DataLoaders, one query per kind."""

from __future__ import annotations

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
