"""The visible contract: the committed SDL, request limits, error masking, pages."""

from __future__ import annotations

import httpx

from tests.conftest import GraphQLClient


async def test_token_limit(gql: GraphQLClient) -> None:
    query = "{ parties { " + " ".join(["slug"] * 2_100) + " } }"
    body = await gql(query)
    assert "more than 2000 tokens" in body["errors"][0]["message"]


async def test_alias_limit(gql: GraphQLClient) -> None:
    query = "{ " + " ".join(f"a{i}: parties {{ slug }}" for i in range(30)) + " }"
    body = await gql(query)
    assert "aliases" in body["errors"][0]["message"]


async def test_body_size_limit(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql",
        content=b'{"query": "' + b" " * 2_000_000 + b'{ parties { slug } }"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413


async def test_health_and_public_page(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).text == "ok"
    assert (await client.get("/readyz")).json() == {"status": "ready"}
    page = await client.get("/")
    assert page.status_code == 200 and "Joint Code" in page.text


async def test_get_queries_work_for_public_fields(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql", params={"query": "{ code { version } }"}, headers={"accept": "application/json"}
    )
    assert response.json() == {"data": {"code": {"version": "1"}}}


async def test_graphiql_is_served_to_browsers(client: httpx.AsyncClient) -> None:
    page = await client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
