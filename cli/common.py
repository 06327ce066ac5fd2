"""The command line's groups and what every command shares: settings, the database, failing."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, NoReturn, TypeVar

import typer

from api.database import Endpoints, operator_database, resolve
from api.settings import Settings

if TYPE_CHECKING:  # imported where used: a CLI call loads only what it needs
    from sqlalchemy.ext.asyncio import AsyncSession

    from db.audit import Actor
    from db.session import Database
    from publication.checkpoints import Signer

T = TypeVar("T")

app = typer.Typer(
    help="Joint Code: the jointly enforced code of conduct service.", no_args_is_help=True
)
token_app = typer.Typer(help="Issue and revoke API tokens.", no_args_is_help=True)
party_app = typer.Typer(help="Manage the party registry.", no_args_is_help=True)
schema_app = typer.Typer(help="The GraphQL contract.", no_args_is_help=True)
code_app = typer.Typer(help="The joint code's version files.", no_args_is_help=True)
app.add_typer(code_app, name="code")
app.add_typer(token_app, name="token")
app.add_typer(party_app, name="party")
app.add_typer(schema_app, name="schema")
import_app = typer.Typer(help="Move a party's history in.", no_args_is_help=True)
cases_app = typer.Typer(help="Scheduled work on cases.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)
app.add_typer(import_app, name="import")
app.add_typer(cases_app, name="cases")
app.add_typer(audit_app, name="audit")
release_app = typer.Typer(help="Published releases.", no_args_is_help=True)
app.add_typer(release_app, name="release")
checkpoint_app = typer.Typer(help="Signed checkpoints of every chain's head.")
app.add_typer(checkpoint_app, name="checkpoint")
witness_app = typer.Typer(
    help="The witness's side (the Committee, on its own machine, with its own key).",
    no_args_is_help=True,
)
app.add_typer(witness_app, name="witness")
retention_app = typer.Typer(help="Personal data's retention schedule.", no_args_is_help=True)
app.add_typer(retention_app, name="retention")
statistics_app = typer.Typer(
    help="Editions of the public statistics (closed quarters, on the calendar).",
    no_args_is_help=True,
)
app.add_typer(statistics_app, name="statistics")
assets_app = typer.Typer(
    help="The browser assets the service serves (GraphiQL).", no_args_is_help=True
)
app.add_typer(assets_app, name="assets")


def record_job(
    settings: Settings,
    job: str,
    started: float,
    *,
    ok: bool,
    checks: dict[str, bool] | None = None,
    counts: dict[str, int] | None = None,
) -> None:
    """Leave this run's result where the service's /metrics reads it (``api.jobmetrics``)."""
    import time

    from api import jobmetrics

    try:
        jobmetrics.record(
            settings.metrics_path, job, seconds=time.perf_counter() - started, ok=ok,
            checks=checks, counts=counts,
        )  # fmt: skip
    except OSError as exc:  # the job's own result stands; only its metric is lost
        typer.secho(f"could not write the job's metrics: {exc}", fg=typer.colors.YELLOW, err=True)


def fail(message: str) -> NoReturn:
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


def prepare_database(settings: Settings, *, migrate: bool = True) -> Endpoints:
    from codes.loader import CodeFileError
    from migrations import migrate as migrations

    try:
        endpoints = resolve(settings)
    except RuntimeError as exc:  # no DATABASE_URL and no embedded server installed
        fail(str(exc))
    if migrate:
        if endpoints.owner_url is None:
            typer.echo("APP_DATABASE_URL only: skipping migrations (run them as the owner).")
        else:
            try:
                migrations.upgrade(endpoints.owner_url, app_password=settings.app_password)
            except (CodeFileError, migrations.OlderThanBaseline) as exc:
                fail(str(exc))
    return endpoints


def run_as_operator(
    settings: Settings, endpoints: Endpoints, work: Callable[[Database], Awaitable[T]]
) -> T:
    """Operator work, as the database owner (audited as the operator)."""

    async def main() -> T:
        try:
            db = operator_database(settings, endpoints)
        except PermissionError as exc:
            fail(str(exc))
        try:
            return await work(db)
        finally:
            await db.dispose()

    return asyncio.run(main())


def operator_actor() -> Actor:
    import getpass

    from db.audit import Actor

    return Actor(id=f"cli:{getpass.getuser()}", role="operator")


def in_operator_transaction(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run one domain call in one transaction as the operator; a DomainError exits 1."""
    from db.errors import DomainError, DomainErrors

    settings = Settings.from_env()

    async def run(db: Database) -> T:
        async with db.transaction(actor=operator_actor()) as session:
            return await work(session)

    try:
        return run_as_operator(settings, prepare_database(settings), run)
    except DomainError as exc:
        fail(exc.message)
    except DomainErrors as exc:
        fail("\n".join(e.message for e in exc.errors))


def ensure_keys(settings: Settings, endpoints: Endpoints) -> None:
    """With the embedded database (`make run`, a trial), the keys are made beside it on
    first use; in production they must exist (``jointcode keys init``), or this stops."""
    from api import keys

    if endpoints.server is not None:
        keys.init(settings.data_key_path, settings.signing_key_path)
    try:
        keys.load(settings.data_key_path, settings.signing_key_path)
    except keys.MissingKey as exc:
        fail(str(exc))


def load_signer(settings: Settings) -> Signer:
    from api import keys
    from publication.checkpoints import Signer

    try:
        return Signer.load(settings.signing_key_path)
    except FileNotFoundError:
        fail(keys.NOT_FOUND.format(what="The signing key", path=settings.signing_key_path))
