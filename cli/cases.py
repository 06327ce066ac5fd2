"""Moving a party's history in, and scheduled work on cases."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from api.settings import Settings
from cli.common import (
    cases_app,
    fail,
    import_app,
    operator_actor,
    prepare_database,
    record_job,
    run_as_operator,
)

if TYPE_CHECKING:
    from cases.importing import ImportSummary
    from db.session import Database


@import_app.command("cases")
def import_cases(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="A CSV file."),
    party: str = typer.Option(..., help="The party's slug."),
    rejected: Path | None = typer.Option(
        None, help="Where to write rejected rows and reasons (default: FILE.rejected.csv)."
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Check every row against the database; create nothing."
    ),
) -> None:
    """Import cases from CSV in batches of 500; rerunning creates nothing twice.

    UTF-8 (with or without a byte-order mark) or Windows-1252; commas, semicolons or tabs.
    Exit status: 0 when every row went in (or was already there), 2 when some rows were
    rejected (listed with line, column and reason), 1 when the file cannot be read.
    """
    from cases import importing
    from db.errors import DomainError
    from parties import service

    settings = Settings.from_env()
    endpoints = prepare_database(settings)
    total = importing.count_rows(path)
    rejected_path = rejected or path.with_suffix(".rejected.csv")

    async def work(db: Database) -> ImportSummary:
        async with db.transaction() as session:
            found = await service.require_by_slug(session=session, slug=party)
        label = f"{'Checking' if dry_run else 'Importing'} {total} rows"
        with typer.progressbar(length=total, label=label) as bar:
            return await importing.import_file(
                db=db, party_id=found.id, path=path, actor=operator_actor(), progress=bar.update,
                dry_run=dry_run,
            )  # fmt: skip

    started = time.perf_counter()
    try:
        summary = run_as_operator(settings, endpoints, work)
    except DomainError as exc:
        fail(exc.message)
    if not dry_run:
        # success means the import ran; rows it rejected are their own gauge
        # (jointcode_job_last_items{job="import",kind="rejected"}), alerted on apart
        record_job(settings, "import", started, ok=True, counts={
            "created": summary.created, "already_present": summary.already_present,
            "rejected": summary.rejected_lines,
        })  # fmt: skip
    verb = "would create" if dry_run else "created"
    typer.echo(
        f"read as {summary.encoding}, separated by {summary.delimiter!r}: "
        f"{verb} {summary.created}, already present {summary.already_present}, "
        f"rejected {summary.rejected_lines} row(s)"
    )
    if summary.rejected:
        for r in summary.rejected[:10]:
            column = f" {r.column}" if r.column else ""
            typer.echo(f"  line {r.line}{column}: {r.reason}", err=True)
        if len(summary.rejected) > 10:
            typer.echo(f"  … and {len(summary.rejected) - 10} more", err=True)
        importing.write_rejected(rejected_path, summary.rejected)
        typer.echo(f"rejected rows and reasons: {rejected_path}")
        raise typer.Exit(2)


@cases_app.command("finalise")
def cases_finalise() -> None:
    """Make final every decided case whose appeal window passed, and every decided appeal.

    Run it daily (cron); publishing also finalises first.
    """
    from cases import lifecycle
    from parties import service

    settings = Settings.from_env()
    endpoints = prepare_database(settings)

    async def work(db: Database) -> dict[str, int]:
        async with db.transaction() as session:
            parties = await service.list_parties(session=session)
        done: dict[str, int] = {}
        for party in parties:
            async with db.transaction(party_id=party.id, actor=operator_actor()) as session:
                done[party.slug] = await lifecycle.finalise_due(session=session, party_id=party.id)
        return done

    started = time.perf_counter()
    done = run_as_operator(settings, endpoints, work)
    for slug, count in done.items():
        typer.echo(f"{slug}: {count} case(s) made final")
    # the scheduler's job of the same name writes the same file
    record_job(settings, "finalise", started, ok=True,
                counts={"cases_finalised": sum(done.values())})  # fmt: skip
