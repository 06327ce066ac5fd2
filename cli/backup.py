"""`jointcode backup` and `jointcode restore`: the database with PostgreSQL's own tools
(``api.backup``)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

from api.settings import Settings
from cli.common import app, fail, prepare_database


@app.command("backup")
def backup_command(file: Path = typer.Argument(..., help="Where to write the archive.")) -> None:
    """Write a pg_dump archive of the whole database (as the owner: DATABASE_URL). Keep
    the keys' backup apart from it (DEPLOYMENT.md)."""
    from api import backup

    settings = Settings.from_env()
    endpoints = prepare_database(settings, migrate=False)
    if endpoints.owner_url is None:
        fail("A backup is the owner's: set DATABASE_URL.")
    try:
        asyncio.run(backup.backup(endpoints.owner_url, file))
    except backup.BackupError as exc:
        fail(str(exc))
    typer.echo(f"backed up to {file} ({file.stat().st_size:,} bytes)")


@app.command("restore")
def restore_command(file: Path = typer.Argument(..., help="An archive `backup` wrote.")) -> None:
    """Load an archive into an empty database (DATABASE_URL, the owner's), then bring its
    schema up to date. Verify it after with `audit verify --checkpoints` and
    `release verify --checkpoints`."""
    from api import backup
    from migrations import migrate

    settings = Settings.from_env()
    endpoints = prepare_database(settings, migrate=False)
    if endpoints.owner_url is None:
        fail("A restore is the owner's: set DATABASE_URL.")
    if not file.exists():
        fail(f"No archive at {file}.")
    try:
        asyncio.run(backup.restore(endpoints.owner_url, file))
    except backup.BackupError as exc:
        fail(str(exc))
    try:
        migrate.upgrade(endpoints.owner_url, app_password=settings.app_password)
    except migrate.OlderThanBaseline as exc:
        fail(f"The archive is loaded, but its schema is old. {exc}")
    typer.echo(f"restored {file}; the schema is up to date")
