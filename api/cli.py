"""The ``jointcode`` command line."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from datetime import datetime, timedelta
from pathlib import Path
from uuid import UUID

import typer

from api.database import Endpoints, app_database, operator_database, resolve
from api.settings import Settings
from codes import clock

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


def _fail(message: str) -> None:
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


def _prepare(settings: Settings, *, migrate: bool = True) -> Endpoints:
    from codes.loader import CodeFileError
    from db import migrate as migrations

    endpoints = resolve(settings)
    if migrate:
        if endpoints.owner_url is None:
            typer.echo("APP_DATABASE_URL only: skipping migrations (run them as the owner).")
        else:
            try:
                migrations.upgrade(endpoints.owner_url, app_password=settings.app_password)
            except CodeFileError as exc:
                _fail(str(exc))
    return endpoints


def _run(settings: Settings, endpoints: Endpoints, work):
    """Operator work, as the database owner (audited as the operator)."""

    async def main():
        try:
            db = operator_database(settings, endpoints)
        except PermissionError as exc:
            _fail(str(exc))
        try:
            return await work(db)
        finally:
            await db.dispose()

    return asyncio.run(main())


def _operator():
    import getpass

    from db.audit import Actor

    return Actor(id=f"cli:{getpass.getuser()}", role="operator")


def _in_transaction(work):
    """Run one domain call in one transaction as the operator; a DomainError exits 1."""
    from db.errors import DomainError, DomainErrors

    settings = Settings.from_env()

    async def run(db):
        async with db.transaction(actor=_operator()) as session:
            return await work(session)

    try:
        return _run(settings, _prepare(settings), run)
    except DomainError as exc:
        _fail(exc.message)
    except DomainErrors as exc:
        _fail("\n".join(e.message for e in exc.errors))


def _signer(settings: Settings):
    from publication.checkpoints import Signer

    return Signer.load_or_create(settings.signing_key_path)


def _print_demo(settings: Settings, endpoints: Endpoints, profile: str | None = None) -> None:
    from api import demo
    from cases.synthetic import PROFILES

    chosen = profile or os.environ.get("JOINTCODE_DEMO_PROFILE") or demo.DEFAULT_PROFILE
    if chosen not in PROFILES:
        _fail(f"Unknown demo profile {chosen!r}; profiles: {', '.join(PROFILES)}.")

    async def work(db):
        seeded = await demo.is_seeded(db)
        created = 0 if seeded else await demo.seed(db, profile=chosen, signer=_signer(settings))
        return created, await demo.issue_tokens(db)

    created, tokens = _run(settings, endpoints, work)
    if created:
        typer.echo(f"Seeded {created} synthetic cases for the fictional demo parties.")
    typer.echo("Demo tokens (new each run; the previous run's are revoked):")
    for t in tokens:
        who = f"{t.role} {t.party}" if t.party else t.role
        typer.echo(f"  {who:<18} {t.secret}")


@app.command()
def migrate() -> None:
    """Apply database migrations (as the owner role); refuse a changed adopted code file."""
    _prepare(Settings.from_env())
    typer.echo("Database is up to date.")


PROFILE_HELP = (
    "Synthetic caseload: demo (~1,500, ~300 and ~40 cases a year over 2.5 years), small "
    "(a tenth), 10x. Default: JOINTCODE_DEMO_PROFILE, else demo."
)


@app.command()
def demo(profile: str | None = typer.Option(None, help=PROFILE_HELP)) -> None:
    """Seed the demo data unless present, and print fresh demo tokens."""
    settings = Settings.from_env()
    _print_demo(settings, _prepare(settings), profile)


@app.command()
def serve(
    demo_data: bool = typer.Option(False, "--demo", help="Seed demo data and print tokens."),
    profile: str | None = typer.Option(None, help=PROFILE_HELP),
    host: str | None = typer.Option(None, help="Overrides JOINTCODE_HOST."),
    port: int | None = typer.Option(None, help="Overrides JOINTCODE_PORT."),
) -> None:
    """Migrate (when the owner URL is known) and serve the API."""
    import uvicorn

    from api.app import create_app

    settings = Settings.from_env()
    logging.basicConfig(level=settings.log_level.upper())
    if settings.log_level.lower() != "debug":  # migrations say nothing unless asked
        logging.getLogger("alembic").setLevel(logging.WARNING)
    endpoints = _prepare(settings)
    if demo_data:
        _print_demo(settings, endpoints, profile)
    host = host or settings.host
    port = port or settings.port
    typer.echo(f"Serving on http://{host}:{port}/  (GraphiQL at http://{host}:{port}/graphql)")
    sys.stdout.flush()
    application = create_app(
        app_database(settings, endpoints),
        max_body_bytes=settings.max_body_bytes,
        public_cache_entries=settings.public_cache_entries,
        public_cache_refresh_ms=settings.public_cache_refresh_ms,
        signer=_signer(settings),
        anonymous_rate=settings.anonymous_rate,
        failed_auth_rate=settings.failed_auth_rate,
    )
    uvicorn.run(application, host=host, port=port, log_level=settings.log_level)


@token_app.command("issue")
def token_issue(
    role: str = typer.Option(..., help="officer, party_admin, committee or admin."),
    party: str | None = typer.Option(None, help="Party slug (officer and party_admin)."),
    label: str = typer.Option("", help="A note on who holds the token."),
    expires_days: int | None = typer.Option(None, help="Days until the token expires."),
) -> None:
    """Issue a token and print it: it is shown this once and stored only as a hash."""
    from parties import tokens
    from parties.tokens import Role

    try:
        parsed_role = Role(role)
    except ValueError:
        _fail("role must be officer, party_admin, committee or admin")
    expires = clock.now() + timedelta(days=expires_days) if expires_days else None
    issued = _in_transaction(
        lambda session: tokens.issue_token(
            session=session, role=parsed_role, party_slug=party, label=label, expires_at=expires
        )
    )
    typer.echo(issued.secret)  # stdout: the secret alone, for scripts to capture
    typer.echo(f"id {issued.token.id} (to revoke or rotate it; shown by `token list`)", err=True)


@token_app.command("enrolment")
def token_enrolment(
    party: str = typer.Argument(..., help="The party's slug."),
) -> None:
    """Create a one-time enrolment code for a party's administrator and print it."""
    from parties import tokens

    enrolment = _in_transaction(
        lambda session: tokens.create_enrolment(session=session, party_slug=party)
    )
    typer.echo(enrolment.code)
    typer.echo(
        f"valid until {enrolment.expires_at:%Y-%m-%d %H:%M} UTC; the party enrols with the "
        "`enrol` mutation and then issues its own officer tokens",
        err=True,
    )


