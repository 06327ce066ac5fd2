"""A planned public answer is GraphQL's answer (``api.plans``).

Each generated question is asked twice over HTTP, with the response cache off. The first
time GraphQL answers it, and a document it answered without an error is planned. The
second time a plan answers it where it can. The two responses must be the same bytes,
status and media type. Questions that a plan must answer (plain statistics over a
declared table, the current edition) must be answered by a plan the second time. The
others go to GraphQL both times: errors, a named edition, fragments, directives,
variables that do not coerce, repeated keys.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from api import plans
from api.app import create_app
from db.session import Database
from publication import statistics as stats
from tests.conftest import GraphQLClient
from tests.helpers import decide, issue_token, publish, publish_statistics, register_party, submit

ROW_FIELDS = [
    "party", "year", "quarter", "provision", "family", "formOfHate", "characteristic",
    "channel", "channelGroup", "respondentRole", "respondentRoleGroup", "severity",
    "sanction", "sanctionBand", "count", "ratePer1000Members", "__typename",
]  # fmt: skip
DIMENSION = {d.value: d.name for d in stats.Dimension}
FILTERS = {  # a value the tables hold, one they do not, and one the filter refuses
    "party": ['"plan-a"', '"nobody"', '"a\\u0001b"'],
    "year": ["2026", "1999"],
    "family": ['"abuse"', '"none-such"'],
}


@st.composite
def questions(draw: st.DrawFn) -> tuple[str, dict[str, Any] | None, bool]:
    """(document, variables, whether a plan must answer it the second time)."""
    plannable = True
    roots = []
    variables: dict[str, Any] = {}
    definitions = []
    for n in range(draw(st.integers(1, 2))):
        table = draw(st.sampled_from(stats.TABLES))
        dims = [d.name for d in table.dimensions]
        where = ""
        filterable = [d for d in table.dimensions if d.value in FILTERS]
        if filterable and draw(st.integers(0, 2)):
            dimension = draw(st.sampled_from(filterable))
            value = draw(st.sampled_from(FILTERS[dimension.value]))
            dims.remove(dimension.name)
            where = f", filter: {{{_camel(dimension.value)}: {value}}}"
            plannable &= "\\u" not in value  # the refused value is GraphQL's error
        if draw(st.integers(0, 9)) == 0:
            dims.append("SANCTION")  # most often no such table: an error
            asked = {*table.dimensions, stats.Dimension.SANCTION}
            plannable &= stats.find_table(asked) is not None
        group_by = f"[{', '.join(dims)}]"
        if draw(st.integers(0, 2)) == 0:  # groupBy as a variable
            name = f"g{n}"
            definitions.append(f"${name}: [StatisticsDimension!]!")
            variables[name] = dims if draw(st.integers(0, 9)) else ["NOT_A_DIMENSION"]
            plannable &= variables[name] != ["NOT_A_DIMENSION"]
            group_by = f"${name}"
        edition = draw(st.sampled_from(["", "", "", "", "", ', edition: "2026-Q4"']))
        plannable &= not edition
        unique = draw(st.integers(0, 9)) > 0
        fields = draw(st.lists(st.sampled_from(ROW_FIELDS), min_size=1, max_size=5, unique=unique))
        if len(set(fields)) != len(fields):
            plannable = False  # a key asked twice: GraphQL merges them
        alias = draw(st.sampled_from(["", f"t{n}: ", "t0: "]))
        roots.append(f"{alias}statistics(groupBy: {group_by}{where}{edition}) "
                     f"{{ {' '.join(fields)} }}")  # fmt: skip
    keys = [r.split(":")[0] if r.startswith("t") else "statistics" for r in roots]
    plannable &= len(set(keys)) == len(keys)
    shape = draw(st.sampled_from(["plain"] * 6 + ["named", "fragment", "directive"]))
    heading = f"query Q({', '.join(definitions)})" if definitions else "query Q"
    if shape == "fragment":
        roots[0] = f"... on Query {{ {roots[0]} }}"
        plannable = False
    body = " ".join(roots)
    if shape == "directive":
        body = body.replace(") {", ") @include(if: true) {", 1)
        plannable = False
    document = f"{heading} {{ {body} }}" if shape != "plain" or definitions else f"{{ {body} }}"
    return document, variables or None, plannable


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


@pytest_asyncio.fixture
async def published(
    gql: GraphQLClient, admin_token: str, owner_db: Database, db: Database
) -> AsyncIterator[httpx.AsyncClient]:
    """Two parties' outcomes in a published edition, and the service with its cache off."""
    for party in ("plan-a", "plan-b"):
        await register_party(gql, admin_token, party)
        officer = await issue_token(gql, admin_token, "OFFICER", party)
        for n in range(12):
            await decide(gql, officer, await submit(gql, officer, f"{party}-{n}"))
        assert (await publish(gql, officer))["errors"] == []
    await publish_statistics(owner_db)
    app = create_app(
        db, public_cache_entries=0, anonymous_rate=None, failed_auth_rate=None, report_rate=None
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(question=questions())
@example(
    question=(
        '{ statistics(groupBy: [YEAR], filter: {party: "plan-a"}) '
        "{ __typename year count ratePer1000Members y: year } }",
        None,
        True,
    )
)
@example(
    question=(
        "query Q($g: [StatisticsDimension!]!) { a: statistics(groupBy: $g) { party "
        "count } b: statistics(groupBy: [FAMILY]) { family count } }",
        {"g": ["PARTY"]},
        True,
    )
)
@example(
    question=(
        "query Q($f: StatisticsFilter) { statistics(groupBy: [PARTY], filter: $f) "
        "{ party count } }",
        {"f": {"year": "twenty"}},
        False,
    )
)
@example(  # one key twice: GraphQL merges the two selections
    question=(
        "{ statistics(groupBy: [PARTY]) { party } statistics(groupBy: [PARTY]) { count } }",
        None,
        False,
    )
)
async def test_a_planned_answer_is_the_answer_graphql_gives(
    published: httpx.AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
    question: tuple[str, dict[str, Any] | None, bool],
) -> None:
    document, variables, plannable = question
    for key in plans.PLANS:  # proven by an earlier example: asked anew here
        plans.PLANS.pop(key)
    planned: list[bool] = []
    answer = plans.answer

    async def watched(*args: Any, **kwargs: Any) -> Any:
        found = await answer(*args, **kwargs)
        planned.append(found is not None)
        return found

    monkeypatch.setattr(plans, "answer", watched)
    body = json.dumps({"query": document, "variables": variables})
    headers = {"content-type": "application/json"}
    first = await published.post("/graphql", content=body, headers=headers)
    second = await published.post("/graphql", content=body, headers=headers)
    assert planned.count(True) == (1 if plannable else 0), (document, variables, first.text)
    assert (second.status_code, second.headers["content-type"], second.content) == (
        first.status_code, first.headers["content-type"], first.content,
    ), document  # fmt: skip
    if plannable:
        assert "errors" not in first.json() and first.json()["data"], first.text


async def test_a_question_never_answered_is_not_planned(published: httpx.AsyncClient) -> None:
    """Only what GraphQL answered without an error is planned: a refused question is
    refused again by GraphQL, with its error, however often it is asked."""
    refused = json.dumps({"query": "{ statistics(groupBy: [SANCTION, PARTY]) { count } }"})
    for _ in range(3):
        response = await published.post(
            "/graphql", content=refused, headers={"content-type": "application/json"}
        )
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert not [key for key in plans.PLANS if "SANCTION, PARTY" in key[0]]


async def test_a_token_bearing_or_graphql_response_request_is_graphqls(
    published: httpx.AsyncClient,
    gql: GraphQLClient,
    admin_token: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A plan answers token-less JSON only: a caller with a token is answered (and
    audited, and limited) by GraphQL as ever, and so is a client that asks for
    application/graphql-response+json."""
    query = json.dumps({"query": "{ statistics(groupBy: [PARTY]) { party count } }"})
    plain = {"content-type": "application/json"}
    first = await published.post("/graphql", content=query, headers=plain)
    assert plans.known("{ statistics(groupBy: [PARTY]) { party count } }", None) is not None
    officer = await issue_token(gql, admin_token, "OFFICER", "plan-a")
    planned: list[object] = []
    answer = plans.answer

    async def watched(*args: Any, **kwargs: Any) -> Any:
        planned.append(args)
        return await answer(*args, **kwargs)

    monkeypatch.setattr(plans, "answer", watched)
    for headers in (
        {**plain, "authorization": f"Bearer {officer}"},
        {**plain, "accept": "application/graphql-response+json"},
    ):
        answered = await published.post("/graphql", content=query, headers=headers)
        assert answered.json() == first.json()
        assert answered.headers["content-type"] != "application/json" or "authorization" in headers
    assert planned == []  # a plan never even tried either
    await published.post("/graphql", content=query, headers=plain)
    assert len(planned) == 1  # while a token-less JSON request is planned
