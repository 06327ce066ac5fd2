"""Bad input is the client's error, named, and never a server error: each attack of issue 11."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from tests.conftest import GraphQLClient
from tests.helpers import case_input, issue_token, register_party

OUTCOMES = (
    "query($p: String, $a: String) { publishedOutcomes(party: $p, after: $a) { totalCount } }"
)
SUBMIT = """mutation($input: SubmitCasesInput!) { submitCases(input: $input) {
  created rejected results { index errors { code field } } errors { code } } }"""


def _codes(body: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors", [])]


def _cursor(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


@pytest.mark.parametrize("text", ["\x00", "lantern\x00", "a\x1bb", "\ud800", "x\x7f"])
async def test_control_characters_and_lone_surrogates_are_refused_by_name(
    gql: GraphQLClient, text: str
) -> None:
    # JSON's escapes carry any of these, a lone surrogate included
    raw = json.dumps({"query": OUTCOMES, "variables": {"p": text}}).encode()
    response = await gql.http.post(
        "/graphql", content=raw, headers={"content-type": "application/json"}
    )
    body = response.json()
    assert _codes(body) == ["BAD_USER_INPUT"], body
    assert body["errors"][0]["extensions"]["field"] == "$p" and "data" in body
    # the same in a literal of the document
    literal = json.dumps(text)  # a GraphQL string literal uses JSON's escapes
    query = f"{{ publishedOutcomes(party: {literal}) {{ totalCount }} }}"
    response = await gql.http.post(
        "/graphql", content=json.dumps({"query": query}).encode(),
        headers={"content-type": "application/json"},
    )  # fmt: skip
    body = response.json()
    # GraphQL's lexer already refuses a lone surrogate in a literal, as a syntax error
    assert _codes(body) in (["BAD_USER_INPUT"], ["GRAPHQL_PARSE_FAILED"]), body
    raw = json.dumps({
        "query": "query($f: StatisticsFilter) "
                 "{ statistics(groupBy: [PARTY], filter: $f) { count } }",
        "variables": {"f": {"party": text}},
    }).encode()  # fmt: skip
    response = await gql.http.post(
        "/graphql", content=raw, headers={"content-type": "application/json"}
    )
    body = response.json()
    assert _codes(body) == ["BAD_USER_INPUT"] and body["errors"][0]["extensions"]["field"] == (
        "$f.party"
    )


async def test_tabs_and_line_breaks_are_text(gql: GraphQLClient) -> None:
    body = await gql(OUTCOMES, {"p": "no\tsuch\r\nparty"})
    assert "errors" not in body or _codes(body) != ["BAD_USER_INPUT"]


async def test_a_nul_in_one_bulk_item_stops_only_that_item(
    gql: GraphQLClient, admin_token: str
) -> None:
    await register_party(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    cases = [case_input(f"R-{n}") for n in range(5)]
    cases[3]["summary"] = "broken\x00text"
    cases[1]["reference"] = "R-\x1b[31m"
    cases[4]["provisions"] = ["JC1\x00"]
    body = await gql(SUBMIT, {"input": {"cases": cases}}, token=officer)
    result = body["data"]["submitCases"]
    assert (result["created"], result["rejected"]) == (2, 3)
    rejected = {r["index"]: r["errors"] for r in result["results"] if r["errors"]}
    assert rejected[3] == [{"code": "INVALID_TEXT", "field": ["input", "cases", "3", "summary"]}]
    assert rejected[1] == [{"code": "INVALID_TEXT", "field": ["input", "cases", "1", "reference"]}]
    assert rejected[4][0]["code"] == "UNKNOWN_PROVISION"
    count = await gql.ok("{ cases(first: 1) { totalCount } }", token=officer)
    assert count["cases"]["totalCount"] == 2
    # anywhere else in the call, the boundary refuses the whole document as before
    single = await gql(
        "mutation($i: SubmitCaseInput!) { submitCase(input: $i) { created } }",
        {"i": {**case_input("S-1"), "summary": "x\x00"}},
        token=officer,
    )
    assert _codes(single) == ["BAD_USER_INPUT"]
    assert single["errors"][0]["extensions"]["field"] == "$i.summary"


@pytest.mark.parametrize(
    "cursor",
    [
        _cursor(7),
        _cursor({"outcome": 1}),
        _cursor(["outcome", 10**30]),
        _cursor(["outcome", -1]),
        _cursor(["outcome", True]),
        _cursor(["outcome", 1.5]),
        base64.urlsafe_b64encode(b"[" * 5000 + b"]" * 5000).decode(),
        "%%%not base64",
        "A" * 10_000,
    ],
)
async def test_odd_cursors_are_invalid_cursors(gql: GraphQLClient, cursor: str) -> None:
    body = await gql(OUTCOMES, {"a": cursor})
    assert _codes(body) == ["BAD_USER_INPUT"], body
    assert body["errors"][0]["extensions"]["errors"][0]["code"] == "INVALID_CURSOR"


async def test_case_cursors_too(gql: GraphQLClient, admin_token: str) -> None:
    await register_party(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    for cursor in (_cursor(["case", 1, 2]), _cursor(["case", ["x"], "y"]), _cursor(None)):
        body = await gql(
            "query($a: String) { cases(after: $a) { totalCount } }", {"a": cursor}, token=officer
        )
        assert _codes(body) == ["BAD_USER_INPUT"], body


@pytest.mark.parametrize(
    ("expires", "needle"),
    [
        ("2030-01-01T00:00:00", "zone"),
        ("9999-12-31T23:59:59+00:00", "year"),
        ("10000-01-01T00:00:00Z", "ISO 8601"),
        ("yesterday", "ISO 8601"),
    ],
)
async def test_expiry_needs_a_zone_and_a_sane_year(
    gql: GraphQLClient, admin_token: str, expires: str, needle: str
) -> None:
    body = await gql(
        """mutation($e: DateTime) { issueToken(input: {role: COMMITTEE, expiresAt: $e}) {
             token errors { code } } }""",
        {"e": expires},
        token=admin_token,
    )
    assert _codes(body) == ["BAD_USER_INPUT"], body
    assert needle in body["errors"][0]["message"]


async def test_dates_out_of_range_are_refused(gql: GraphQLClient, admin_token: str) -> None:
    await register_party(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    for day in ("0001-01-01", "9999-12-31"):
        body = await gql(SUBMIT, {"input": {"cases": [case_input("D", receivedOn=day)]}},
                         token=officer)  # fmt: skip
        assert _codes(body) == ["BAD_USER_INPUT"], body


async def test_a_body_that_is_not_utf8_is_a_400(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", content=b'{"query": "{ codes { version } }\xff\xfe"}',
        headers={"content-type": "application/json"},
    )  # fmt: skip
    assert response.status_code == 400


async def test_a_deeply_nested_body_is_a_400(client: httpx.AsyncClient) -> None:
    body = b'{"query": "{ __typename }", "variables": {"a": ' + b"[" * 100_000 + b"]" * 100_000
    response = await client.post(
        "/graphql", content=body + b"}}", headers={"content-type": "application/json"}
    )
    assert response.status_code in (400, 413)


async def test_directive_overloading_gets_one_error(gql: GraphQLClient) -> None:
    body = await gql("{ __typename " + "@include(if: true)" * 50 + " }")
    assert _codes(body) == ["GRAPHQL_VALIDATION_FAILED"] and len(body["errors"]) == 1
    body = await gql("{ __typename " + "@aa" * 50 + " }")
    assert len(body["errors"]) == 1


async def test_no_field_suggestions(gql: GraphQLClient) -> None:
    body = await gql("{ statistic(groupBy: [PARTY]) { count } }")
    assert _codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "Did you mean" not in body["errors"][0]["message"]


async def test_graphql_response_media_type_answers_4xx_without_data(
    client: httpx.AsyncClient,
) -> None:
    accept = {"accept": "application/graphql-response+json"}
    for query, code in (
        ("{", "GRAPHQL_PARSE_FAILED"),
        ("{ nothing }", "GRAPHQL_VALIDATION_FAILED"),
    ):
        response = await client.post("/graphql", json={"query": query}, headers=accept)
        assert response.status_code == 400, response.text
        assert response.headers["content-type"].startswith("application/graphql-response+json")
        assert "data" not in response.json() and _codes(response.json()) == [code]
    coercion = await client.post(
        "/graphql",
        json={"query": "query($n: Int!) { publishedOutcomes(first: $n) { totalCount } }",
              "variables": {"n": "ten"}},
        headers=accept,
    )  # fmt: skip
    assert coercion.status_code == 400 and _codes(coercion.json()) == ["BAD_USER_INPUT"]
    fine = await client.post("/graphql", json={"query": "{ __typename }"}, headers=accept)
    assert fine.status_code == 200 and fine.json() == {"data": {"__typename": "Query"}}
    # plain JSON clients keep the classic answer: 200 with data null
    legacy = await client.post("/graphql", json={"query": "{ nothing }"})
    assert legacy.status_code == 200 and legacy.json()["data"] is None


async def test_malformed_requests_are_4xx_even_when_the_query_is_cached(
    client: httpx.AsyncClient,
) -> None:
    """graphql-http's audit: what a cache hit must not paper over."""
    body = b'{"query": "{ __typename }"}'
    assert (
        await client.post("/graphql", content=body, headers={"content-type": "application/json"})
    ).status_code == 200
    again = await client.post("/graphql", content=body,
                              headers={"content-type": "application/json"})  # fmt: skip
    assert again.headers.get("x-cache") == "hit"
    no_type = await client.post("/graphql", content=body, headers={"content-type": ""})
    assert 400 <= no_type.status_code < 500
    for extra in ('"variables": 1', '"variables": true', '"extensions": "x"',
                  '"extensions": []', '"operationName": 7'):  # fmt: skip
        response = await client.post(
            "/graphql",
            content=b'{"query": "{ __typename }", ' + extra.encode() + b"}",
            headers={"content-type": "application/json"},
        )
        assert response.status_code == 400, extra