@token_app.command("revoke")
def token_revoke(
    token: str = typer.Argument(..., help="The token's id, or the token itself."),
) -> None:
    """Revoke a token at once."""
    from parties import tokens

    try:
        token_id: UUID | None = UUID(token)
        secret = None
    except ValueError:
        token_id, secret = None, token
    revoked = _in_transaction(
        lambda session: tokens.revoke_token(session=session, token_id=token_id, secret=secret)
    )
    typer.echo(f"Revoked token {revoked.id} ({revoked.display_prefix}…).")


@token_app.command("rotate")
def token_rotate(
    token_id: str = typer.Argument(..., help="The token's id (see `token list`)."),
    expires_days: int | None = typer.Option(
        None, help="Days until the new token expires; default: the old token's lifetime."
    ),
) -> None:
    """Replace a live token with a new secret (same role, party, label); print the secret."""
    from parties import tokens

    try:
        parsed = UUID(token_id)
    except ValueError:
        _fail("give the token's id (a UUID), as `jointcode token list` shows it")
    expires = clock.now() + timedelta(days=expires_days) if expires_days else None
    issued = _in_transaction(
        lambda session: tokens.rotate_token(session=session, token_id=parsed, expires_at=expires)
    )
    typer.echo(issued.secret)
    typer.echo(f"id {issued.token.id} (replaces {parsed})", err=True)


