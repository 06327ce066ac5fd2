"""Editions of the public statistics, as the operator."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from cli.common import in_operator_transaction, statistics_app

if TYPE_CHECKING:
    from publication.statistics import Edition


def _describe(edition: Edition) -> str:
    revised = f", revision {edition.revision} ({edition.reason})" if edition.revision > 1 else ""
    return (
        f"edition {edition.edition}{revised}: period to {edition.period_end}, calendar date "
        f"{edition.publishes_on}, computed {edition.computed_at:%Y-%m-%d %H:%M} UTC"
    )


@statistics_app.command("publish-due")
def publish_due() -> None:
    """Publish the newest edition that is due (the service also does it every hour)."""
    from publication import statistics

    made = in_operator_transaction(lambda session: statistics.publish_due(session=session))
    typer.echo(f"published {_describe(made)}" if made else "nothing due: no edition published")


@statistics_app.command("publish")
def publish(
    edition: str = typer.Argument(..., help="The quarter, e.g. 2026-Q3."),
    reason: str | None = typer.Option(
        None, help="Revise the newest edition of this quarter: a new revision, with this reason."
    ),
) -> None:
    """Publish a quarter's edition now, whatever the date: a time-shifted copy, or a
    revision of the newest (with --reason; the old one stays readable). Audited as the
    operator; the service itself publishes only what the calendar says is due."""
    from publication import statistics

    made = in_operator_transaction(
        lambda session: statistics.publish_edition(session=session, edition=edition, reason=reason)
    )
    if made is None:
        typer.echo(f"edition {edition} is published already: give --reason to revise it")
        raise typer.Exit(1)
    typer.echo(f"published {_describe(made)}")


@statistics_app.command("editions")
def list_editions() -> None:
    """Every edition and revision, newest first."""
    from publication import statistics

    for edition in in_operator_transaction(lambda session: statistics.editions(session=session)):
        typer.echo(_describe(edition))