async def test_graphql_cop_probes_are_refused(client: httpx.AsyncClient) -> None:
    batch = await client.post("/graphql", json=[{"query": "{ __typename }"}] * 2)
    assert batch.status_code == 400  # no batching: one document, one cost
    get_mutation = await client.get(
        "/graphql",
        params={"query": 'mutation { enrol(input: {code: "x"}) { token } }'},
        headers={"accept": "application/json"},
    )
    assert get_mutation.status_code == 400  # no state change over GET (CSRF)
    form = await client.post(
        "/graphql", content=b"query={__typename}",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    assert form.status_code == 400  # a cross-site form cannot post GraphQL
    aliases = " ".join(f"a{n}: __typename" for n in range(30))
    body = (await client.post("/graphql", json={"query": f"{{ {aliases} }}"})).json()
    assert (
        _codes(body) == ["GRAPHQL_VALIDATION_FAILED"] and "aliases" in body["errors"][0]["message"]
    )


async def test_documents_past_the_depth_and_token_limits_are_refused_every_time(
    client: httpx.AsyncClient,
) -> None:
    """The limits live in the cached parse and validation (graphql_runtime/documents.py): a refused
    document stays refused when it is asked again, from the cache."""
    from schema import MAX_DEPTH, MAX_TOKENS

    deep = (
        "{ cases { edges { node { "
        + "report { case { " * MAX_DEPTH
        + "id"
        + " } }" * (MAX_DEPTH)
        + " } } } }"
    )
    many = "{ " + " ".join(f"a{n}: __typename" for n in range(MAX_TOKENS)) + " }"
    for _ in range(2):
        body = (await client.post("/graphql", json={"query": deep})).json()
        assert _codes(body) == ["GRAPHQL_VALIDATION_FAILED"], body
        assert "depth" in body["errors"][0]["message"]
        body = (await client.post("/graphql", json={"query": many})).json()
        assert "data" not in body or body["data"] is None, body
        assert "tokens" in body["errors"][0]["message"], body
