"""`jointcode keys`: make the operator's keys once, and rotate them (``api.keys``)."""

from __future__ import annotations

import typer

from api.settings import Settings
from cli.common import app, fail, prepare_database, run_as_operator

keys_app = typer.Typer(help="The data key and the signing key.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@keys_app.command("init")
def init() -> None:
    """Make the data key and the signing key where the settings say, if missing (never
    replacing one). Run it once per deployment, before the first `serve`."""
    from api import keys

    settings = Settings.from_env()
    for line in keys.init(settings.data_key_path, settings.signing_key_path):
        typer.echo(line)


@keys_app.command("rotate-data")
def rotate_data() -> None:
    """A new data key: every party's key, webhook secret and email address re-wrapped under
    it in one transaction, then the file replaced (the old one kept beside it). Stop the
    service first; start it after."""
    from api import keys

    settings = Settings.from_env()
    if not settings.data_key_path.exists():
        fail(keys.NOT_FOUND.format(what="The data key", path=settings.data_key_path))
    for line in run_as_operator(
        settings,
        prepare_database(settings),
        lambda db: keys.rotate_data_key(db, settings.data_key_path),
    ):
        typer.echo(line)


@keys_app.command("reseal")
def reseal() -> None:
    """Seal again with HPKE (RFC 9180) every report text and evidence file sealed in the
    format before it, in one transaction; what is already HPKE is left alone, so running it
    twice changes nothing. Announces nothing to the parties (no webhook, no updatedAt)."""
    from api import keys
    from db.envelope import KeyEncryptionKey

    settings = Settings.from_env()
    if not settings.data_key_path.exists():
        fail(keys.NOT_FOUND.format(what="The data key", path=settings.data_key_path))
    kek = KeyEncryptionKey.load(settings.data_key_path)
    counts = run_as_operator(settings, prepare_database(settings), lambda db: keys.reseal(db, kek))
    typer.echo("sealed again with HPKE: " + ", ".join(f"{n} {what}" for what, n in counts.items()))


@keys_app.command("rotate-signing")
def rotate_signing() -> None:
    """A new checkpoint signing key (the old one kept beside it; old checkpoints verify)."""
    from api import keys

    settings = Settings.from_env()
    try:
        lines = keys.rotate_signing_key(settings.signing_key_path)
    except FileNotFoundError:
        fail(keys.NOT_FOUND.format(what="The signing key", path=settings.signing_key_path))
    for line in lines:
        typer.echo(line)
