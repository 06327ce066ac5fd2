"""Issue 24: one schedule for the deployment. Each periodic job runs once per period
however many schedulers run; a failed job is told apart from one that found nothing to
do; `jointcode scheduler --once` is the cron-friendly form."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from api import scheduler
from cli import app as cli
from db.session import Database
from publication.checkpoints import Signer
from tests.conftest import GraphQLClient
from tests.helpers import decide, issue_token, register_party, submit

runner = CliRunner()


def _context(db: Database, owner_db: Database | None = None) -> scheduler.Context:
    return scheduler.Context(db=db, owner=owner_db, signer=Signer.ephemeral())


async def test_two_schedulers_run_each_job_once(db: Database, tmp_path: Path) -> None:
    runs: list[str] = []

    async def slow(ctx: scheduler.Context) -> dict[str, int]:
        runs.append("slow")
        await asyncio.sleep(0.2)  # the other scheduler looks meanwhile
        return {"items": 1}

    job = scheduler.Job("test_slow", timedelta(hours=1), slow)
    first, second = await asyncio.gather(
        scheduler.run_due(_context(db), tmp_path, (job,)),
        scheduler.run_due(_context(db), tmp_path, (job,)),
    )
    assert sorted([first, second]) == [[], ["test_slow"]] and runs == ["slow"]
    assert await scheduler.run_due(_context(db), tmp_path, (job,)) == []  # not due again
    metrics = (tmp_path / "test_slow.prom").read_text()
    assert 'jointcode_job_last_success{job="test_slow"} 1' in metrics
    assert 'jointcode_job_last_items{job="test_slow",kind="items"} 1' in metrics


async def test_a_failed_job_is_not_a_success_and_comes_back_soon(
    db: Database, owner_db: Database, tmp_path: Path
) -> None:
    async def broken(ctx: scheduler.Context) -> dict[str, int]:
        raise RuntimeError("the database went away")

    job = scheduler.Job("test_broken", timedelta(days=1), broken)
    assert await scheduler.run_due(_context(db), tmp_path, (job,)) == ["test_broken"]
    assert (
        'jointcode_job_last_success{job="test_broken"} 0'
        in (tmp_path / "test_broken.prom").read_text()
    )
    async with owner_db.transaction() as session:
        row = (await session.execute(text(
            "SELECT last_ok, next_run_at - now() AS wait, running_until FROM scheduled_jobs "
            "WHERE job = 'test_broken'"))).one()  # fmt: skip
    assert row.last_ok is False and row.running_until is None
    assert row.wait <= scheduler.RETRY  # tried again within minutes, not tomorrow


async def test_the_deployments_jobs_run_once_a_period(
    db: Database, owner_db: Database, gql: GraphQLClient, admin_token: str, tmp_path: Path
) -> None:
    await register_party(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    await decide(gql, officer, await submit(gql, officer, "S-1"))  # its appeal window passed
    # without the owner's connection (a production `serve`), the operator's jobs wait
    alone = await scheduler.run_due(_context(db), tmp_path)
    assert "finalise" not in alone and "retention" not in alone
    async with owner_db.transaction() as session:
        await session.execute(text("DELETE FROM scheduled_jobs"))
    ran = await scheduler.run_due(_context(db, owner_db), tmp_path)
    assert ran == ["finalise", "editions", "deadlines", "checkpoint", "retention"]
    assert await scheduler.run_due(_context(db, owner_db), tmp_path) == []
    for job in ran:
        assert (
            f'jointcode_job_last_success{{job="{job}"}} 1' in (tmp_path / f"{job}.prom").read_text()
        )
    async with owner_db.transaction() as session:
        assert await session.scalar(text("SELECT count(*) FROM checkpoints")) == 1
        assert await session.scalar(text("SELECT state FROM cases")) == "final"
    assert 'kind="cases_finalised"} 1' in (tmp_path / "finalise.prom").read_text()


async def test_the_scheduler_command_runs_what_is_due(
    owner_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", owner_url)
    monkeypatch.setenv("JOINTCODE_KEY_DIR", str(tmp_path / "keys"))
    monkeypatch.setenv("JOINTCODE_METRICS_DIR", str(tmp_path / "metrics"))
    for name in ("JOINTCODE_DATA_KEY_FILE", "JOINTCODE_SIGNING_KEY_FILE", "APP_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    assert runner.invoke(cli, ["keys", "init"]).exit_code == 0
    first = await asyncio.to_thread(runner.invoke, cli, ["scheduler", "--once"])
    assert first.exit_code == 0, first.output
    assert "finalise" in first.output and "retention" in first.output
    again = await asyncio.to_thread(runner.invoke, cli, ["scheduler", "--once"])
    assert "nothing was due" in again.output
    assert (tmp_path / "metrics" / "retention.prom").exists()
