"""Webhooks (issue 23): a party hears of reports and deadlines at once, signed per the
Standard Webhooks specification, with nothing a reporter wrote in them; delivered at
least once through a receiver's outage, dead letters redelivered; every row the
party's own, whatever the application role tries in SQL."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from api.app import create_app
from api.webhooks import Deliverer, WebhookSettings
from db.envelope import KeyEncryptionKey
from db.session import Database
from schema.relay import to_global_id
from tests.conftest import GraphQLClient
from tests.helpers import issue_token, party_admin_token, register_party
from tests.test_reports import SECRET_TEXT, SUBMIT, report
from tests.webhook_receiver import Receiver

CREATE = """mutation($url: String!, $types: [String!]! = []) {
  createWebhookEndpoint(input: {url: $url, eventTypes: $types}) {
  endpoint { id url eventTypes } secret errors { code field message } } }"""
DELIVERIES = """query($states: [WebhookDeliveryState!]) {
  webhookDeliveries(first: 50, states: $states) { totalCount
  edges { node { id messageId eventType state attempts lastStatus lastError } } } }"""
REDELIVER = """mutation($id: ID!) { redeliverWebhook(input: {id: $id}) {
  delivery { state attempts } errors { code } } }"""
PAGE = """query($after: String) { webhookDeliveries(first: 2, after: $after) {
  pageInfo { hasNextPage endCursor } edges { node { messageId } } } }"""
ADD = """mutation($code: String!, $secret: String!) {
  addToReport(input: {code: $code, secret: $secret, text: "More: he did it again."}) { added } }"""
SETTINGS = WebhookSettings(allow_http=True, allow_private=True, retry_ms=50, max_attempts=3)


@pytest_asyncio.fixture
async def hooked(db: Database) -> AsyncIterator[tuple[GraphQLClient, Deliverer]]:
    """The service with plain-HTTP, local endpoints allowed (a receiver on this host), and
    its delivery worker, driven by the test one round at a time."""
    kek = KeyEncryptionKey.ephemeral()
    app = create_app(db, public_cache_refresh_ms=0, anonymous_rate=None, failed_auth_rate=None,
                     report_rate=None, kek=kek, webhooks=SETTINGS)  # fmt: skip
    deliverer = Deliverer(db, kek, SETTINGS)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://test") as http:  # fmt: skip
        yield GraphQLClient(http), deliverer
    await deliverer.close()


async def _file(gql: GraphQLClient, **overrides: object) -> dict[str, str]:
    data = await gql.ok(SUBMIT, {"input": report(**overrides)})
    assert data["submitReport"]["errors"] == [], data
    return data["submitReport"]["receipt"]


async def test_a_party_hears_of_each_report_once_signed_and_without_what_was_written(
    gql: GraphQLClient, admin_token: str, hooked: tuple[GraphQLClient, Deliverer]
) -> None:
    service, deliverer = hooked
    for slug in ("party-a", "party-b"):
        await register_party(gql, admin_token, slug)
    admin = await party_admin_token(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    receiver = await Receiver().start()
    try:
        # https only unless the operator allows plain HTTP; administrators only
        plain = await gql.ok(CREATE, {"url": receiver.url}, token=admin)
        assert plain["createWebhookEndpoint"]["errors"][0]["code"] == "INVALID_WEBHOOK_URL"
        forbidden = await service(CREATE, {"url": receiver.url}, token=officer)
        assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        bad = await service.ok(CREATE, {"url": receiver.url, "types": ["nope"]}, token=admin)
        assert bad["createWebhookEndpoint"]["errors"][0]["field"] == ["input", "eventTypes", "0"]
        made = (await service.ok(CREATE, {"url": receiver.url}, token=admin))[
            "createWebhookEndpoint"
        ]
        secret = made["secret"]
        assert made["errors"] == [] and secret.startswith("whsec_")

        first = await _file(service)
        second = await _file(service, whatHappened="Something else entirely.")
        await _file(service, party="party-b")  # no endpoint there: nothing is kept
        await service.ok(ADD, first)
        assert await deliverer.run_once() == 3
        assert await deliverer.run_once() == 0  # nothing twice
        kept = receiver.accepted(secret)  # every signature verified
        assert len(receiver.requests) == len(kept) == 3
        types = sorted((p["type"], p["data"]["code"]) for p in kept.values())
        assert types == sorted([("report.received", first["code"]),
                                ("report.received", second["code"]),
                                ("report.information_added", first["code"])])  # fmt: skip
        for r in receiver.requests:  # ids and coded facts only
            for private in (SECRET_TEXT, "Councillor", "reporter@example.org", "did it again"):
                assert private.encode() not in r.body
        node = next(iter(kept.values()))["data"]
        assert node["provisions"] == ["JC2"] and node["node_id"]
        listed = (await service.ok(DELIVERIES, token=officer))["webhookDeliveries"]
        assert listed["totalCount"] == 3
        assert {e["node"]["state"] for e in listed["edges"]} == {"DELIVERED"}
        # a message's id is the header a receiver drops repeats by
        assert {e["node"]["messageId"] for e in listed["edges"]} == set(kept)
        await _pages_and_ids(service, officer, set(kept))
    finally:
        await receiver.stop()


async def _pages_and_ids(service: GraphQLClient, officer: str, messages: set[str]) -> None:
    """Deliveries page by the house's cursors, each once; a cursor or a delivery id the
    service did not write is the client's error, not a server's."""
    first = (await service.ok(PAGE, token=officer))["webhookDeliveries"]
    assert first["pageInfo"]["hasNextPage"]
    after = {"after": first["pageInfo"]["endCursor"]}
    rest = (await service.ok(PAGE, after, token=officer))["webhookDeliveries"]
    assert not rest["pageInfo"]["hasNextPage"]
    seen = [e["node"]["messageId"] for e in first["edges"] + rest["edges"]]
    assert sorted(seen) == sorted(messages)
    bad = await service(PAGE, {"after": "not-a-cursor"}, token=officer)
    assert bad["errors"][0]["extensions"]["errors"][0]["code"] == "INVALID_CURSOR"
    forged = [to_global_id("Case", uuid.uuid4()), to_global_id("WebhookDelivery", "1 OR 1=1"),
              to_global_id("WebhookDelivery", "9" * 30), "%%%"]  # fmt: skip
    for global_id in forged:
        refused = await service.ok(REDELIVER, {"id": global_id}, token=officer)
        assert refused["redeliverWebhook"]["errors"] == [{"code": "WEBHOOK_NOT_FOUND"}]


async def test_a_receiver_that_is_down_loses_nothing_and_dead_letters_come_back(
    gql: GraphQLClient, admin_token: str, hooked: tuple[GraphQLClient, Deliverer]
) -> None:
    service, deliverer = hooked
    await register_party(gql, admin_token, "party-a")
    admin = await party_admin_token(gql, admin_token, "party-a")
    receiver = await Receiver(status=503).start()
    try:
        made = await service.ok(CREATE, {"url": receiver.url}, token=admin)
        secret = made["createWebhookEndpoint"]["secret"]
        await _file(service)
        for _ in range(SETTINGS.max_attempts):  # each failure waits longer before the next
            await _wait_for_due(deliverer)
        assert await deliverer.run_once() == 0  # dead: no more tries
        dead = (await service.ok(DELIVERIES, {"states": ["DEAD"]}, token=admin))[
            "webhookDeliveries"
        ]
        [edge] = dead["edges"]
        assert edge["node"]["attempts"] == 3 and edge["node"]["lastStatus"] == 503
        assert receiver.accepted(secret) == {}

        receiver.status = 200  # back; a new report is delivered, the dead one on request
        await _file(service, whatHappened="A second thing.")
        await _wait_for_due(deliverer)
        assert len(receiver.accepted(secret)) == 1
        again = await service.ok(REDELIVER, {"id": edge["node"]["id"]}, token=admin)
        assert again["redeliverWebhook"]["delivery"]["state"] == "PENDING"
        await _wait_for_due(deliverer)
        kept = receiver.accepted(secret)
        assert len(kept) == 2 and edge["node"]["messageId"] in kept
        # a second outage with a recovery before the dead line: delivered once, late
        receiver.status = 500
        await _file(service, whatHappened="A third thing.")
        await _wait_for_due(deliverer)
        receiver.status = 200
        await _wait_for_due(deliverer)
        assert len(receiver.accepted(secret)) == 3
        assert await deliverer.run_once() == 0
    finally:
        await receiver.stop()


async def _wait_for_due(deliverer: Deliverer, *, rounds: int = 100) -> None:
    """One delivery round as soon as something is due (the backoff is milliseconds here)."""
    for _ in range(rounds):
        if await deliverer.run_once():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("nothing became due")


async def test_deadlines_are_told_once_each(
    gql: GraphQLClient, admin_token: str, hooked: tuple[GraphQLClient, Deliverer],
    owner_db: Database,
) -> None:  # fmt: skip
    service, deliverer = hooked
    await register_party(gql, admin_token, "party-a")
    admin = await party_admin_token(gql, admin_token, "party-a")
    receiver = await Receiver().start()
    try:
        made = await service.ok(
            CREATE,
            {"url": receiver.url, "types": ["report.deadline_approaching", "report.overdue"]},
            token=admin,
        )
        secret = made["createWebhookEndpoint"]["secret"]
        await _file(service)
        assert await deliverer.scan_deadlines(triage_days=14) == 0  # fresh: nothing due
        async with owner_db.transaction() as session:
            await session.execute(text("UPDATE reports SET received_on = received_on - 13"))
        await deliverer.scan_deadlines(triage_days=14)
        await deliverer.scan_deadlines(triage_days=14)  # told once
        async with owner_db.transaction() as session:
            await session.execute(text("UPDATE reports SET received_on = received_on - 10"))
        await deliverer.scan_deadlines(triage_days=14)
        await deliverer.scan_deadlines(triage_days=14)
        while await deliverer.run_once():
            pass
        kept = receiver.accepted(secret)
        assert sorted(p["type"] for p in kept.values()) == [
            "report.deadline_approaching",
            "report.overdue",
        ]  # fmt: skip (the report.received event was not subscribed to)
        assert all(p["data"]["step"] == "triage" for p in kept.values())
    finally:
        await receiver.stop()


async def test_the_application_role_reaches_no_other_partys_webhooks_in_sql(
    gql: GraphQLClient, admin_token: str, hooked: tuple[GraphQLClient, Deliverer], db: Database
) -> None:
    service, _ = hooked
    for slug in ("party-a", "party-b"):
        await register_party(gql, admin_token, slug)
    admin = await party_admin_token(gql, admin_token, "party-a")
    officer_b = await issue_token(gql, admin_token, "OFFICER", "party-b")
    officer_a = await issue_token(gql, admin_token, "OFFICER", "party-a")
    await service.ok(CREATE, {"url": "http://127.0.0.1:9/hook"}, token=admin)
    await _file(service)
    async with db.transaction(credential=officer_b) as session:
        for table in ("webhook_endpoints", "webhook_events", "webhook_deliveries"):
            count = await session.scalar(text(f"SELECT count(*) FROM {table}"))
            assert count == 0, table
    attacks = (
        (officer_a, "SELECT wrapped_secret FROM webhook_endpoints", "permission denied"),
        (officer_a, "INSERT INTO webhook_events (party_id, event_type, payload) "
                    "SELECT id, 'report.received', '{}' FROM parties", "permission denied"),
        (officer_a, "SELECT webhook_enqueue(id, 'report.received', '{}', NULL) FROM parties",
         "permission denied"),
        (officer_a, "UPDATE webhook_deliveries SET delivered_at = now()", "permission denied"),
        (officer_a, "INSERT INTO webhook_endpoints (party_id, url, wrapped_secret) "
                    "SELECT id, 'https://evil.example/', 'x' FROM parties WHERE slug = 'party-a'",
         "row-level security"),  # an officer is not an administrator
        (officer_b, "SELECT webhook_redeliver(id) FROM generate_series(1, 3) id", None),
    )  # fmt: skip
    for credential, statement, refused in attacks:
        if refused is None:  # another party's delivery: nothing happens
            async with db.transaction(credential=credential) as session:
                done = (await session.execute(text(statement))).scalars().all()
            assert not any(done)
            continue
        with pytest.raises(DBAPIError, match=refused):
            async with db.transaction(credential=credential) as session:
                await session.execute(text(statement))