@token_app.command("list")
def token_list(
    party: str | None = typer.Option(None, help="Only this party's tokens."),
    all_tokens: bool = typer.Option(False, "--all", help="Include revoked tokens."),
) -> None:
    """List tokens, newest first: id, prefix, role, party, label, dates. Never a secret."""
    from parties import service, tokens

    async def listing(session):
        party_id = None
        if party is not None:
            party_id = (await service.require_by_slug(session=session, slug=party)).id
        rows, after = [], None
        while True:
            page = await tokens.list_tokens(
                session=session,
                first=100,
                after=after,
                where=tokens.TokenFilter(party_id=party_id, include_revoked=all_tokens),
            )
            rows += [t for _, t in page.items]
            if not page.has_next_page:
                break
            after = page.items[-1][0]
        slugs = {
            p.id: p.slug
            for p in await service.get_many(
                session=session, party_ids={t.party_id for t in rows if t.party_id}
            )
        }
        return [(t, slugs.get(t.party_id, "-")) for t in rows]

    def when(value: datetime | None) -> str:
        return value.strftime("%Y-%m-%d %H:%M") if value else "-"

    typer.echo(
        f"{'id':<36}  {'prefix':<9}  {'role':<11}  {'party':<12}  {'created':<16}  "
        f"{'expires':<16}  {'last used':<16}  {'state':<24}  label"
    )
    for token, slug in _in_transaction(listing):
        state = "revoked " + when(token.revoked_at) if token.revoked_at else "live"
        typer.echo(
            f"{token.id!s:<36}  {token.display_prefix + '…':<9}  {token.role:<11}  {slug:<12}  "
            f"{when(token.created_at):<16}  {when(token.expires_at):<16}  "
            f"{when(token.last_used_at):<16}  {state:<24}  {token.label}"
        )


@party_app.command("add")
def party_add(
    slug: str = typer.Option(...),
    name: str = typer.Option(...),
    short_name: str | None = typer.Option(None),
    code_version: str | None = typer.Option(None, help="Defaults to the version in force."),
    adopted_on: datetime | None = typer.Option(
        None, formats=["%Y-%m-%d"], help="Adoption date (YYYY-MM-DD); defaults to today."
    ),
) -> None:
    """Register a party; it adopts a code version from a date."""
    from parties import service

    party = _in_transaction(
        lambda session: service.register_party(
            session=session,
            slug=slug,
            name=name,
            short_name=short_name,
            code_version=code_version,
            adopted_on=adopted_on.date() if adopted_on else None,
        )
    )
    typer.echo(
        f"Registered {party.name} ({party.slug}) under code version {party.code_version} "
        f"from {party.code_adopted_on}."
    )


@party_app.command("adopt")
def party_adopt(
    slug: str = typer.Argument(..., help="The party's slug."),
    version: str = typer.Argument(..., help="The code version id, e.g. 2."),
    on: datetime = typer.Option(
        ..., "--on", formats=["%Y-%m-%d"], help="Adoption date (YYYY-MM-DD); may be in the future."
    ),
) -> None:
    """A party adopts a code version: cases received from the date are assessed under it."""
    from parties import service

    async def adopt(session):
        party = await service.require_by_slug(session=session, slug=slug)
        return await service.adopt_code(
            session=session, party_id=party.id, code_version=version, adopted_on=on.date()
        )

    adoption = _in_transaction(adopt)
    typer.echo(f"{slug} adopts code version {adoption.code_version} from {adoption.adopted_on}.")


@code_app.command("validate")
def code_validate(path: Path = typer.Argument(..., exists=True, dir_okay=False)) -> None:
    """Check a code version file; print every problem with its path, exit 1 if any."""
    from codes.loader import CodeFileError, parse_version

    try:
        version = parse_version(path.read_text(encoding="utf-8"), source=str(path))
    except CodeFileError as exc:
        _fail(str(exc))
    typer.echo(
        f"{path}: valid code version {version.id} ({len(version.provisions)} provisions, "
        f"hash {version.content_hash[:12]})"
    )


