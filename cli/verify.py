"""Verifying the audit trail, the releases and the statistics; signing checkpoints."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING

import typer

from api.settings import Settings
from cli.common import (
    audit_app,
    checkpoint_app,
    fail,
    in_operator_transaction,
    load_signer,
    prepare_database,
    record_job,
    release_app,
    run_as_operator,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any
    from uuid import UUID

    from db.audit import ChainReport
    from db.session import Database
    from publication.checkpoints import Finding
    from publication.releases import ChainCheck

CHECKPOINTS_HELP = (
    "A checkpoints document (a file, or the live URL https://…/open-data/checkpoints.json): "
    "also report entries or releases it signed that are gone or changed."
)
PUBLIC_KEY_HELP = (
    "The operator's checkpoint key to trust (its fingerprint SHA256:… or the base64 key), "
    "as published in the deployment's docs and in each party's code adoption; repeat for "
    "a rotated key. Default: JOINTCODE_CHECKPOINT_KEYS (comma-separated)."
)
WITNESS_KEY_HELP = (
    "The witness's (the Committee's) key to require cosignatures from, fingerprint or "
    "base64. Default: JOINTCODE_WITNESS_KEYS (comma-separated)."
)
UNPINNED_HELP = (
    "Accept checkpoints signed by whatever key the document names: a replaced key, or a "
    "rewritten history re-signed by the operator, would pass. For tests and first looks."
)
MAX_AGE_HELP = (
    "The newest checkpoint (and the newest the witness cosigned) must be this recent: a "
    "checkpoint interval and its slack. 0 turns the check off."
)


def _pins(given: list[str] | None, variable: str) -> list[str]:
    import os

    if given:
        return given
    return [p.strip() for p in os.environ.get(variable, "").split(",") if p.strip()]


def _checkpoint_findings(
    db_work: Callable[[dict[str, Any]], list[Finding]],
    source: str | None,
    chain: str,
    *,
    public_keys: list[str] | None,
    witness_keys: list[str] | None,
    trust_unpinned: bool,
    max_age_hours: float,
) -> bool:
    """Print what the checkpoints show; True when something is wrong."""
    if source is None:
        return False
    from datetime import timedelta

    from publication import checkpoints

    signing = _pins(public_keys, "JOINTCODE_CHECKPOINT_KEYS")
    witnesses = _pins(witness_keys, "JOINTCODE_WITNESS_KEYS")
    if not signing and not trust_unpinned:
        fail(
            "refusing to trust whatever key signed the checkpoints: pin the operator's key "
            "with --public-key (fingerprint SHA256:… or base64; `jointcode checkpoint key` "
            "prints it, each party's code adoption records it), or say --trust-unpinned"
        )
    if not witnesses:
        typer.secho(
            "warning: no witness key pinned (--witness-key): the operator alone could rewrite "
            "the checkpoints with its own key",
            fg=typer.colors.YELLOW,
            err=True,
        )
    try:
        document = checkpoints.load_document(source)
    except (OSError, ValueError) as exc:
        fail(f"cannot read checkpoints from {source}: {exc}")
    findings = checkpoints.signature_findings(
        document,
        signing_keys=signing,
        witness_keys=witnesses,
        max_age=timedelta(hours=max_age_hours) if max_age_hours > 0 else None,
    )
    findings += db_work(document)
    count = len(document.get("checkpoints", []))
    for finding in findings:
        typer.secho(f"{finding.chain}: {finding.problem}", fg=typer.colors.RED)
    if not findings and chain == "checkpoint":
        typer.echo(f"{count} checkpoint(s): signed by the pinned key, unbroken, recent")
    elif not findings:
        typer.echo(f"{count} checkpoint(s): every signed {chain} head is still in place")
    return bool(findings)


@checkpoint_app.callback(invoke_without_command=True)
def checkpoint(context: typer.Context) -> None:
    """Sign every chain's head now (run daily, e.g. from cron); print the checkpoint.
    `jointcode checkpoint key` prints the signing key's fingerprint instead."""
    if context.invoked_subcommand is not None:
        return
    from publication import checkpoints

    settings = Settings.from_env()
    signer = load_signer(settings)
    started = time.perf_counter()
    signed = in_operator_transaction(
        lambda session: checkpoints.record(session=session, signer=signer)
    )
    record_job(settings, "checkpoint", started, ok=True, counts={"checkpoints_signed": 1})
    typer.echo(json.dumps(signed, indent=2))


@checkpoint_app.command("key")
def checkpoint_key() -> None:
    """Print the checkpoint signing key: its fingerprint (what verifiers pin) and base64."""
    signer = load_signer(Settings.from_env())
    typer.echo(signer.fingerprint)
    typer.echo(signer.public_key)


@checkpoint_app.command("verify")
def checkpoint_verify(
    source: str = typer.Argument(..., help=CHECKPOINTS_HELP),
    public_key: list[str] | None = typer.Option(None, "--public-key", help=PUBLIC_KEY_HELP),
    witness_key: list[str] | None = typer.Option(None, "--witness-key", help=WITNESS_KEY_HELP),
    trust_unpinned: bool = typer.Option(False, "--trust-unpinned", help=UNPINNED_HELP),
    max_age_hours: float = typer.Option(48.0, "--max-age-hours", help=MAX_AGE_HELP),
) -> None:
    """Check a checkpoints document on its own, with no database: the pinned keys, the
    chain of checkpoints, the witness's cosignatures and their age (for parties, the press
    and the Committee; a replaced key shows without a kept copy). Exit 1 on any finding."""
    lost = _checkpoint_findings(
        lambda document: [],
        source,
        "checkpoint",
        public_keys=public_key,
        witness_keys=witness_key,
        trust_unpinned=trust_unpinned,
        max_age_hours=max_age_hours,
    )
    if lost:
        raise typer.Exit(1)


