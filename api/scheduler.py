"""The deployment's one schedule: periodic jobs, each run once per period, wherever run.

`jointcode scheduler` runs it as a process of its own (the compose file's ``scheduler``
service), and `serve` runs it too unless ``JOINTCODE_SCHEDULER=off``. Each job is
claimed in the database (the ``scheduled_jobs`` table) before it runs, so two schedulers, or every
worker of a `serve`, never run one job twice in a period or at the same time. Each run
writes the job's metrics (``api.jobmetrics``): a job that ran is a success, however many
items it found or skipped. A job that failed is not, and it is tried again within five
minutes.

| job | every | what |
|---|---|---|
| ``finalise`` | hour | decided cases past their appeal window (or appeal) become final |
| ``editions`` | hour | the statistics, Committee and report-count editions now due |
| ``deadlines`` | 5 min | webhook events for deadlines about to pass or passed |
| ``checkpoint`` | day | every chain's head signed |
| ``retention`` | day | personal data past its retention period erased |

``finalise`` and ``retention`` write as the operator, party by party, so they need the
owner's connection (``DATABASE_URL``): `jointcode scheduler` has it. `serve` has it only
on a trial's embedded database (`make run`), and otherwise leaves those two jobs to the
scheduler.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import text

import codes
from api import jobmetrics
from cases import lifecycle, retention
from codes import clock
from codes.retention import schedule
from db import audit
from db.session import Database
from parties import service as party_service
from publication import checkpoints, committee, report_statistics, statistics

log = logging.getLogger("jointcode.scheduler")
SCHEDULER = audit.Actor(id="scheduler", role="operator")  # who the party's trail names
RETRY = timedelta(minutes=5)
LEASE = timedelta(hours=1)
Run = Callable[["Context"], Awaitable[dict[str, int]]]


@dataclass(frozen=True, slots=True)
class Context:
    db: Database  # the application role (row-level security on)
    owner: Database | None  # the owner, where its URL is known: retention needs it
    signer: checkpoints.Signer
    warning_days: int = 2


class Claimable(Protocol):
    """Work the deployment does once per period, wherever it is started."""

    @property
    def name(self) -> str: ...
    @property
    def every(self) -> timedelta: ...
    @property
    def lease(self) -> timedelta:
        """How long a claim holds if its runner dies: a run must end well within it."""
        ...


@dataclass(frozen=True, slots=True)
class Job:
    name: str
    every: timedelta
    run: Run
    lease: timedelta = LEASE


async def _each_party(db: Database, work: Callable[[Any, Any], Awaitable[int]]) -> int:
    async with db.transaction() as session:
        parties = await party_service.list_parties(session=session)
    done = 0
    for party in parties:
        async with db.transaction(party_id=party.id, actor=SCHEDULER) as session:
            done += await work(session, party)
    return done


async def finalise(ctx: Context) -> dict[str, int]:
    assert ctx.owner is not None  # an owner's job: JOBS_NEEDING_OWNER
    made = await _each_party(
        ctx.owner,
        lambda session, party: lifecycle.finalise_due(session=session, party_id=party.id),
    )
    return {"cases_finalised": made}


async def editions(ctx: Context) -> dict[str, int]:
    async with ctx.db.transaction() as session:
        tables = await statistics.publish_due(session=session)
    async with ctx.db.transaction() as session:
        periods = await committee.publish_due(session=session, today=clock.today())
    async with ctx.db.transaction() as session:
        reports = await report_statistics.publish_due(session=session)
    return {
        "statistics": int(bool(tables)),
        "committee": int(periods or 0),
        "reports": int(bool(reports)),
    }


async def deadlines(ctx: Context) -> dict[str, int]:
    triage = codes.default_version(clock.today()).deadlines.triage
    async with ctx.db.transaction() as session:
        told = await session.scalar(
            text("SELECT webhook_scan_deadlines(:w, :t)"), {"w": ctx.warning_days, "t": triage}
        )
    return {"deadlines_checked": int(told or 0)}


async def checkpoint(ctx: Context) -> dict[str, int]:
    async with ctx.db.transaction() as session:
        signed = await checkpoints.record_if_older(
            session=session, signer=ctx.signer, age=timedelta(hours=23)
        )
    return {"checkpoints_signed": int(signed is not None)}


async def erase(ctx: Context) -> dict[str, int]:
    assert ctx.owner is not None  # an owner's job: JOBS_NEEDING_OWNER
    reports = cases = 0

    async def one(session: Any, party: Any) -> int:
        nonlocal reports, cases
        erased = await retention.apply(
            session=session, party_id=party.id, schedule=schedule(), today=clock.today()
        )
        reports += len(erased.report_ids)
        cases += len(erased.case_ids)
        return 0

    await _each_party(ctx.owner, one)
    return {"reports_erased": reports, "cases_erased": cases}


# jobs that write as the operator, party by party: the application role binds a party
# only through a caller's token, so these need the owner's connection
JOBS_NEEDING_OWNER = frozenset({"finalise", "retention"})
JOBS = (
    Job("finalise", timedelta(hours=1), finalise),
    Job("editions", timedelta(hours=1), editions),
    Job("deadlines", timedelta(minutes=5), deadlines),
    Job("checkpoint", timedelta(days=1), checkpoint),
    Job("retention", timedelta(days=1), erase),
)


async def claim(db: Database, job: Claimable) -> bool:
    """Take the job if it is due and nobody holds it: one statement, so one winner."""
    async with db.transaction() as session:
        await session.execute(
            text("INSERT INTO scheduled_jobs (job) VALUES (:j) ON CONFLICT DO NOTHING"),
            {"j": job.name},
        )
        won = await session.scalar(
            text(
                "UPDATE scheduled_jobs SET running_until = now() + CAST(:lease AS interval), "
                "next_run_at = now() + CAST(:every AS interval), last_started_at = now() "
                "WHERE job = :j AND next_run_at <= now() "
                "AND (running_until IS NULL OR running_until < now()) RETURNING job"
            ),
            {"j": job.name, "lease": job.lease, "every": job.every},
        )
    return won is not None


async def finish(db: Database, job: Claimable, ok: bool) -> None:
    """Release the claim; a failed run is due again within ``RETRY``."""
    async with db.transaction() as session:
        await session.execute(
            text(
                "UPDATE scheduled_jobs SET running_until = NULL, last_finished_at = now(), "
                "last_ok = :ok, next_run_at = CASE WHEN :ok THEN next_run_at "
                "ELSE least(next_run_at, now() + CAST(:retry AS interval)) END WHERE job = :j"
            ),
            {"j": job.name, "ok": ok, "retry": RETRY},
        )


async def run_due(
    ctx: Context, metrics_dir: Path | None, jobs: tuple[Job, ...] = JOBS
) -> list[str]:
    """Every job that is due and unclaimed, once; returns the names of those run."""
    ran = []
    for job in jobs:
        if job.name in JOBS_NEEDING_OWNER and ctx.owner is None:
            continue  # left to a scheduler with the owner's connection
        if not await claim(ctx.db, job):
            continue
        started = time.perf_counter()
        counts: dict[str, int] = {}
        ok = False
        try:
            counts = await job.run(ctx)
            ok = True
        except Exception:
            log.exception("scheduled job %s failed", job.name)
        await finish(ctx.db, job, ok)
        if metrics_dir is not None:
            jobmetrics.record(metrics_dir, job.name, seconds=time.perf_counter() - started,
                              ok=ok, counts=counts)  # fmt: skip
        ran.append(job.name)
    return ran


async def forever(
    ctx: Context,
    metrics_dir: Path | None,
    jobs: tuple[Job, ...] = JOBS,
    *,
    poll_seconds: float = 30,
) -> None:
    while True:
        try:
            await run_due(ctx, metrics_dir, jobs)
        except Exception:  # the database away for a while: try again next round
            log.exception("the scheduler's round failed")
        await asyncio.sleep(poll_seconds)
