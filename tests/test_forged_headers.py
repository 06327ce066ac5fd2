"""A client forging headers or sending odd bodies talks no limit away (issue 21).

Forwarded headers count only from proxies the operator names (none by default); an empty
or malformed ``Authorization`` header is a 401 before any limit, lane or cache is chosen,
and the limiter and authentication read the header the same way; no body gets a 5xx.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.app import create_app
from db.session import Database
from tests.conftest import GraphQLClient
from tests.helpers import register_party
from tests.test_reports import SUBMIT, report

QUERY = {"query": "{ codes { version } }"}


@asynccontextmanager
async def _client(
    db: Database, *, client: tuple[str, int] = ("127.0.0.1", 50000), **options: Any
) -> AsyncIterator[httpx.AsyncClient]:
    options = {"anonymous_rate": None, "failed_auth_rate": None, "report_rate": None} | options
    app = create_app(db, public_cache_refresh_ms=0, background=False, **options)
    transport = httpx.ASGITransport(app=app, client=client)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


def _from(address: str) -> dict[str, str]:
    return {"x-forwarded-for": address, "forwarded": f"for={address}", "x-real-ip": address}


async def test_forwarded_headers_from_an_untrusted_address_change_nobody(db: Database) -> None:
    """From 127.0.0.1 with no proxy configured (uvicorn trusted it by default): each request
    claims a new address, and all of them share the connection's one budget."""
    async with _client(db, anonymous_rate="3/minute", failed_auth_rate="2/minute") as http:
        answers = [
            (await http.post("/graphql", json=QUERY, headers=_from(f"10.0.0.{n}"))).status_code
            for n in range(5)
        ]
        assert answers == [200, 200, 200, 429, 429]
        pages = [(await http.get("/", headers=_from(f"10.1.0.{n}"))).status_code for n in range(2)]
        assert pages == [429, 429]
    async with _client(db, failed_auth_rate="2/minute") as http:
        guesses = [
            (
                await http.post(
                    "/graphql",
                    json=QUERY,
                    headers={"authorization": f"Bearer jc_guess{n}", **_from(f"10.2.0.{n}")},
                )
            ).status_code
            for n in range(4)
        ]
        assert guesses == [401, 401, 429, 429]


async def test_the_report_budget_is_the_real_clients(
    db: Database, gql: GraphQLClient, admin_token: str
) -> None:
    await register_party(gql, admin_token, "party-a")

    async def file(http: httpx.AsyncClient, n: int, forwarded: str) -> list[str]:
        body = {"query": SUBMIT, "variables": {"input": report(whatHappened=f"Number {n}.")}}
        answer = (await http.post("/graphql", json=body, headers=_from(forwarded))).json()
        return [e["code"] for e in answer["data"]["submitReport"]["errors"]]

    async with _client(db, report_rate="2/hour") as http:  # nobody trusted
        assert [await file(http, n, f"10.3.0.{n}") for n in range(3)] == [
            [],
            [],
            ["TOO_MANY_REPORTS"],
        ]
    # behind a proxy the operator named: each reporter has a budget of their own
    async with _client(
        db, report_rate="2/hour", trusted_proxies=("10.9.0.0/16",), client=("10.9.0.1", 4000)
    ) as http:
        assert [await file(http, n, "203.0.113.7") for n in range(3)] == [
            [],
            [],
            ["TOO_MANY_REPORTS"],
        ]
        assert await file(http, 9, "203.0.113.8") == []  # another reporter, own budget
        # a reporter cannot prepend an address: the proxy appends the real one, which counts
        assert await file(http, 10, "198.51.100.1, 203.0.113.7") == ["TOO_MANY_REPORTS"]


async def test_a_trusted_proxy_passes_its_clients_addresses_on(db: Database) -> None:
    async with _client(
        db, anonymous_rate="2/minute", trusted_proxies=("10.9.0.1",), client=("10.9.0.1", 4000)
    ) as http:
        alice = [(await http.post("/graphql", json=QUERY, headers=_from("203.0.113.1"))).status_code
                 for _ in range(3)]  # fmt: skip
        bob = (await http.post("/graphql", json=QUERY, headers=_from("203.0.113.2"))).status_code
        assert alice == [200, 200, 429] and bob == 200
    # the same headers from a machine that is not that proxy are the machine's own
    async with _client(
        db, anonymous_rate="2/minute", trusted_proxies=("10.9.0.1",), client=("10.8.0.1", 4000)
    ) as http:
        answers = [
            (await http.post("/graphql", json=QUERY, headers=_from(f"203.0.113.{n}"))).status_code
            for n in range(3)
        ]
        assert answers == [200, 200, 429]


