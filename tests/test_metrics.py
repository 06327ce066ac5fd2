"""/metrics: requests, GraphQL operations by name and role, the cache, the pool and the
admission lanes, in Prometheus's text format; client-chosen names stay bounded."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import GraphQLClient
from tests.helpers import case_input, decide, issue_token, publish, register_party, submit


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def test_metrics_count_what_the_service_did(
    client: httpx.AsyncClient, gql: GraphQLClient, admin_token: str
) -> None:
    await register_party(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    for _ in range(2):
        await client.post("/graphql", json={"query": "query Codes { codes { version } }"})
    await gql.ok("query Mine { viewer { role } }", token=officer)
    await client.get("/no-such-page")
    for n in range(3):  # client-chosen names never become unbounded labels
        await client.post(
            "/graphql",
            json={"query": f"query {'x' * 50}{n} {{ codes {{ version }} }}"},
            headers={"accept": "application/graphql-response+json"},  # never field-cached
        )
    page = await client.get("/metrics")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/plain")
    samples = _samples(page.text)
    assert samples[("jointcode_graphql_operations_total",
                    (("operation", "Mine"), ("role", "officer")))] == 1  # fmt: skip
    assert samples[("jointcode_graphql_operations_total",
                    (("operation", "Codes"), ("role", "anonymous")))] == 1  # fmt: skip
    assert samples[("jointcode_public_cache_total", (("result", "hit"),))] >= 1
    assert samples[("jointcode_public_cache_total", (("result", "miss"),))] >= 1
    assert samples[("jointcode_requests_total", (("kind", "page"), ("status", "404")))] == 1
    assert ("jointcode_graphql_operations_total",
            (("operation", "other"), ("role", "anonymous"))) in samples  # fmt: skip
    assert ("jointcode_db_connections_in_use", ()) in samples
    assert ("jointcode_public_read_connections_in_use", ()) in samples
    assert ("jointcode_admission_waiting", (("lane", "reads"),)) in samples
    assert ("jointcode_public_cache_bytes", ()) in samples
    assert officer not in page.text and admin_token not in page.text


async def test_releases_and_batches_report_their_duration(
    client: httpx.AsyncClient, gql: GraphQLClient, admin_token: str
) -> None:
    await register_party(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    for n in range(3):
        await decide(gql, officer, await submit(gql, officer, f"M-{n}"))
    await gql.ok(
        "mutation($i: SubmitCasesInput!) { submitCases(input: $i) { created } }",
        {"i": {"cases": [case_input("M-batch")]}},
        token=officer,
    )
    await publish(gql, officer)
    samples = _samples((await client.get("/metrics")).text)
    # a preview, the year's edition, a preview again (tests.helpers.publish), a publication
    for work, times in (("release_preview", 2), ("release_publish", 1), ("case_batch", 1)):
        assert samples[("jointcode_work_seconds_count", (("work", work),))] == times, work
        assert samples[("jointcode_work_seconds_sum", (("work", work),))] > 0, work


async def test_metrics_are_for_the_operators_scraper_only(db: object) -> None:
    """/metrics answers this host's scraper, or one sending JOINTCODE_METRICS_TOKEN; the
    public port's visitors get a 404 (issue 24)."""
    from api.app import create_app

    def client(app: object, host: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, client=(host, 1234))  # type: ignore[arg-type]
        return httpx.AsyncClient(transport=transport, base_url="http://test")

    open_app = create_app(db, anonymous_rate=None, failed_auth_rate=None)  # type: ignore[arg-type]
    async with client(open_app, "127.0.0.1") as local, client(open_app, "203.0.113.9") as far:
        page = await local.get("/metrics")
        assert page.status_code == 200 and "process_resident_memory_bytes" in page.text
        assert "python_info" in page.text and "python_gc_objects_collected_total" in page.text
        assert (await far.get("/metrics")).status_code == 404
    tokened = create_app(db, anonymous_rate=None, failed_auth_rate=None,  # type: ignore[arg-type]
                         metrics_token="s3cret-scrape-token")  # fmt: skip
    async with client(tokened, "127.0.0.1") as local, client(tokened, "203.0.113.9") as far:
        assert (await local.get("/metrics")).status_code == 404  # the token, even here
        wrong = await far.get("/metrics", headers={"authorization": "Bearer nope"})
        assert wrong.status_code == 404
        right = await far.get("/metrics", headers={"authorization": "Bearer s3cret-scrape-token"})
        assert right.status_code == 200 and "jointcode_requests_total" in right.text
