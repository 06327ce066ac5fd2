"""Schemathesis (GraphQL mode) against the real service, as every role: no server error.

Documents are generated from ``schema/schema.graphql`` (every query and mutation, with
valid and awkward arguments) and sent over ASGI like any client's. Bounded by examples,
not time: ``JOINTCODE_FUZZ_EXAMPLES`` per role (100 by default; CI keeps the default).
"""

from __future__ import annotations

import os

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from schema import SDL_PATH
from tests.conftest import GraphQLClient
from tests.helpers import decide, issue_token, register_party, submit

pytestmark = pytest.mark.slow  # `make test` leaves it to CI (TIERS=all)

EXAMPLES = int(os.environ.get("JOINTCODE_FUZZ_EXAMPLES", "100"))
STRATEGY = schemathesis.graphql.from_path(str(SDL_PATH)).as_strategy()
ROLES = ("anonymous", "officer", "party_admin", "committee", "admin")


@pytest.fixture
async def credentials(gql: GraphQLClient, admin_token: str) -> dict[str, str | None]:
    await register_party(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    for n in range(3):
        await decide(gql, officer, await submit(gql, officer, f"F-{n}"))
    return {
        "anonymous": None,
        "officer": officer,
        "party_admin": await issue_token(gql, admin_token, "PARTY_ADMIN", "party-a"),
        "committee": await issue_token(gql, admin_token, "COMMITTEE"),
        "admin": admin_token,
    }


@pytest.mark.parametrize("role", ROLES)
@settings(
    max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)
@given(case=STRATEGY)
async def test_no_server_errors(
    client: httpx.AsyncClient,
    credentials: dict[str, str | None],
    role: str,
    case: schemathesis.Case,
) -> None:
    token = credentials[role]
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = await client.post("/graphql", json={"query": case.body}, headers=headers)
    assert response.status_code < 500, (case.body, response.text)
    codes = [(e.get("extensions") or {}).get("code") for e in response.json().get("errors", [])]
    assert "INTERNAL_SERVER_ERROR" not in codes, (case.body, response.text)
