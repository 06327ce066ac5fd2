"""The public response cache: hits before GraphQL, never stale after a change, ETags."""

from __future__ import annotations

import asyncio

import httpx

from db.session import Database
from tests.conftest import GraphQLClient
from tests.helpers import (
    decide,
    issue_token,
    publish,
    register_party,
    submit,
)

QUERY = "query($g: [StatisticsDimension!]!) { statistics(groupBy: $g) { party count } }"


async def _post(client: httpx.AsyncClient, group_by: list[str], **headers: str) -> httpx.Response:
    return await client.post(
        "/graphql", json={"query": QUERY, "variables": {"g": group_by}}, headers=headers
    )


STATISTICS_BY_PARTY = "{ statistics(groupBy: [PARTY]) { party count } }"


async def _fresh(client: httpx.AsyncClient, query: str) -> dict:
    """The answer once the cache has read the new epoch: an edition published by another
    process (the operator here) is seen within the refresh (0 ms here, one request)."""
    for _ in range(50):
        answer = await client.post("/graphql", json={"query": query})
        if answer.headers.get("x-cache") == "miss":
            return answer.json()
        await asyncio.sleep(0.02)
    raise AssertionError("the public cache never read the new epoch")


async def test_public_answers_are_cached_per_epoch(
    client: httpx.AsyncClient, gql: GraphQLClient, admin_token: str, owner_db: Database
) -> None:
    first = await _post(client, ["PARTY"])
    second = await _post(client, ["PARTY"])
    assert (first.headers["x-cache"], second.headers["x-cache"]) == ("miss", "hit")
    assert first.json() == second.json() == {"data": {"statistics": []}}
    assert first.headers["etag"] == second.headers["etag"]
    assert (await _post(client, ["SANCTION"])).headers["x-cache"] == "miss"  # other variables

    # a release changes public answers: the next request is answered afresh
    await register_party(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    for n in range(10):
        await decide(gql, officer, await submit(gql, officer, f"C-{n}"))
    # the year's edition (tests.helpers.publish closes the year), then the release
    assert (await publish(gql, officer))["errors"] == []
    released = await _post(client, ["PARTY"])
    assert released.headers["x-cache"] == "miss"  # new editions and releases: answered afresh
    [row] = (await _fresh(client, STATISTICS_BY_PARTY))["data"]["statistics"]
    # the count is cell-key perturbed (never below k): 10 cases publish as 10 give or take
    assert row["party"] == "party-a" and 10 <= row["count"] <= 12

    # authenticated requests and errors are never cached
    authed = await client.post(
        "/graphql",
        json={"query": "{ viewer { role } }"},
        headers={"authorization": f"Bearer {officer}"},
    )
    assert "x-cache" not in authed.headers
    for _ in range(2):
        bad = await client.post("/graphql", json={"query": "{ statistics { count } }"})
        assert "x-cache" not in bad.headers and "errors" in bad.json()


async def test_get_supports_etag_and_cdn_caching(client: httpx.AsyncClient) -> None:
    params = {"query": "{ codes { version contentHash } }"}
    first = await client.get("/graphql", params=params, headers={"accept": "application/json"})
    assert first.status_code == 200 and first.headers["cache-control"].startswith("public")
    etag = first.headers["etag"]
    again = await client.get(
        "/graphql", params=params, headers={"accept": "application/json", "if-none-match": etag}
    )
    assert again.status_code == 304 and again.content == b""
    page = await client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "x-cache" not in page.headers  # GraphiQL itself


async def test_trivial_variations_share_one_cached_answer(client: httpx.AsyncClient) -> None:
    query = "query Tables($g: [StatisticsDimension!]!) { statistics(groupBy: $g) { party count } }"
    spaced = """
      # the same question, laid out differently
      query Tables( $g : [StatisticsDimension!]! ) {
        statistics( groupBy : $g ) { party , count }
      }"""
    first = await client.post("/graphql", json={"query": query, "variables": {"g": ["PARTY"]}})
    assert first.headers["x-cache"] == "miss"
    for body in (
        {"query": spaced, "variables": {"g": ["PARTY"]}},
        {"query": query, "variables": {"g": ["PARTY"]}, "operationName": "Tables"},
        {"query": query, "operationName": None, "variables": {"g": ["PARTY"]}},
    ):
        again = await client.post("/graphql", json=body)
        assert again.headers["x-cache"] == "hit", body
        assert again.headers["etag"] == first.headers["etag"]
    aliased = "query Tables($g: [StatisticsDimension!]!) { s: statistics(groupBy: $g) { count } }"
    other = await client.post("/graphql", json={"query": aliased, "variables": {"g": ["PARTY"]}})
    assert other.headers["x-cache"] == "miss"  # a different answer shape
    get = await client.get("/graphql", params={"query": spaced, "variables": '{"g": ["PARTY"]}'},
                           headers={"accept": "application/json"})  # fmt: skip
    again = await client.get("/graphql", params={"query": query, "variables": '{"g":["PARTY"]}'},
                             headers={"accept": "application/json"})  # fmt: skip
    # GET and POST share each root field's answer, so both hit what the POSTs stored
    assert (get.headers["x-cache"], again.headers["x-cache"]) == ("hit", "hit")
    assert get.json() == first.json() and get.headers["etag"] == again.headers["etag"]


async def test_aliases_and_combinations_share_each_fields_answer(
    client: httpx.AsyncClient, gql: GraphQLClient, admin_token: str, owner_db: Database
) -> None:
    """One busy client varying an alias (or combining fields already asked) is answered
    from the root fields' cached answers, never by running GraphQL again."""
    await register_party(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    for n in range(10):
        await decide(gql, officer, await submit(gql, officer, f"C-{n}"))
    assert (await publish(gql, officer))["errors"] == []  # the year's edition, then records
    stats = "statistics(groupBy: [PARTY, YEAR]) { party year count }"
    first = await client.post("/graphql", json={"query": f"{{ {stats} }}"})
    codes = await client.post("/graphql", json={"query": "{ codes { version } }"})
    assert (first.headers["x-cache"], codes.headers["x-cache"]) == ("miss", "miss")
    rows = first.json()["data"]["statistics"]
    assert rows and rows[0]["party"] == "party-a"
    for n in range(3):
        aliased = await client.post("/graphql", json={"query": f"{{ a{n}: {stats} }}"})
        assert aliased.headers["x-cache"] == "hit"
        assert aliased.json() == {"data": {f"a{n}": rows}}
    both = await client.post("/graphql", json={"query": f"{{ c: codes {{ version }} s: {stats} }}"})
    assert both.headers["x-cache"] == "hit"
    assert both.json() == {"data": {"c": codes.json()["data"]["codes"], "s": rows}}
    # a different selection, argument or variable is its own question
    for query in (
        "{ statistics(groupBy: [PARTY, YEAR]) { party count } }",
        "{ statistics(groupBy: [PARTY]) { party year count } }",
    ):
        assert (await client.post("/graphql", json={"query": query})).headers["x-cache"] == "miss"
    # a new release: the fields' answers are not served after it
    for n in range(10, 20):
        await decide(gql, officer, await submit(gql, officer, f"C-{n}"))
    assert (await publish(gql, officer))["errors"] == []  # the edition revised, a release
    revised = await _fresh(client, f"{{ z: {stats} }}")  # answered afresh: a new epoch
    assert sum(r["count"] for r in revised["data"]["z"]) > sum(r["count"] for r in rows)
