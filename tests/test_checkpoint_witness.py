"""Checkpoints you can rely on (issue 21): public at once, linked, pinned, witnessed.

As the database owner, the issue truncated a chain, replaced the checkpoints with ones
signed by a key of its own, and `audit verify --checkpoints <live URL>` still passed;
a daily checkpoint stayed off the public URL until the next release. Each attack here
runs against the live URL of a real server, and the operator's worst case too: a
rewritten history re-signed with the operator's own, pinned key.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from api.app import create_app
from cli import app as cli
from db.session import Database
from publication import checkpoints
from publication.checkpoints import Signer, WitnessRefusal
from tests.conftest import GraphQLClient
from tests.helpers import issue_token
from tests.test_checkpoints import _published

runner = CliRunner()
COSIGN = """mutation($input: CosignCheckpointsInput!) {
  cosignCheckpoints(input: $input) { added errors { code field } } }"""


@pytest.fixture
def operator_key(tmp_path: Path) -> Signer:
    return Signer.load_or_create(tmp_path / "operator.pem")


@pytest.fixture
async def live(db: Database, operator_key: Signer) -> AsyncIterator[str]:
    """The service on a real port, signing with the operator's key file, as deployed."""
    app = create_app(db, signer=operator_key, public_cache_refresh_ms=0, background=False,
                     anonymous_rate=None, failed_auth_rate=None, report_rate=None)  # fmt: skip
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))  # fmt: skip
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 (uvicorn offers no started event)
        await asyncio.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


@pytest.fixture
async def gql(live: str) -> AsyncIterator[GraphQLClient]:
    """GraphQL over HTTP to the live server: every checkpoint is signed by its key."""
    async with httpx.AsyncClient(base_url=live) as http:
        yield GraphQLClient(http)


