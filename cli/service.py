"""Running the service: migrate, demo data, serve, the GraphQL contract."""

from __future__ import annotations

import logging
import os
import sys
import threading
from typing import TYPE_CHECKING, Any

import typer

from api.database import Endpoints
from api.settings import Settings
from cli.common import (
    app,
    ensure_keys,
    fail,
    load_signer,
    prepare_database,
    run_as_operator,
    schema_app,
)
from codes import clock
from db.envelope import KeyEncryptionKey

if TYPE_CHECKING:
    from api.demo import DemoToken
    from db.session import Database


def _print_demo(
    settings: Settings, endpoints: Endpoints, profile: str | None = None, *,
    behind: bool = False,
) -> Seeding | None:  # fmt: skip
    """Seed the demo unless present, and print fresh tokens. ``behind``: register the
    parties and print the tokens at once, and seed the history in a thread while the
    service starts serving (`make run`); returns that thread."""
    from api import demo
    from cases.synthetic import PROFILES

    chosen = profile or os.environ.get("JOINTCODE_DEMO_PROFILE") or demo.DEFAULT_PROFILE
    if chosen not in PROFILES:
        fail(f"Unknown demo profile {chosen!r}; profiles: {', '.join(PROFILES)}.")
    signer = load_signer(settings)
    kek = KeyEncryptionKey.load(settings.data_key_path)
    today = clock.today()

    async def work(db: Database) -> tuple[bool, list[DemoToken]]:
        if await demo.is_seeded(db):
            if not await demo.history_complete(db):
                typer.secho(
                    "The demo history was interrupted last time and is incomplete: to seed it "
                    "again, stop, delete the data and key folders (.jointcode, "
                    ".jointcode-keys) and run make run again.",
                    fg=typer.colors.YELLOW, err=True,
                )  # fmt: skip
            return False, await demo.issue_tokens(db)
        if behind:
            await demo.register_parties(db, profile=chosen, today=today, signer=signer)
            return True, await demo.issue_tokens(db)
        columns = ("Seeding demo cases", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, transient=True) as bar:
            task = bar.add_task("seed", total=None)
            created = await demo.seed(
                db, profile=chosen, signer=signer, kek=kek, today=today,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )  # fmt: skip
        typer.echo(f"Seeded {created} synthetic cases for the fictional demo parties.")
        return False, await demo.issue_tokens(db)

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    pending, tokens = run_as_operator(settings, endpoints, work)
    typer.echo("Demo tokens (new each run; the previous run's are revoked):")
    for t in tokens:
        who = f"{t.role} {t.party}" if t.party else t.role
        typer.echo(f"  {who:<18} {t.secret}")
    if not pending:
        return None

    def history() -> None:
        try:
            _history()
        except Exception as exc:  # the service stopped under it (Ctrl+C): say so, briefly
            typer.echo(f"Seeding the demo history stopped ({type(exc).__name__}); the next "
                       "run says how to start again.")  # fmt: skip
        finally:
            thread.done.set()  # the service's periodic jobs may start now

    def _history() -> None:
        shown = [0]

        def progress(done: int, total: int) -> None:
            step = done * 10 // max(total, 1)
            if step > shown[0]:
                shown[0] = step
                typer.echo(f"Seeding the demo history: {done:,} of {total:,} cases")

        async def seed_rest(db: Database) -> int:
            return await demo.seed_history(
                db, today=today, profile=chosen, signer=signer, kek=kek, progress=progress
            )

        created = run_as_operator(settings, endpoints, seed_rest)
        typer.echo(f"The demo history is ready: {created:,} cases, their statistics and releases.")

    typer.echo("The site serves now; the demo history is seeded behind it (a few minutes):"
               " figures appear when it is done.")  # fmt: skip
    thread = Seeding(target=history, name="demo-seed", daemon=True)
    thread.start()
    return thread