@party_app.command("update")
def party_update(
    slug: str = typer.Argument(..., help="The party's slug."),
    name: str | None = typer.Option(None),
    short_name: str | None = typer.Option(None),
    ec_registration: str | None = typer.Option(None, help="e.g. PP52."),
    nation: list[str] = typer.Option(
        [], help="A nation it stands in (repeatable): england, scotland, wales, northern_ireland."
    ),
    membership: int | None = typer.Option(None, help="Number of members."),
) -> None:
    """Change a party's registry facts (only the options given)."""
    from parties import service

    async def update(session):
        party = await service.require_by_slug(session=session, slug=slug)
        changes: dict = {}
        if ec_registration is not None:
            changes["ec_registration"] = ec_registration
        if membership is not None:
            changes["membership"] = membership
        return await service.update_party(
            session=session,
            party_id=party.id,
            name=name,
            short_name=short_name,
            nations=nation or None,
            **changes,
        )

    party = _in_transaction(update)
    typer.echo(
        f"{party.slug}: {party.name} ({party.short_name}), registration "
        f"{party.ec_registration or '-'}, nations {', '.join(party.nations) or '-'}, "
        f"membership {party.membership or '-'}."
    )


@party_app.command("mapping")
def party_mapping(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="A mapping YAML file."),
) -> None:
    """Set a party's sanction names on the common ladder from a file (see parties/mappings/)."""
    from parties import sanction_mapping, service

    async def apply(session):
        mapping_file = sanction_mapping.read_file(path)  # a bad file is a DomainError too
        party = await service.require_by_slug(session=session, slug=mapping_file.party)
        rows = await sanction_mapping.set_mapping(
            session=session, party_id=party.id, entries=mapping_file.entries
        )
        return party.slug, len(rows)

    slug, count = _in_transaction(apply)
    typer.echo(f"{slug}: {count} sanction names mapped.")


@code_app.command("list")
def code_list() -> None:
    """List the code versions this service reads, with their dates and hashes."""
    import codes
    from codes.loader import CodeFileError, versions_dir

    try:
        versions = codes.load_versions()
    except CodeFileError as exc:
        _fail(str(exc))
    typer.echo(f"Code versions in {versions_dir()}:")
    typer.echo(f"  {'id':<8}  {'in force from':<13}  {'hash':<12}  title")
    for v in versions.values():
        typer.echo(f"  {v.id:<8}  {v.in_force_from!s:<13}  {v.content_hash[:12]}  {v.title}")


@code_app.command("guidance")
def code_guidance(
    provision: list[str] = typer.Option(..., "--provision", "-p", help="A proven provision id."),
    factor: list[str] = typer.Option([], "--factor", "-f", help="A factor id (repeatable)."),
    version: str | None = typer.Option(None, help="Defaults to the version in force."),
) -> None:
    """Show the severity level and recommended sanction range, step by step."""
    import codes
    from codes.errors import CodeInputError
    from codes.guidance import sanction_guidance

    found = codes.get_version(version) if version else codes.default_version()
    if found is None:
        _fail(f"Unknown code version {version!r}; known: {', '.join(codes.load_versions())}.")
    try:
        guidance = sanction_guidance(found, provisions=provision, factors=factor)
    except CodeInputError as exc:
        _fail("\n".join(p.message for p in exc.problems))
    typer.echo(f"Code version {guidance.version}: severity level {guidance.level}.")
    for line in guidance.explanation:
        typer.echo(f"  {line}")


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
    endpoints = _prepare(settings)
    total = importing.count_rows(path)
    rejected_path = rejected or path.with_suffix(".rejected.csv")

    async def work(db):
        async with db.transaction() as session:
            found = await service.require_by_slug(session=session, slug=party)
        label = f"{'Checking' if dry_run else 'Importing'} {total} rows"
        with typer.progressbar(length=total, label=label) as bar:
            return await importing.import_file(
                db=db, party_id=found.id, path=path, actor=_operator(), progress=bar.update,
                dry_run=dry_run,
            )  # fmt: skip

    try:
        summary = _run(settings, endpoints, work)
    except DomainError as exc:
        _fail(exc.message)
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
    endpoints = _prepare(settings)

    async def work(db):
        async with db.transaction() as session:
            parties = await service.list_parties(session=session)
        done = {}
        for party in parties:
            async with db.transaction(party_id=party.id, actor=_operator()) as session:
                done[party.slug] = await lifecycle.finalise_due(session=session, party_id=party.id)
        return done

    for slug, count in _run(settings, endpoints, work).items():
        typer.echo(f"{slug}: {count} case(s) made final")


CHECKPOINTS_HELP = (
    "A checkpoints document (a file, or a URL such as https://…/open-data/checkpoints.json "
    "kept from earlier): also report entries or releases it signed that are gone or changed."
)
PUBLIC_KEY_HELP = "Trust only checkpoints signed by this key (base64, as published)."


