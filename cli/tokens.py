"""Tokens and enrolment codes, as the operator."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

import typer

from cli.common import (
    fail,
    in_operator_transaction,
    token_app,
)
from codes import clock

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from parties.models import Token


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
        fail("role must be officer, party_admin, committee or admin")
    expires = clock.now() + timedelta(days=expires_days) if expires_days else None
    issued = in_operator_transaction(
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

    enrolment = in_operator_transaction(
        lambda session: tokens.create_enrolment(session=session, party_slug=party)
    )
    typer.echo(enrolment.code)
    consent = (
        "; the party has had an administrator, so the code works only once one of them "
        "(or, for a party with none left, the Committee) approves it with `approveEnrolment` "
        f"(enrolment id {enrolment.id}); the party's trail already shows it"
        if enrolment.needs_consent
        else ""
    )
    typer.echo(
        f"valid until {enrolment.expires_at:%Y-%m-%d %H:%M} UTC; the party enrols with the "
        f"`enrol` mutation and then issues its own officer tokens{consent}",
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
    revoked = in_operator_transaction(
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
        fail("give the token's id (a UUID), as `jointcode token list` shows it")
    expires = clock.now() + timedelta(days=expires_days) if expires_days else None
    issued = in_operator_transaction(
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

    async def listing(session: AsyncSession) -> list[tuple[Token, str]]:
        party_id: UUID | None = None
        if party is not None:
            party_id = (await service.require_by_slug(session=session, slug=party)).id
        rows: list[Token] = []
        after: str | None = None
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
        return [(t, slugs.get(t.party_id, "-") if t.party_id else "-") for t in rows]

    def when(value: datetime | None) -> str:
        return value.strftime("%Y-%m-%d %H:%M") if value else "-"

    typer.echo(
        f"{'id':<36}  {'prefix':<9}  {'role':<11}  {'party':<12}  {'created':<16}  "
        f"{'expires':<16}  {'last used':<16}  {'state':<24}  label"
    )
    for token, slug in in_operator_transaction(listing):
        state = "revoked " + when(token.revoked_at) if token.revoked_at else "live"
        typer.echo(
            f"{token.id!s:<36}  {token.display_prefix + '…':<9}  {token.role:<11}  {slug:<12}  "
            f"{when(token.created_at):<16}  {when(token.expires_at):<16}  "
            f"{when(token.last_used_at):<16}  {state:<24}  {token.label}"
        )