@pytest.fixture
def env(
    owner_url: str, tmp_path: Path, operator_key: Signer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", owner_url)
    monkeypatch.delenv("APP_DATABASE_URL", raising=False)
    monkeypatch.setenv("JOINTCODE_SIGNING_KEY_FILE", str(tmp_path / "operator.pem"))
    monkeypatch.setenv("JOINTCODE_DATA_KEY_FILE", str(tmp_path / "data-key"))
    assert runner.invoke(cli, ["keys", "init"]).exit_code == 0
    for pins in ("JOINTCODE_CHECKPOINT_KEYS", "JOINTCODE_WITNESS_KEYS"):
        monkeypatch.delenv(pins, raising=False)


async def _cli(*args: str) -> tuple[int, str]:
    result = await asyncio.to_thread(runner.invoke, cli, list(args))
    return result.exit_code, result.output


async def _document(url: str) -> dict:
    async with httpx.AsyncClient() as http:
        return (await http.get(f"{url}/open-data/checkpoints.json")).json()


async def _until_public(url: str, signed: dict) -> None:
    """Wait (the public cache's refresh, 0 ms here) until the live URL shows ``signed``
    as its newest checkpoint."""
    for _ in range(100):
        newest = (await _document(url))["checkpoints"][-1]
        if newest["signature"] == signed["signature"]:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the checkpoint never became public")


async def _witness(
    url: str, gql: GraphQLClient, committee: str, witness: Signer, state: dict | None,
    operator: Signer,
) -> dict:  # fmt: skip
    """One witness round, as `jointcode witness cosign` runs it."""
    round_ = checkpoints.witness_round(
        await _document(url), state=state, witness=witness, signing_keys=[operator.fingerprint]
    )
    if round_.cosignatures:
        given = [{"seq": n, "signature": s} for n, s in round_.cosignatures]
        body = await gql.ok(
            COSIGN,
            {"input": {"publicKey": witness.public_key, "cosignatures": given}},
            token=committee,
        )
        assert body["cosignCheckpoints"]["errors"] == [], body
    return round_.state


async def test_a_checkpoint_is_public_as_soon_as_it_is_made(
    env: None, live: str, gql: GraphQLClient, admin_token: str
) -> None:
    await _published(gql, admin_token)
    before = await _document(live)  # the public cache now holds this answer
    code, output = await _cli("checkpoint")
    assert code == 0 and '"seq": 2' in output, output
    for _ in range(100):  # the public cache reads the epoch every refresh (0 ms here)
        after = await _document(live)
        if len(after["checkpoints"]) > len(before["checkpoints"]):
            break
        await asyncio.sleep(0.02)
    assert len(after["checkpoints"]) == len(before["checkpoints"]) + 1
    assert [c["seq"] for c in after["checkpoints"]] == list(range(1, len(after["checkpoints"]) + 1))
    first, second = (c["body"] for c in after["checkpoints"][-2:])
    assert second["previous"] == checkpoints.digest(first)


async def test_the_database_refuses_a_checkpoint_that_does_not_extend_the_newest(
    gql: GraphQLClient, admin_token: str, db: Database, owner_db: Database
) -> None:
    await _published(gql, admin_token)
    async with owner_db.transaction() as session:
        newest = (await session.execute(text("SELECT seq, signed FROM checkpoints"))).one()
    for seq, previous in ((newest.seq, "x"), (newest.seq + 1, "0" * 64), (newest.seq + 2, None)):
        body = json.dumps({"seq": seq, "previous": previous, "at": "2026-01-01T00:00:00+00:00"})
        with pytest.raises(DBAPIError, match="extends the newest"):
            async with db.transaction() as session:
                await session.execute(
                    text("INSERT INTO checkpoints (seq, at, body, signed, signature, public_key) "
                         "VALUES (:s, now(), CAST(:b AS jsonb), :b, 'x', 'y')"),
                    {"s": seq, "b": body},
                )  # fmt: skip
    for statement in ("UPDATE checkpoints SET signature = 'x'", "DELETE FROM checkpoints"):
        with pytest.raises(DBAPIError, match="permission denied"):
            async with db.transaction() as session:
                await session.execute(text(statement))


async def test_verifiers_pin_the_operators_key(
    env: None, live: str, gql: GraphQLClient, admin_token: str, owner_db: Database,
    operator_key: Signer,
) -> None:  # fmt: skip
    await _published(gql, admin_token)
    url = f"{live}/open-data/checkpoints.json"
    code, output = await _cli("audit", "verify", "--checkpoints", url)
    assert code == 1 and "refusing to trust whatever key" in output
    pinned = ("--public-key", operator_key.fingerprint)
    code, output = await _cli("audit", "verify", "--checkpoints", url, *pinned)
    assert code == 0, output
    code, output = await _cli("checkpoint", "verify", url, *pinned)
    assert code == 0 and "signed by the pinned key, unbroken, recent" in output, output
    # each party's code adoption records the key, for the party's own pin
    adoption = await gql.ok("{ parties { slug adoptions { checkpointKey } } }")
    assert adoption["parties"] == [
        {"slug": "party-a", "adoptions": [{"checkpointKey": operator_key.fingerprint}]}
    ]
    # the owner cuts the chain, drops the checkpoints and signs new ones with its own key
    async with owner_db.transaction() as session:
        await session.execute(text("DELETE FROM audit_entries WHERE id = (SELECT max(id) FROM "
                                   "audit_entries WHERE party_id IS NOT NULL)"))  # fmt: skip
        await session.execute(text("DELETE FROM checkpoints"))
        forged = await checkpoints.record(session=session, signer=Signer.ephemeral())
    await _until_public(live, forged)
    code, output = await _cli("audit", "verify", "--checkpoints", url, *pinned)
    assert code == 1 and "signed by a key that is not pinned" in output, output
    # without the database and without a kept copy: the replaced key shows
    code, output = await _cli("checkpoint", "verify", url, *pinned)
    assert code == 1 and "signed by a key that is not pinned" in output, output
    # what the issue measured: with whatever key the document names, nothing shows
    code, output = await _cli("audit", "verify", "--checkpoints", url, "--trust-unpinned")
    assert code == 0, output


async def test_a_rewrite_signed_with_the_operators_own_key_fails_the_witness(
    env: None, live: str, gql: GraphQLClient, admin_token: str, owner_db: Database,
    operator_key: Signer, tmp_path: Path,
) -> None:  # fmt: skip
    """The operator holds its key, so pinning it cannot stop a rewrite by the operator.
    The Committee's witness key can: it cosigns only what extends what it saw."""
    officer = await _published(gql, admin_token)
    committee = await issue_token(gql, admin_token, "COMMITTEE")
    witness = Signer.load_or_create(tmp_path / "witness.pem")
    state = await _witness(live, gql, committee, witness, None, operator_key)
    await gql.ok("{ cases(first: 1) { totalCount } }", token=officer)
    assert (await _cli("checkpoint"))[0] == 0
    state = await _witness(live, gql, committee, witness, state, operator_key)
    url = f"{live}/open-data/checkpoints.json"
    pins = ("--public-key", operator_key.fingerprint, "--witness-key", witness.fingerprint)
    code, output = await _cli("audit", "verify", "--checkpoints", url, *pins)
    assert code == 0, output
    assert (await _cli("release", "verify", "--checkpoints", url, *pins))[0] == 0

    # the owner truncates party-a's chain and rebuilds every checkpoint over the cut chain,
    # signed with the operator's real key (it holds it), links and all
    async with owner_db.transaction() as session:
        await session.execute(text(
            "DELETE FROM audit_entries WHERE id IN (SELECT e.id FROM audit_entries e JOIN "
            "parties p ON p.id = e.party_id WHERE p.slug = 'party-a' ORDER BY seq DESC LIMIT 3)"
        ))  # fmt: skip
        await session.execute(text("DELETE FROM checkpoint_cosignatures"))
        await session.execute(text("DELETE FROM checkpoints"))
        rewritten = await checkpoints.record(session=session, signer=operator_key)
    await _until_public(live, rewritten)
    code, output = await _cli("audit", "verify", "--checkpoints", url, *pins)
    assert code == 1 and "no checkpoint is cosigned by the pinned witness" in output, output
    # and the witness refuses to bless the new history: it raises the alarm instead
    with pytest.raises(WitnessRefusal, match="rewritten"):
        await _witness(live, gql, committee, witness, state, operator_key)

    # keeping the old cosignatures and re-signing bodies under them does not help either
    async with owner_db.transaction() as session:
        await session.execute(
            text("INSERT INTO checkpoint_cosignatures (checkpoint_seq, public_key, signature) "
                 "VALUES (1, :k, :s)"),
            {"k": witness.public_key, "s": witness.sign(b"something else")},
        )  # fmt: skip
    for _ in range(100):
        if (await _document(live))["checkpoints"][0]["cosignatures"]:
            break
        await asyncio.sleep(0.02)
    code, output = await _cli("audit", "verify", "--checkpoints", url, *pins)
    assert code == 1 and "witness cosignature does not verify" in output, output


async def test_only_the_committee_cosigns_and_only_what_verifies(
    gql: GraphQLClient, admin_token: str, db: Database, tmp_path: Path
) -> None:
    officer = await _published(gql, admin_token)
    committee = await issue_token(gql, admin_token, "COMMITTEE")
    witness = Signer.load_or_create(tmp_path / "witness.pem")
    document = (await gql.http.get("/open-data/checkpoints.json")).json()
    assert len(document["checkpoints"]) == 1
    body = document["checkpoints"][0]["body"]
    good = witness.sign(checkpoints.witness_message(body))
    given = {"publicKey": witness.public_key, "cosignatures": [{"seq": 1, "signature": good}]}
    for token in (officer, admin_token):
        assert (await gql(COSIGN, {"input": given}, token=token))["errors"][0]["extensions"][
            "code"] == "FORBIDDEN"  # fmt: skip
    wrong = {**given, "cosignatures": [{"seq": 1, "signature": witness.sign(b"x")},
                                       {"seq": 99, "signature": good}]}  # fmt: skip
    errors = (await gql.ok(COSIGN, {"input": wrong}, token=committee))["cosignCheckpoints"]
    assert [e["code"] for e in errors["errors"]] == ["INVALID_COSIGNATURE", "CHECKPOINT_NOT_FOUND"]
    assert (await gql.ok(COSIGN, {"input": given}, token=committee))["cosignCheckpoints"] == {
        "added": 1, "errors": []}  # fmt: skip
    assert (await gql.ok(COSIGN, {"input": given}, token=committee))["cosignCheckpoints"][
        "added"] == 0  # fmt: skip
    # raw SQL as the app role: only a Committee binding may add one, nobody may change one
    with pytest.raises(DBAPIError, match="row-level security"):
        async with db.transaction(credential=officer) as session:
            await session.execute(text("INSERT INTO checkpoint_cosignatures (checkpoint_seq, "
                                       "public_key, signature) VALUES (1, 'k', 's')"))  # fmt: skip
    with pytest.raises(DBAPIError, match="permission denied"):
        async with db.transaction(credential=committee) as session:
            await session.execute(text("UPDATE checkpoint_cosignatures SET signature = 'x'"))
    published = (await gql.http.get("/open-data/checkpoints.json")).json()
    assert published["witness_fingerprints"] == {witness.public_key: witness.fingerprint}
    assert published["checkpoints"][0]["cosignatures"] == [
        {"public_key": witness.public_key, "signature": good}]  # fmt: skip


async def test_the_witness_command_cosigns_the_live_checkpoints_and_alarms_on_a_rewrite(
    env: None, live: str, gql: GraphQLClient, admin_token: str, owner_db: Database,
    operator_key: Signer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    await _published(gql, admin_token)
    monkeypatch.setenv("JOINTCODE_WITNESS_TOKEN", await issue_token(gql, admin_token, "COMMITTEE"))
    key, state = tmp_path / "witness.pem", tmp_path / "witness-state.json"
    code, output = await _cli("witness", "init", "--key", str(key))
    assert code == 0 and output.startswith("SHA256:"), output
    cosign = ("witness", "cosign", "--url", live, "--key", str(key), "--state", str(state),
              "--signing-key", operator_key.fingerprint)  # fmt: skip
    code, output = await _cli(*cosign)
    assert code == 0 and "cosigned 1 checkpoint(s)" in output, output
    assert json.loads(state.read_text())["seq"] == 1
    code, output = await _cli(*cosign)  # nothing new: nothing to cosign, still content
    assert code == 0 and "cosigned 0 checkpoint(s)" in output, output
    witness_pin = Signer.load_or_create(key).fingerprint
    url = f"{live}/open-data/checkpoints.json"
    pins = ("--public-key", operator_key.fingerprint, "--witness-key", witness_pin)
    for _ in range(100):
        if (await _document(live))["checkpoints"][0]["cosignatures"]:
            break
        await asyncio.sleep(0.02)
    assert (await _cli("audit", "verify", "--checkpoints", url, *pins))[0] == 0
    async with owner_db.transaction() as session:
        await session.execute(text("DELETE FROM checkpoint_cosignatures"))
        await session.execute(text("DELETE FROM checkpoints"))
        rewritten = await checkpoints.record(session=session, signer=operator_key)
    await _until_public(live, rewritten)
    code, output = await _cli(*cosign)
    assert code == 2 and "ALARM" in output and "rewritten" in output, output
    assert json.loads(state.read_text())["seq"] == 1  # it remembers what it saw