def _checkpoint_findings(db_work, source: str | None, public_key: str | None, chain: str) -> bool:
    """Print what the checkpoints show; True when something is wrong."""
    if source is None:
        return False
    from publication import checkpoints

    try:
        document = checkpoints.load_document(source)
    except (OSError, ValueError) as exc:
        _fail(f"cannot read checkpoints from {source}: {exc}")
    findings = checkpoints.signature_findings(document, trusted_key=public_key)
    findings += db_work(document)
    count = len(document.get("checkpoints", []))
    for finding in findings:
        typer.secho(f"{finding.chain}: {finding.problem}", fg=typer.colors.RED)
    if not findings:
        typer.echo(f"{count} checkpoint(s): every signed {chain} head is still in place")
    return bool(findings)


@app.command("checkpoint")
def checkpoint() -> None:
    """Sign every chain's head now (run daily, e.g. from cron); print the checkpoint."""
    from publication import checkpoints

    settings = Settings.from_env()
    signer = _signer(settings)
    signed = _in_transaction(lambda session: checkpoints.record(session=session, signer=signer))
    typer.echo(json.dumps(signed, indent=2))


@audit_app.command("verify")
def audit_verify(
    checkpoints_source: str | None = typer.Option(None, "--checkpoints", help=CHECKPOINTS_HELP),
    public_key: str | None = typer.Option(None, help=PUBLIC_KEY_HELP),
) -> None:
    """Recompute every party's hash chain; name the first broken entry; exit 1 if any.

    Reads every chain, so it connects as the owner (DATABASE_URL).
    """
    from sqlalchemy.ext.asyncio import AsyncSession

    from db import audit
    from db.session import make_engine

    settings = Settings.from_env()
    endpoints = _prepare(settings)
    if endpoints.owner_url is None:
        _fail("audit verify reads every party's chain: set DATABASE_URL (the owner role).")

    async def main(document=None):
        from publication import checkpoints

        engine = make_engine(endpoints.owner_url, pool_size=1, max_overflow=0)
        try:
            async with AsyncSession(engine) as session, session.begin():
                if document is not None:
                    return await checkpoints.compare(
                        session=session, document=document, chain="audit"
                    )
                reports = await audit.verify_chains(session)
                slugs = dict((await session.execute(text("SELECT id, slug FROM parties"))).all())
        finally:
            await engine.dispose()
        return reports, slugs

    from sqlalchemy import text

    reports, slugs = asyncio.run(main())
    lost = _checkpoint_findings(
        lambda document: asyncio.run(main(document)), checkpoints_source, public_key, "audit"
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
    if broken or lost:
        raise typer.Exit(1)


@release_app.command("verify")
def release_verify(
    checkpoints_source: str | None = typer.Option(None, "--checkpoints", help=CHECKPOINTS_HELP),
    public_key: str | None = typer.Option(None, help=PUBLIC_KEY_HELP),
) -> None:
    """Recompute every release chain from the published records, and the public statistics
    tables from the outcomes; exit 1 if anything differs (or checkpoints show a loss)."""
    from publication import checkpoints, releases, statistics

    settings = Settings.from_env()
    endpoints = _prepare(settings)

    async def work(db):
        async with db.transaction() as session:
            chains = await releases.verify_chains(session=session)
        drift = await statistics.verify_tables(db=db)
        return chains, drift

    async def compare(db, document):
        async with db.transaction() as session:
            return await checkpoints.compare(session=session, document=document, chain="release")

    chains, drift = _run(settings, endpoints, work)
    for table, problem in drift:
        typer.secho(f"statistics {table}: {problem}", fg=typer.colors.RED)
    if not drift:
        typer.echo("statistics tables: every stored cell matches a recount of the outcomes")
    lost = _checkpoint_findings(
        lambda document: _run(settings, endpoints, lambda db: compare(db, document)),
        checkpoints_source,
        public_key,
        "release",
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
    if broken:
        raise typer.Exit(1)


@schema_app.command("export")
def schema_export() -> None:
    """Print the GraphQL SDL (what schema/schema.graphql must hold)."""
    from schema import export_sdl

    sys.stdout.write(export_sdl())