@audit_app.command("verify")
def audit_verify(
    checkpoints_source: str | None = typer.Option(None, "--checkpoints", help=CHECKPOINTS_HELP),
    public_key: list[str] | None = typer.Option(None, "--public-key", help=PUBLIC_KEY_HELP),
    witness_key: list[str] | None = typer.Option(None, "--witness-key", help=WITNESS_KEY_HELP),
    trust_unpinned: bool = typer.Option(False, "--trust-unpinned", help=UNPINNED_HELP),
    max_age_hours: float = typer.Option(48.0, "--max-age-hours", help=MAX_AGE_HELP),
) -> None:
    """Recompute every party's hash chain; name the first broken entry; exit 1 if any.

    Reads every chain, so it connects as the owner (DATABASE_URL).
    """
    from db import audit
    from parties import service as party_service
    from publication import checkpoints

    settings = Settings.from_env()
    endpoints = prepare_database(settings)
    started = time.perf_counter()

    async def chains(db: Database) -> tuple[list[ChainReport], dict[UUID, str]]:
        async with db.transaction() as session:
            reports = await audit.verify_chains(session)
            parties = await party_service.list_parties(session=session)
        return reports, {p.id: p.slug for p in parties}

    async def compare(db: Database, document: dict[str, Any]) -> list[Finding]:
        async with db.transaction() as session:
            return await checkpoints.compare(session=session, document=document, chain="audit")

    reports, slugs = run_as_operator(settings, endpoints, chains)
    lost = _checkpoint_findings(
        lambda document: run_as_operator(settings, endpoints, lambda db: compare(db, document)),
        checkpoints_source,
        "audit",
        public_keys=public_key,
        witness_keys=witness_key,
        trust_unpinned=trust_unpinned,
        max_age_hours=max_age_hours,
    )
    broken = False
    for report in reports:
        name = slugs.get(report.party_id, "?") if report.party_id else "(service)"
        if report.first_broken_seq is None:
            typer.echo(f"{name}: {report.entries} entries, intact")
        else:
            broken = True
            typer.secho(
                f"{name}: BROKEN at entry {report.first_broken_seq}: {report.problem}",
                fg=typer.colors.RED,
            )
    if not reports:
        typer.echo("no audit entries yet")
    checks = {"audit_chains": not broken}
    if checkpoints_source is not None:
        checks["audit_checkpoints"] = not lost
    record_job(settings, "audit_verify", started, ok=not (broken or lost), checks=checks,
                counts={"chains": len(reports)})  # fmt: skip
    if broken or lost:
        raise typer.Exit(1)


@release_app.command("verify")
def release_verify(
    checkpoints_source: str | None = typer.Option(None, "--checkpoints", help=CHECKPOINTS_HELP),
    public_key: list[str] | None = typer.Option(None, "--public-key", help=PUBLIC_KEY_HELP),
    witness_key: list[str] | None = typer.Option(None, "--witness-key", help=WITNESS_KEY_HELP),
    trust_unpinned: bool = typer.Option(False, "--trust-unpinned", help=UNPINNED_HELP),
    max_age_hours: float = typer.Option(48.0, "--max-age-hours", help=MAX_AGE_HELP),
) -> None:
    """Recompute every release chain from the published records, and the public statistics
    tables from the outcomes; exit 1 if anything differs (or checkpoints show a loss)."""
    from publication import checkpoints, releases, statistics

    settings = Settings.from_env()
    endpoints = prepare_database(settings)
    started = time.perf_counter()

    async def work(db: Database) -> tuple[list[ChainCheck], list[tuple[str, str]]]:
        async with db.transaction() as session:
            chains = await releases.verify_chains(session=session)
        drift = await statistics.verify_tables(db=db)
        return chains, drift

    async def compare(db: Database, document: dict[str, Any]) -> list[Finding]:
        async with db.transaction() as session:
            return await checkpoints.compare(session=session, document=document, chain="release")

    chains, drift = run_as_operator(settings, endpoints, work)
    for table, problem in drift:
        typer.secho(f"statistics {table}: {problem}", fg=typer.colors.RED)
    if not drift:
        typer.echo("statistics tables: every stored cell matches a recount of the outcomes")
    lost = _checkpoint_findings(
        lambda document: run_as_operator(settings, endpoints, lambda db: compare(db, document)),
        checkpoints_source,
        "release",
        public_keys=public_key,
        witness_keys=witness_key,
        trust_unpinned=trust_unpinned,
        max_age_hours=max_age_hours,
    )
    broken = bool(drift) or lost
    for check in chains:
        if check.first_broken is None:
            typer.echo(f"{check.party_slug}: {check.releases} release(s), chain intact")
        else:
            broken = True
            typer.secho(
                f"{check.party_slug}: BROKEN at release {check.first_broken}: {check.problem}",
                fg=typer.colors.RED,
            )
    checks = {
        "release_chains": all(c.first_broken is None for c in chains),
        "statistics_tables": not drift,
    }
    if checkpoints_source is not None:
        checks["release_checkpoints"] = not lost
    record_job(settings, "release_verify", started, ok=not broken, checks=checks,
                counts={"chains": len(chains)})  # fmt: skip
    if broken:
        raise typer.Exit(1)
