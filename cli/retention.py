"""Erasing personal data whose retention period has passed (``cases.retention``)."""

from __future__ import annotations

import time
from datetime import date
from typing import TYPE_CHECKING

import typer

from api.settings import Settings
from cli.common import operator_actor, prepare_database, record_job, retention_app, run_as_operator

if TYPE_CHECKING:
    from cases.retention import Erased
    from db.session import Database


@retention_app.command("apply")
def apply(
    today: str | None = typer.Option(
        None, help="Apply as on this day (YYYY-MM-DD), e.g. to a time-shifted copy; default today."
    ),
) -> None:
    """Erase what the schedule says, party by party (run daily); idempotent."""
    from cases import retention
    from codes import clock
    from codes.retention import schedule
    from parties import service as party_service

    on = date.fromisoformat(today) if today else clock.today()
    settings = Settings.from_env()

    async def work(db: Database) -> list[tuple[str, Erased]]:
        async with db.transaction(actor=operator_actor()) as session:
            parties = await party_service.list_parties(session=session)
        done: list[tuple[str, Erased]] = []
        for party in parties:
            async with db.transaction(party_id=party.id, actor=operator_actor()) as session:
                erased = await retention.apply(
                    session=session, party_id=party.id, schedule=schedule(), today=on
                )
            done.append((party.slug, erased))
        return done

    endpoints = prepare_database(settings)
    started = time.perf_counter()
    done = run_as_operator(settings, endpoints, work)
    for slug, erased in done:
        typer.echo(f"{slug}: erased {len(erased.report_ids)} report(s), "
                   f"{len(erased.case_ids)} case(s)")  # fmt: skip
    record_job(settings, "retention_apply", started, ok=True, counts={
        "reports_erased": sum(len(e.report_ids) for _, e in done),
        "cases_erased": sum(len(e.case_ids) for _, e in done),
    })  # fmt: skip
