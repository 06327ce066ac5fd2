"""Issue 24: the operator's keys are made once on purpose, never by surprise, and rotate
by command: reports stay readable under a new data key, old checkpoints still verify
after a new signing key."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from api import keys
from api.app import create_app
from cases import reports as report_service
from cli import app as cli
from db import envelope
from db.envelope import KeyEncryptionKey
from db.session import Database
from publication import checkpoints
from publication.checkpoints import Signer
from tests.conftest import GraphQLClient
from tests.helpers import issue_token, party_admin_token, register_party
from tests.test_reports import SECRET_TEXT, SUBMIT, report

runner = CliRunner()
QUEUE = "{ reports(first: 5) { edges { node { contents { whatHappened } } } } }"
HOOK = """mutation { createWebhookEndpoint(input: {url: "https://hooks.example/jc"}) {
  secret errors { code } } }"""


@pytest.fixture
def key_env(owner_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DATABASE_URL", owner_url)
    monkeypatch.delenv("APP_DATABASE_URL", raising=False)
    monkeypatch.setenv("JOINTCODE_KEY_DIR", str(tmp_path / "keys"))
    monkeypatch.delenv("JOINTCODE_DATA_KEY_FILE", raising=False)
    monkeypatch.delenv("JOINTCODE_SIGNING_KEY_FILE", raising=False)
    return tmp_path / "keys"


def test_serve_refuses_to_start_without_its_keys(owner_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": owner_url, "JOINTCODE_KEY_DIR": str(tmp_path / "k"),
           "JOINTCODE_DATA_DIR": str(tmp_path / "data"), "JOINTCODE_PORT": "1"}  # fmt: skip
    env.pop("JOINTCODE_DATA_KEY_FILE", None)
    env.pop("JOINTCODE_SIGNING_KEY_FILE", None)
    jointcode = str(Path(sys.executable).parent / "jointcode")
    refused = subprocess.run([jointcode, "serve"], env=env, capture_output=True, text=True,
                             timeout=120)  # fmt: skip
    assert refused.returncode == 1
    assert "jointcode keys init" in refused.stderr and "not found" in refused.stderr
    assert not (tmp_path / "k").exists()  # nothing made by surprise


async def test_init_makes_each_key_once(key_env: Path) -> None:
    made = await asyncio.to_thread(runner.invoke, cli, ["keys", "init"])
    assert made.exit_code == 0 and made.output.count(": made ") == 2, made.output
    data = (key_env / "data-encryption-key").read_bytes()
    assert oct((key_env / "data-encryption-key").stat().st_mode)[-3:] == "600"
    again = await asyncio.to_thread(runner.invoke, cli, ["keys", "init"])
    assert again.output.count(": kept ") == 2
    assert (key_env / "data-encryption-key").read_bytes() == data  # never replaced


async def test_rotating_the_data_key_keeps_every_report_readable(
    key_env: Path, db: Database, gql: GraphQLClient, admin_token: str, owner_db: Database
) -> None:
    assert (await asyncio.to_thread(runner.invoke, cli, ["keys", "init"])).exit_code == 0
    path = key_env / "data-encryption-key"
    old = KeyEncryptionKey.load(path)
    await register_party(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    admin = await party_admin_token(gql, admin_token, "party-a")

    def service(kek: KeyEncryptionKey) -> GraphQLClient:
        app = create_app(db, public_cache_refresh_ms=0, anonymous_rate=None,
                         failed_auth_rate=None, report_rate=None, kek=kek)  # fmt: skip
        return GraphQLClient(httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                               base_url="http://test"))  # fmt: skip

    before = service(old)
    await before.ok(SUBMIT, {"input": report()})
    secret = (await before.ok(HOOK, token=admin))["createWebhookEndpoint"]["secret"]
    async with owner_db.transaction() as session:  # an address kept for status emails
        await session.execute(
            text("UPDATE reports SET notify_sealed = :s"),
            {"s": report_service.seal_email(old, "reporter@example.org")},
        )
    # a run stopped before its commit leaves a stray next key: it is discarded
    KeyEncryptionKey.create(path.with_name(path.name + ".next"))
    rotated = await asyncio.to_thread(runner.invoke, cli, ["keys", "rotate-data"])
    assert rotated.exit_code == 0, rotated.output
    assert "re-wrapped 1 party keys, 1 webhook secrets, 1 email addresses" in rotated.output
    new = KeyEncryptionKey.load(path)
    assert new.fingerprint != old.fingerprint
    assert len([p for p in os.listdir(key_env) if ".retired-" in p]) == 1
    after = (await service(new).ok(QUEUE, token=officer))["reports"]["edges"]
    assert after[0]["node"]["contents"]["whatHappened"] == SECRET_TEXT
    stale = (await service(old).ok(QUEUE, token=officer))["reports"]["edges"]
    assert stale[0]["node"]["contents"] is None  # the old key opens nothing any more
    async with owner_db.transaction() as session:
        row = (await session.execute(text(
            "SELECT party_id, wrapped_secret FROM webhook_endpoints"))).one()  # fmt: skip
    assert (
        "whsec_"
        + __import__("base64")
        .b64encode(new.unwrap(bytes(row.wrapped_secret), party_id=row.party_id))
        .decode()
        == secret
    )
    async with owner_db.transaction() as session:
        sealed = await session.scalar(text("SELECT notify_sealed FROM reports"))
    assert report_service.open_email(new, bytes(sealed)) == "reporter@example.org"


async def test_an_interrupted_rotation_is_finished_not_repeated(
    key_env: Path, db: Database, gql: GraphQLClient, admin_token: str, owner_db: Database
) -> None:
    assert (await asyncio.to_thread(runner.invoke, cli, ["keys", "init"])).exit_code == 0
    path = key_env / "data-encryption-key"
    old = KeyEncryptionKey.load(path)
    await register_party(gql, admin_token, "party-a")
    app = create_app(db, public_cache_refresh_ms=0, anonymous_rate=None, failed_auth_rate=None,
                     report_rate=None, kek=old)  # fmt: skip
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://test") as http:  # fmt: skip
        await GraphQLClient(http).ok(SUBMIT, {"input": report()})
    pending = KeyEncryptionKey.create(path.with_name(path.name + ".next"))
    await keys._rewrap(owner_db, old, pending)  # committed, then the process died
    finished = await asyncio.to_thread(runner.invoke, cli, ["keys", "rotate-data"])
    assert "finished an interrupted rotation" in finished.output, finished.output
    assert KeyEncryptionKey.load(path).fingerprint == pending.fingerprint


async def test_a_new_signing_key_leaves_old_checkpoints_verifiable(
    key_env: Path, client: httpx.AsyncClient, gql: GraphQLClient, admin_token: str
) -> None:
    assert (await asyncio.to_thread(runner.invoke, cli, ["keys", "init"])).exit_code == 0
    await register_party(gql, admin_token, "party-a")
    old = Signer.load(key_env / "checkpoint-signing-key.pem")
    assert (await asyncio.to_thread(runner.invoke, cli, ["checkpoint"])).exit_code == 0
    rotated = await asyncio.to_thread(runner.invoke, cli, ["keys", "rotate-signing"])
    assert rotated.exit_code == 0 and "pin both" in rotated.output, rotated.output
    new = Signer.load(key_env / "checkpoint-signing-key.pem")
    assert new.fingerprint != old.fingerprint
    await register_party(gql, admin_token, "party-b")  # something new to sign
    assert (await asyncio.to_thread(runner.invoke, cli, ["checkpoint"])).exit_code == 0
    document = (await client.get("/open-data/checkpoints.json")).json()
    signers = [c["public_key"] for c in document["checkpoints"]]
    assert signers[0] == old.public_key and signers[-1] == new.public_key
    both = [old.fingerprint, new.fingerprint]
    assert checkpoints.signature_findings(document, signing_keys=both) == []
    assert checkpoints.signature_findings(document, signing_keys=[new.fingerprint]) != []


async def test_reseal_moves_old_values_to_hpke_and_announces_nothing(
    key_env: Path, db: Database, gql: GraphQLClient, admin_token: str, owner_db: Database
) -> None:
    """Issue 25: reports sealed in the format before HPKE open as before; `keys reseal`
    seals them again with HPKE, no webhook event and no updatedAt change, once."""
    from tests.unit.test_envelope import _sealed_before_hpke

    assert (await asyncio.to_thread(runner.invoke, cli, ["keys", "init"])).exit_code == 0
    kek = KeyEncryptionKey.load(key_env / "data-encryption-key")
    await register_party(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    app = create_app(db, public_cache_refresh_ms=0, anonymous_rate=None,
                     failed_auth_rate=None, report_rate=None, kek=kek)  # fmt: skip
    service = GraphQLClient(httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                              base_url="http://test"))  # fmt: skip
    await service.ok(SUBMIT, {"input": report()})
    async with owner_db.transaction() as session:  # the same text, as the old format sealed it
        row = (await session.execute(text(
            "SELECT r.id, r.party_id, r.sealed, k.public_key, k.wrapped_private_key "
            "FROM reports r JOIN party_seal_keys k USING (party_id)"))).one()  # fmt: skip
        plain = envelope.open_sealed(bytes(row.sealed), wrapped_private_key=bytes(
            row.wrapped_private_key), kek=kek, party_id=row.party_id, purpose="report")  # fmt: skip
        old = _sealed_before_hpke(plain, bytes(row.public_key), row.party_id, "report")
        await session.execute(text("UPDATE reports SET sealed = :s"), {"s": old})
    after = (await service.ok(QUEUE, token=officer))["reports"]["edges"]
    assert after[0]["node"]["contents"]["whatHappened"] == SECRET_TEXT  # the old format opens

    async def state() -> tuple[int, object, bytes]:
        async with owner_db.transaction() as session:
            events = await session.scalar(text("SELECT count(*) FROM webhook_events"))
            updated, sealed = (await session.execute(
                text("SELECT updated_at, sealed FROM reports"))).one()  # fmt: skip
        return int(events or 0), updated, bytes(sealed)

    events, updated, _ = await state()
    resealed = await asyncio.to_thread(runner.invoke, cli, ["keys", "reseal"])
    assert resealed.exit_code == 0, resealed.output
    assert "sealed again with HPKE: 1 reports, 0 evidence files" in resealed.output
    events_after, updated_after, sealed = await state()
    assert sealed.startswith(envelope.HPKE) and sealed != old
    assert (events_after, updated_after) == (events, updated)  # no news to the party
    after = (await service.ok(QUEUE, token=officer))["reports"]["edges"]
    assert after[0]["node"]["contents"]["whatHappened"] == SECRET_TEXT
    again = await asyncio.to_thread(runner.invoke, cli, ["keys", "reseal"])
    assert "sealed again with HPKE: 0 reports, 0 evidence files" in again.output
    async with owner_db.transaction() as session:  # the triggers are on again
        enabled = await session.scalar(text(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'reports'::regclass "
            "AND tgname IN ('reports_webhooks', 'reports_touch') AND tgenabled = 'O'"))  # fmt: skip
    assert enabled == 2
