"""Tampering the hash chains cannot show by themselves, caught by signed checkpoints.

Issue 11's measured attacks, rerun: a public statistic raised by 1,000, a party's newest
audit entry deleted, its only release deleted. Each now fails verification.
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from cli import app as cli
from db.session import Database
from publication import checkpoints
from tests.conftest import GraphQLClient
from tests.helpers import (
    decide,
    issue_token,
    publish,
    publish_statistics,
    register_party,
    submit,
)

runner = CliRunner()


@pytest.fixture
def env(owner_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", owner_url)
    monkeypatch.delenv("APP_DATABASE_URL", raising=False)
    monkeypatch.setenv("JOINTCODE_SIGNING_KEY_FILE", str(tmp_path / "key.pem"))
    monkeypatch.setenv("JOINTCODE_DATA_KEY_FILE", str(tmp_path / "data-key"))
    made = runner.invoke(cli, ["keys", "init"])  # once per deployment, as an operator does
    assert made.exit_code == 0 and "signing key: made" in made.output, made.output


async def _published(gql: GraphQLClient, admin_token: str) -> str:
    await register_party(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    for n in range(12):
        await decide(gql, officer, await submit(gql, officer, f"C-{n}"))
    assert (await publish(gql, officer))["errors"] == []
    return officer


async def _document(client: httpx.AsyncClient, tmp_path: Path) -> Path:
    document = (await client.get("/open-data/checkpoints.json")).json()
    path = tmp_path / "checkpoints.json"
    path.write_text(json.dumps(document))
    return path


async def test_every_release_is_checkpointed_and_signed(
    client: httpx.AsyncClient, gql: GraphQLClient, admin_token: str
) -> None:
    await _published(gql, admin_token)
    document = (await client.get("/open-data/checkpoints.json")).json()
    assert document["algorithm"] == "Ed25519" and len(document["checkpoints"]) == 1
    [checkpoint] = document["checkpoints"]
    heads = {h["party"]: h for h in checkpoint["body"]["heads"]}
    assert heads["party-a"]["release"]["number"] == 1
    # hashes only: a head's position would tell how busy a party's officers were
    assert set(heads["party-a"]["audit"]) == {"hash"} and heads[None]["audit"]["hash"]
    assert checkpoints.signature_findings(document) == []
    assert checkpoints.signature_findings(document, signing_keys=["SHA256:someone else"]) != []
    key = checkpoint["public_key"]
    assert checkpoints.signature_findings(document, signing_keys=[key]) == []
    assert (
        checkpoints.signature_findings(document, signing_keys=[checkpoints.fingerprint(key)]) == []
    )
    checkpoint["body"]["heads"][1]["release"]["number"] = 2  # edit what was signed
    assert checkpoints.signature_findings(document)[0].problem.endswith("does not verify")


async def test_truncation_and_rewriting_are_caught(
    env: None,
    client: httpx.AsyncClient,
    gql: GraphQLClient,
    admin_token: str,
    owner_db: Database,
    tmp_path: Path,
) -> None:
    officer = await _published(gql, admin_token)
    await publish_statistics(owner_db)
    await gql.ok("{ cases(first: 1) { totalCount } }", token=officer)  # one more entry
    kept = await _document(client, tmp_path)
    checkpoint = await asyncio.to_thread(runner.invoke, cli, ["checkpoint"])
    assert checkpoint.exit_code == 0, checkpoint.output
    kept = await _document(client, tmp_path)  # a copy kept by the party or the press

    intact = await asyncio.to_thread(runner.invoke, cli, ["audit", "verify", "--trust-unpinned",
                                                           "--checkpoints",
                                                           str(kept)])  # fmt: skip
    assert intact.exit_code == 0, intact.output
    assert "every signed audit head is still in place" in intact.output
    fine = await asyncio.to_thread(runner.invoke, cli, ["release", "verify", "--trust-unpinned",
                                                         "--checkpoints",
                                                         str(kept)])  # fmt: skip
    assert fine.exit_code == 0, fine.output
    assert "every stored cell matches" in fine.output

    # the owner deletes party-a's newest audit entry: the chain alone still verifies
    async with owner_db.transaction() as session:
        await session.execute(
            text(
                "DELETE FROM audit_entries WHERE id = (SELECT e.id FROM audit_entries e "
                "JOIN parties p ON p.id = e.party_id WHERE p.slug = 'party-a' "
                "ORDER BY seq DESC LIMIT 1)"
            )
        )
    plain = await asyncio.to_thread(runner.invoke, cli, ["audit", "verify"])
    assert plain.exit_code == 0  # what the issue measured: intact without an anchor
    caught = await asyncio.to_thread(runner.invoke, cli, ["audit", "verify", "--trust-unpinned",
                                                           "--checkpoints",
                                                           str(kept)])  # fmt: skip
    assert caught.exit_code == 1 and "party-a: the entry" in caught.output, caught.output
    assert "is gone (cut or rewritten)" in caught.output

    # a public statistic raised by 1,000
    async with owner_db.transaction() as session:
        await session.execute(
            text(
                "UPDATE statistics_cells SET count = count + 1000 WHERE ctid = "
                "(SELECT ctid FROM statistics_cells WHERE table_id = 'party' LIMIT 1)"
            )
        )
    raised = await asyncio.to_thread(runner.invoke, cli, ["release", "verify"])
    assert raised.exit_code == 1 and "statistics party: 1 stored cell(s) differ" in raised.output

    # the party's only release deleted, with its records
    async with owner_db.transaction() as session:
        await session.execute(text("UPDATE statistics_cells SET count = count - 1000 "
                                   "WHERE count > 1000"))  # fmt: skip
        await session.execute(text("ALTER TABLE cases DISABLE TRIGGER cases_final_is_final"))
        await session.execute(text("UPDATE cases SET release_id = NULL"))
        await session.execute(text("ALTER TABLE cases ENABLE TRIGGER cases_final_is_final"))
        await session.execute(text("ALTER TABLE published_outcomes DISABLE TRIGGER "
                                   "published_outcomes_append_never"))  # fmt: skip
        await session.execute(text("DELETE FROM published_outcomes"))
        await session.execute(text("ALTER TABLE published_outcomes ENABLE TRIGGER "
                                   "published_outcomes_append_never"))  # fmt: skip
        await session.execute(text("DELETE FROM releases"))
    chain_only = await asyncio.to_thread(runner.invoke, cli, ["release", "verify"])
    assert "party-a: 0 release(s), chain intact" in chain_only.output
    gone = await asyncio.to_thread(runner.invoke, cli, ["release", "verify", "--trust-unpinned",
                                                         "--checkpoints",
                                                         str(kept)])  # fmt: skip
    assert gone.exit_code == 1 and "party-a: release 1 signed at" in gone.output


async def test_every_audited_mutation_returns_the_chains_new_head(
    gql: GraphQLClient, admin_token: str, owner_db: Database
) -> None:
    await register_party(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    response = await gql.raw(
        "mutation($i: SubmitCaseInput!) { submitCase(input: $i) { created } }",
        {"i": {"reference": "H-1", "receivedOn": "2026-03-02", "provisions": ["JC6"],
               "channel": "email", "respondentRole": "member"}},
        token=officer,
    )  # fmt: skip
    head = response.json()["extensions"]["auditHead"]
    async with owner_db.transaction() as session:
        stored = (
            await session.execute(
                text("SELECT e.seq, e.hash FROM audit_entries e JOIN parties p "
                     "ON p.id = e.party_id WHERE p.slug = 'party-a' ORDER BY seq DESC LIMIT 1")
            )
        ).one()  # fmt: skip
    assert head == {"seq": stored.seq, "hash": stored.hash}
    refused = await gql.raw(
        'mutation { submitCase(input: {reference: "", receivedOn: "2026-03-02", '
        'provisions: ["JC6"], channel: "email", respondentRole: "member"}) { created } }',
        token=officer,
    )
    assert "auditHead" not in (refused.json().get("extensions") or {})  # nothing appended
    reading = await gql.raw("{ publishedOutcomes { totalCount } }")
    assert "extensions" not in reading.json()


async def test_the_daily_checkpoint_signs_once_a_day(db: Database) -> None:
    signer = checkpoints.Signer.ephemeral()
    day = timedelta(days=1)
    async with db.transaction() as session:
        first = await checkpoints.record_if_older(session=session, signer=signer, age=day)
    async with db.transaction() as session:
        again = await checkpoints.record_if_older(session=session, signer=signer, age=day)
        document = await checkpoints.published(session=session)
    assert first is not None and again is None and len(document["checkpoints"]) == 1
    assert document["public_keys"] == [signer.public_key]
