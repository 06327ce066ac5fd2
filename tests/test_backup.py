"""Issue 24: a backup restores into a new database whose chains still verify against the
checkpoints published before it, and whose reports the kept keys still open."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from api.app import create_app
from cli import app as cli
from db.envelope import KeyEncryptionKey
from db.session import Database, app_role_url, make_engine, run_autocommit
from tests.conftest import GraphQLClient
from tests.helpers import decide, issue_token, publish, register_party, submit
from tests.test_reports import SECRET_TEXT, SUBMIT, report

runner = CliRunner()
QUEUE = "{ reports(first: 5) { edges { node { contents { whatHappened } } } } }"


async def _cli(*args: str) -> str:
    result = await asyncio.to_thread(runner.invoke, cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


async def test_backup_destroy_restore_verify(
    gql: GraphQLClient, admin_token: str, owner_url: str, server_url: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    import os

    kek = KeyEncryptionKey.load(Path(os.environ["JOINTCODE_KEY_DIR"]) / "data-encryption-key")
    await register_party(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    for n in range(12):
        await decide(gql, officer, await submit(gql, officer, f"B-{n}"))
    assert (await publish(gql, officer))["errors"] == []
    db = Database(make_engine(app_role_url(owner_url)))
    app = create_app(db, public_cache_refresh_ms=0, anonymous_rate=None, failed_auth_rate=None,
                     report_rate=None, kek=kek)  # fmt: skip
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://test") as http:  # fmt: skip
        await GraphQLClient(http).ok(SUBMIT, {"input": report()})
    await db.dispose()
    monkeypatch.setenv("DATABASE_URL", owner_url)
    monkeypatch.delenv("APP_DATABASE_URL", raising=False)
    await _cli("checkpoint")
    published = tmp_path / "checkpoints.json"  # what the public kept before the disaster
    public = Database(make_engine(app_role_url(owner_url)))
    transport = httpx.ASGITransport(app=create_app(public))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        published.write_text(json.dumps((await http.get("/open-data/checkpoints.json")).json()))
    await public.dispose()

    archive = tmp_path / "jointcode.dump"
    assert "backed up" in await _cli("backup", str(archive))

    # the disaster: the database is gone; a new one is made and the archive restored
    name = f"jointcode_restored_{uuid.uuid4().hex[:8]}"
    await run_autocommit(server_url, f'CREATE DATABASE "{name}"')
    restored = make_url(owner_url).set(database=name).render_as_string(hide_password=False)
    try:
        monkeypatch.setenv("DATABASE_URL", restored)
        assert "restored" in await _cli("restore", str(archive))
        refused = await asyncio.to_thread(runner.invoke, cli, ["restore", str(archive)])
        assert refused.exit_code == 1 and "not empty" in refused.output  # never mixed in
        for verify in ("audit", "release"):
            out = await _cli(verify, "verify", "--trust-unpinned", "--checkpoints", str(published))
            assert "BROKEN" not in out and "gone" not in out, out
        # the reports still open with the kept data key, through the application role
        db = Database(make_engine(app_role_url(restored)))
        app = create_app(db, public_cache_refresh_ms=0, anonymous_rate=None,
                         failed_auth_rate=None, kek=kek)  # fmt: skip
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://test") as http:  # fmt: skip
            edges = (await GraphQLClient(http).ok(QUEUE, token=officer))["reports"]["edges"]
        await db.dispose()
        assert edges[0]["node"]["contents"]["whatHappened"] == SECRET_TEXT
    finally:
        await run_autocommit(server_url, f'DROP DATABASE "{name}" WITH (FORCE)')