MALFORMED = [
    [("authorization", "")],
    [("authorization", "Bearer")],
    [("authorization", "Bearer   ")],
    [("authorization", "Basic dXNlcjpwYXNz")],
    [("authorization", "jc_tokenwithoutscheme")],
    [("authorization", "Bearer two words")],
    [("authorization", "Bearer jc_a"), ("authorization", "Bearer jc_b")],
]


async def test_an_empty_or_malformed_authorization_header_is_a_401_first(
    db: Database, admin_token: str
) -> None:
    """An empty header was a token to the limiter and no token to authentication: no limit
    applied at all. Now it is refused before any limit, and counts as a failed attempt."""
    async with _client(db, anonymous_rate="2/minute", failed_auth_rate="100/minute") as http:
        unknown = await http.post("/graphql", json=QUERY, headers={"authorization": "Bearer jc_x"})
        for headers in MALFORMED:
            for _ in range(3):  # past the anonymous budget: still 401, never an answer
                answer = await http.post("/graphql", json=QUERY, headers=headers)
                assert answer.status_code == 401, headers
                assert answer.json() == unknown.json()  # the same refusal as a wrong token
                assert answer.headers["www-authenticate"] == "Bearer"
        # the GET form too, and a mutation: no lane, no cache, no resolver reached
        assert (await http.get("/graphql?query={__typename}",
                               headers={"authorization": ""})).status_code == 401  # fmt: skip
        good = await http.post(
            "/graphql", json=QUERY, headers={"authorization": f"Bearer  {admin_token} "}
        )
        assert good.status_code == 200  # spaces around a real token are not an attack
    async with _client(db, failed_auth_rate="2/minute") as http:
        # refused before the limiter: malformed headers reach no token, so guess nothing,
        # and leave the failed-authentication budget to real attempts
        answers = [
            (await http.post("/graphql", json=QUERY, headers={"authorization": ""})).status_code
            for _ in range(3)
        ]
        assert answers == [401, 401, 401]
        guesses = [
            (
                await http.post("/graphql", json=QUERY, headers={"authorization": "Bearer jc_x"})
            ).status_code
            for _ in range(3)
        ]
        assert guesses == [401, 401, 429]


async def test_a_token_on_a_public_page_is_anonymous_traffic(
    db: Database, admin_token: str
) -> None:
    """Pages and open data ignore tokens, so a token there buys no way past their limit."""
    async with _client(db, anonymous_rate="2/minute") as http:
        headers = {"authorization": f"Bearer {admin_token}"}
        pages = [(await http.get("/open-data", headers=headers)).status_code for _ in range(3)]
        assert pages == [200, 200, 429]


SCALARS = [b"42", b'"x"', b"null", b"true", b"1.5", b"[]", b"[1]", b"[{}]", b'[{"query": 1}]']


async def test_json_that_is_not_an_object_is_a_400(client: httpx.AsyncClient) -> None:
    for body in SCALARS:
        answer = await client.post(
            "/graphql", content=body, headers={"content-type": "application/json"}
        )
        assert answer.status_code == 400, body
        assert "errors" in answer.json() or answer.text, body


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "query": JSON | st.sampled_from(["{ codes { version } }", "{ __typename }", "mutation"]),
        "variables": JSON,
        "operationName": JSON,
        "extensions": JSON,
    },
)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=JSON | FIELDS | st.binary(max_size=64), content_type=st.sampled_from(
    ["application/json", "application/graphql-response+json", "text/plain", ""]
))  # fmt: skip
async def test_no_body_gets_a_server_error(
    client: httpx.AsyncClient, body: Any, content_type: str
) -> None:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    answer = await client.post("/graphql", content=content, headers={"content-type": content_type})
    assert answer.status_code < 500, (content, answer.text)


async def test_typename_aliases_count_towards_the_alias_cap(gql: GraphQLClient) -> None:
    """Counted whether GraphQL runs or the public cache assembles fields it holds."""
    from schema import MAX_ALIASES

    assert "errors" not in await gql("{ __typename }")  # now in the public cache
    body = await gql("{ " + " ".join(f"a{n}: __typename" for n in range(101)) + " }")
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED", body
    body = await gql("{ " + " ".join(f"a{n}: __typename" for n in range(MAX_ALIASES + 1)) + " }")
    assert "data" not in body or body.get("data") is None
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    ok = await gql("{ " + " ".join(f"a{n}: __typename" for n in range(MAX_ALIASES)) + " }")
    assert "errors" not in ok
