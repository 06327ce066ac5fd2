"""When every database connection is busy: a clear SERVICE_BUSY (HTTP 503, Retry-After),
never a masked error or a bare 500, for anonymous and authenticated callers alike."""

from __future__ import annotations

import httpx

from api.app import create_app
from db.session import Database, app_role_url, make_engine


async def test_an_exhausted_pool_answers_503_service_busy(owner_url: str, admin_token: str) -> None:
    db = Database(make_engine(app_role_url(owner_url), pool_size=1, max_overflow=0,
                              pool_timeout_s=0.2))  # fmt: skip
    app = create_app(db, public_cache_refresh_ms=0, anonymous_rate=None, failed_auth_rate=None)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://test"
        ) as client:
            query = {"query": "{ parties { slug } }"}
            assert (await client.post("/graphql", json=query)).status_code == 200
            async with db.engine.connect():  # someone holds the only connection
                # a public answer already cached is still served: the public never waits
                cached = await client.post("/graphql", json=query)
                assert cached.status_code == 200 and cached.headers["x-cache"] == "hit"
                anonymous = await client.post("/graphql", json={"query": "{ parties { name } }"})
                authenticated = await client.post(
                    "/graphql", json=query, headers={"authorization": f"Bearer {admin_token}"}
                )
            for response in (anonymous, authenticated):
                assert response.status_code == 503, response.text
                assert response.headers["retry-after"] == "2"
                [error] = response.json()["errors"]
                assert error["extensions"]["code"] == "SERVICE_BUSY"
            # and once a connection is free again, everything answers as before
            again = await client.post("/graphql", json=query)
            assert again.status_code == 200 and "errors" not in again.json()
    finally:
        await db.dispose()
