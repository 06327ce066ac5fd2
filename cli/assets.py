"""Installing the browser assets the service serves itself (``website.assets``)."""

from __future__ import annotations

import typer

from cli.common import assets_app, fail


@assets_app.command("fetch")
def fetch(
    registry: str | None = typer.Option(
        None,
        help="An npm registry or mirror (default: JOINTCODE_NPM_REGISTRY, "
        "NPM_CONFIG_REGISTRY, else https://registry.npmjs.org).",
    ),
) -> None:
    """Download GraphiQL and React from the npm registry, check their hashes, install them."""
    from website import assets

    try:
        written = assets.fetch(registry=registry)
    except (OSError, assets.AssetError) as exc:
        fail(f"Could not install the browser assets: {exc}")
    if written:
        typer.echo(f"Installed {len(written)} asset file(s) into {assets.VENDOR}.")
    else:
        typer.echo("The browser assets are installed and match their hashes.")


@assets_app.command("check")
def check() -> None:
    """Exit 1 if an asset is missing or does not match its hash."""
    from website import assets

    missing = assets.missing()
    for asset in missing:
        typer.echo(f"missing or changed: {asset.package}/{asset.path}", err=True)
    raise typer.Exit(1 if missing else 0)
