"""The party registry and the code's version files."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from api.settings import Settings
from cli.common import (
    code_app,
    fail,
    in_operator_transaction,
    load_signer,
    party_app,
)

if TYPE_CHECKING:
    from typing import Any

    from sqlalchemy.ext.asyncio import AsyncSession

    from parties.models import CodeAdoption, Party


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

    party = in_operator_transaction(
        lambda session: service.register_party(
            session=session,
            slug=slug,
            name=name,
            short_name=short_name,
            code_version=code_version,
            adopted_on=adopted_on.date() if adopted_on else None,
            checkpoint_key=load_signer(Settings.from_env()).fingerprint,
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
    from parties import registry

    async def adopt(session: AsyncSession) -> CodeAdoption:
        _, adoption = await registry.adopt_code(
            session=session,
            party=slug,
            code_version=version,
            adopted_on=on.date(),
            checkpoint_key=load_signer(Settings.from_env()).fingerprint,
        )
        return adoption

    adoption = in_operator_transaction(adopt)
    typer.echo(f"{slug} adopts code version {adoption.code_version} from {adoption.adopted_on}.")


@code_app.command("validate")
def code_validate(path: Path = typer.Argument(..., exists=True, dir_okay=False)) -> None:
    """Check a code version file; print every problem with its path, exit 1 if any."""
    from codes.loader import CodeFileError, parse_version

    try:
        version = parse_version(path.read_text(encoding="utf-8"), source=str(path))
    except CodeFileError as exc:
        fail(str(exc))
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
    publishes_timeliness: bool | None = typer.Option(
        None, help="The party publishes its timeliness figures on the public site (or not)."
    ),
) -> None:
    """Change a party's registry facts (only the options given)."""
    from parties import registry

    async def update(session: AsyncSession) -> Party:
        changes: dict[str, Any] = {}
        if ec_registration is not None:
            changes["ec_registration"] = ec_registration
        if membership is not None:
            changes["membership"] = membership
        return await registry.update_party(
            session=session,
            party=slug,
            name=name,
            short_name=short_name,
            nations=nation or None,
            publishes_timeliness=publishes_timeliness,
            **changes,
        )

    party = in_operator_transaction(update)
    typer.echo(
        f"{party.slug}: {party.name} ({party.short_name}), registration "
        f"{party.ec_registration or '-'}, nations {', '.join(party.nations) or '-'}, "
        f"membership {party.membership or '-'}, timeliness "
        f"{'published' if party.publishes_timeliness else 'not published'}."
    )


@party_app.command("mapping")
def party_mapping(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="A mapping YAML file."),
) -> None:
    """Set a party's sanction names on the common ladder from a file (see parties/mappings/)."""
    from parties import registry, sanction_mapping

    async def apply(session: AsyncSession) -> tuple[str, int]:
        mapping_file = sanction_mapping.read_file(path)  # a bad file is a DomainError too
        party, rows = await registry.set_sanction_names(
            session=session, party=mapping_file.party, entries=mapping_file.entries
        )
        return party.slug, len(rows)

    slug, count = in_operator_transaction(apply)
    typer.echo(f"{slug}: {count} sanction names mapped.")


@code_app.command("list")
def code_list() -> None:
    """List the code versions this service reads, with their dates and hashes."""
    import codes
    from codes.loader import CodeFileError, versions_dir

    try:
        versions = codes.load_versions()
    except CodeFileError as exc:
        fail(str(exc))
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
        fail(f"Unknown code version {version!r}; known: {', '.join(codes.load_versions())}.")
    try:
        guidance = sanction_guidance(found, provisions=provision, factors=factor)
    except CodeInputError as exc:
        fail("\n".join(p.message for p in exc.problems))
    typer.echo(f"Code version {guidance.version}: severity level {guidance.level}.")
    for line in guidance.explanation:
        typer.echo(f"  {line}")
