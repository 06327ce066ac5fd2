"""Issue 23: every webhook event reaches an idempotent receiver once, across the
receiver's outage and a service killed with SIGKILL between the commit that wrote the
events and their delivery. The real `jointcode serve`, a real receiver on this host."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from db.session import Database
from tests.conftest import GraphQLClient
from tests.helpers import party_admin_token, register_party
from tests.test_reports import SUBMIT, report
from tests.test_webhooks import CREATE
from tests.webhook_receiver import Receiver, free_port

pytestmark = pytest.mark.slow  # `make test` leaves it to CI (TIERS=all)

REPORTS = 5


def _serve(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "jointcode"), "serve"], env=env, stdout=out,
            stderr=out,
        )  # fmt: skip
    base = f"http://127.0.0.1:{env['JOINTCODE_PORT']}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.2)
    raise RuntimeError(f"jointcode serve did not start:\n{log.read_text()}")


async def test_a_killed_service_and_a_receiver_that_was_down_lose_and_double_nothing(
    gql: GraphQLClient, admin_token: str, owner_url: str, owner_db: Database,
    tmp_path: Path,
) -> None:  # fmt: skip
    await register_party(gql, admin_token, "party-a")
    admin = await party_admin_token(gql, admin_token, "party-a")
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": owner_url,
        "JOINTCODE_PORT": str(port),
        "JOINTCODE_DATA_DIR": str(tmp_path / "data"),
        "JOINTCODE_DATA_KEY_FILE": str(tmp_path / "data-key"),
        "JOINTCODE_SIGNING_KEY_FILE": str(tmp_path / "signing-key.pem"),
        "JOINTCODE_RATE_ANONYMOUS": "",
        "JOINTCODE_RATE_REPORTS": "",
        "JOINTCODE_LOG_LEVEL": "warning",
        "JOINTCODE_WEBHOOK_ALLOW_HTTP": "1",
        "JOINTCODE_WEBHOOK_ALLOW_PRIVATE": "1",
        "JOINTCODE_WEBHOOK_RETRY_MS": "200",
        "JOINTCODE_WEBHOOK_POLL_MS": "100",
        # a delivery leased when the kill lands is tried again once its lease runs out
        "JOINTCODE_WEBHOOK_LEASE_SECONDS": "5",
    }
    log = tmp_path / "serve.log"
    jointcode = str(Path(sys.executable).parent / "jointcode")
    made = await asyncio.create_subprocess_exec(jointcode, "keys", "init", env=env)
    assert await made.wait() == 0  # once per deployment: `serve` never makes keys itself
    receiver = Receiver()  # its port is chosen; nothing listens there yet: it is down
    service = _serve(env, log)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            remote = GraphQLClient(http)
            made = await remote.ok(CREATE, {"url": receiver.url}, token=admin)
            secret = made["createWebhookEndpoint"]["secret"]
            assert secret, made
            codes = set()
            for n in range(REPORTS):
                filed = await remote.ok(SUBMIT, {"input": report(whatHappened=f"Report {n}.")})
                codes.add(filed["submitReport"]["receipt"]["code"])
        await asyncio.sleep(1)  # the worker tries, and fails: the receiver is down
        service.send_signal(signal.SIGKILL)  # committed, not delivered: killed
        service.wait(timeout=10)
        async with owner_db.transaction() as session:
            waiting = await session.scalar(
                text("SELECT count(*) FROM webhook_deliveries WHERE delivered_at IS NULL")
            )
        assert waiting == REPORTS
        await receiver.start()
        service = _serve(env, log)  # the service comes back, and so does the receiver
        for _ in range(300):
            if len(receiver.accepted(secret)) == REPORTS:
                break
            await asyncio.sleep(0.1)
        kept = receiver.accepted(secret)  # every signature verified, each message once
        assert {p["data"]["code"] for p in kept.values()} == codes
        async with owner_db.transaction() as session:
            ids = set((await session.scalars(text("SELECT event_id FROM webhook_events"))).all())
            undelivered = await session.scalar(
                text("SELECT count(*) FROM webhook_deliveries WHERE delivered_at IS NULL")
            )
        assert set(kept) == ids and undelivered == 0
        await asyncio.sleep(1)  # and nothing more arrives afterwards
        assert len([r for r in receiver.requests if r.answered == 200]) == REPORTS
    finally:
        if service.poll() is None:
            service.terminate()
            service.wait(timeout=20)
        await receiver.stop()
