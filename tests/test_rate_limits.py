"""Anonymous traffic and failed authentication are limited per client address."""

from __future__ import annotations

import httpx

from api.app import create_app
from db.session import Database

QUERY = {"query": "{ codes { version } }"}


def _client(db: Database, **rates: str | None) -> httpx.AsyncClient:
    app = create_app(db, public_cache_refresh_ms=0, **rates)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_anonymous_requests_over_the_limit_get_429_with_retry_after(db: Database) -> None:
    async with _client(db, anonymous_rate="3/minute", failed_auth_rate=None) as client:
        answers = [(await client.post("/graphql", json=QUERY)).status_code for _ in range(4)]
        assert answers == [200, 200, 200, 429]
        refused = await client.post("/graphql", json=QUERY)
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
        assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        assert (await client.get("/")).status_code == 429  # pages and open data alike


async def test_failed_authentication_is_limited_apart(db: Database, admin_token: str) -> None:
    async with _client(db, anonymous_rate=None, failed_auth_rate="2/minute") as client:
        bad = {"authorization": "Bearer jc_guess"}
        assert [(await client.post("/graphql", json=QUERY, headers=bad)).status_code
                for _ in range(3)] == [401, 401, 429]  # fmt: skip
        # from that address, even a good token waits: guessing stays slow
        good = {"authorization": f"Bearer {admin_token}"}
        assert (await client.post("/graphql", json=QUERY, headers=good)).status_code == 429
    async with _client(db, anonymous_rate=None, failed_auth_rate="2/minute") as client:
        good = {"authorization": f"Bearer {admin_token}"}
        for _ in range(5):  # successful authentication spends nothing
            assert (await client.post("/graphql", json=QUERY, headers=good)).status_code == 200