class Seeding(threading.Thread):
    """The demo history seeded behind a first `make run`; ``done`` once it has finished."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.done = threading.Event()


@app.command()
def migrate() -> None:
    """Apply database migrations (as the owner role); refuse a changed adopted code file."""
    prepare_database(Settings.from_env())
    typer.echo("Database is up to date.")


@app.command()
def revision(
    message: str = typer.Argument(..., help="What the migration changes, in a few words."),
) -> None:
    """For developers: write the migration that makes the database run what db/sql/ holds
    (each edited function, trigger or policy file), generated by alembic_utils against the
    database migrated to head; nothing is written when they already agree."""
    from migrations import migrate as migrations

    settings = Settings.from_env()
    endpoints = prepare_database(settings)
    if endpoints.owner_url is None:
        fail("jointcode revision needs the owner's DATABASE_URL (or the embedded server).")
    written = migrations.revision(endpoints.owner_url, message)
    typer.echo(f"Wrote {written}" if written else "db/sql/ and the database agree: no migration.")


PROFILE_HELP = (
    "Synthetic caseload: demo (~1,500, ~300 and ~40 cases a year over 2.5 years), small "
    "(a tenth), 10x. Default: JOINTCODE_DEMO_PROFILE, else demo."
)


@app.command()
def demo(profile: str | None = typer.Option(None, help=PROFILE_HELP)) -> None:
    """Seed the demo data unless present, and print fresh demo tokens."""
    settings = Settings.from_env()
    endpoints = prepare_database(settings)
    ensure_keys(settings, endpoints)
    _print_demo(settings, endpoints, profile)


@app.command()
def serve(
    demo_data: bool = typer.Option(False, "--demo", help="Seed demo data and print tokens."),
    profile: str | None = typer.Option(None, help=PROFILE_HELP),
    host: str | None = typer.Option(None, help="Overrides JOINTCODE_HOST."),
    port: int | None = typer.Option(None, help="Overrides JOINTCODE_PORT."),
    workers: int | None = typer.Option(
        None,
        help="Worker processes (default JOINTCODE_WORKERS, else 1); each has its own "
        "pool and caches, all share the database and the key files.",
    ),
) -> None:
    """Migrate (when the owner URL is known) and serve the API."""
    import uvicorn

    from api import logs, slowclients
    from api.app import service_app
    from cli.terminal import take_foreground_under_make
    from db import embedded

    take_foreground_under_make()  # Ctrl+C under `make run` stops the service, then make: 0
    settings = Settings.from_env()
    embedded.stop_on_signals()  # SIGTERM stops what this process started, as Ctrl+C does
    logs.configure(level=settings.log_level, fmt=settings.log_format)
    if settings.log_level.lower() != "debug":  # migrations say nothing unless asked
        logging.getLogger("alembic").setLevel(logging.WARNING)
    endpoints = prepare_database(settings)
    ensure_keys(settings, endpoints)  # production: made once by `jointcode keys init`
    seeding = _print_demo(settings, endpoints, profile, behind=True) if demo_data else None
    host = host or settings.host
    port = port or settings.port
    count = workers or settings.workers
    typer.echo(f"Serving on http://{host}:{port}/  (GraphiQL at http://{host}:{port}/graphql)"
               + (f" with {count} workers" if count > 1 else ""))  # fmt: skip
    sys.stdout.flush()
    if count > 1:
        # workers reach the database this process prepared (the embedded server included)
        os.environ["APP_DATABASE_URL"] = endpoints.app_url
        uvicorn.run(
            "api.app:worker_app", factory=True, workers=count, host=host, port=port,
            log_level=settings.log_level, http="api.slowclients:FromEnvironment",
            loop="uvloop", log_config=None, proxy_headers=False, server_header=False,
        )  # fmt: skip
        return
    uvicorn.run(
        service_app(settings, endpoints, scheduler_after=seeding.done if seeding else None),
        host=host, port=port, log_level=settings.log_level,
        http=slowclients.protocol(settings.client_timeout_ms / 1000, settings.http),
        loop="uvloop", log_config=None, server_header=False,  # no banner naming the server
        proxy_headers=False,  # the app believes only JOINTCODE_TRUSTED_PROXIES
    )  # fmt: skip


@schema_app.command("export")
def schema_export() -> None:
    """Print the GraphQL SDL (what schema/schema.graphql must hold)."""
    from schema import export_sdl

    sys.stdout.write(export_sdl())


@app.command("scheduler")
def scheduler_command(
    once: bool = typer.Option(
        False, "--once", help="Run what is due now, then exit (for cron or a systemd timer)."
    ),
) -> None:
    """Run the deployment's periodic jobs (finalise, editions, deadlines, checkpoint,
    retention), each claimed in the database so it runs once per period however many
    schedulers run; each leaves job metrics. Give it the owner's DATABASE_URL for
    retention."""
    import asyncio

    from api import scheduler
    from api.database import app_database, operator_database

    settings = Settings.from_env()
    endpoints = prepare_database(settings)

    async def main() -> list[str]:
        ctx = scheduler.Context(
            db=app_database(settings, endpoints),
            owner=operator_database(settings, endpoints) if endpoints.owner_url else None,
            signer=load_signer(settings),
            warning_days=settings.webhooks.warning_days,
        )
        try:
            if once:
                return await scheduler.run_due(ctx, settings.metrics_path)
            await scheduler.forever(ctx, settings.metrics_path)
            return []
        finally:
            await ctx.db.dispose()
            if ctx.owner is not None:
                await ctx.owner.dispose()

    ran = asyncio.run(main())
    typer.echo("ran: " + (", ".join(ran) or "nothing was due"))
