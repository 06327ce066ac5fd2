"""The witness: the Committee cosigns the operator's checkpoints with a key of its own.

Run by the Committee's secretariat on a machine the operator does not control, as often
as checkpoints are made (daily), e.g. from cron::

    jointcode witness init --key witness.pem          # once; publish the fingerprint
    jointcode witness cosign --url https://jointcode.example --key witness.pem \\
        --state witness-state.json --signing-key SHA256:…   # JOINTCODE_WITNESS_TOKEN set

``cosign`` reads the live checkpoints, checks every one (the operator's pinned key, the
links between them) and that the checkpoint it cosigned last is still there unchanged;
only then does it cosign the new ones, over GraphQL with the Committee's token, and
remember the newest. If the history was rewritten it cosigns nothing and exits 2: that
refusal, and the verifiers' ``--witness-key``, are what the operator cannot get around.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.request import Request, urlopen

import typer

from cli.common import fail, witness_app

KEY_HELP = "The witness's private key (PEM), kept by the Committee, never by the operator."


@witness_app.command("init")
def witness_init(key: Path = typer.Option(..., help=KEY_HELP)) -> None:
    """Create the witness key (if absent) and print its fingerprint and public key."""
    from publication.checkpoints import Signer

    witness = Signer.load_or_create(key)
    typer.echo(witness.fingerprint)
    typer.echo(witness.public_key)


COSIGN = """mutation($input: CosignCheckpointsInput!) {
  cosignCheckpoints(input: $input) { added errors { code field message } }
}"""


@witness_app.command("cosign")
def witness_cosign(
    url: str = typer.Option(..., help="The service's address, e.g. https://jointcode.example"),
    key: Path = typer.Option(..., help=KEY_HELP),
    state: Path = typer.Option(..., help="Where the witness remembers what it cosigned last."),
    signing_key: list[str] = typer.Option(
        ..., "--signing-key", help="The operator's checkpoint key, pinned (SHA256:… or base64)."
    ),
) -> None:
    """Check the live checkpoints extend what this witness cosigned, then cosign the new."""
    from publication import checkpoints
    from publication.checkpoints import Signer, WitnessRefusal

    token = os.environ.get("JOINTCODE_WITNESS_TOKEN")
    if not token:
        fail("set JOINTCODE_WITNESS_TOKEN to the Committee's API token")
    base = url.rstrip("/")
    document = checkpoints.load_document(f"{base}/open-data/checkpoints.json")
    remembered = json.loads(state.read_text()) if state.exists() else None
    witness = Signer.load_or_create(key)
    try:
        round_ = checkpoints.witness_round(
            document, state=remembered, witness=witness, signing_keys=signing_key
        )
    except WitnessRefusal as refusal:
        typer.secho(f"ALARM: cosigning nothing: {refusal}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    if round_.cosignatures:
        variables = {
            "input": {
                "publicKey": witness.public_key,
                "cosignatures": [{"seq": n, "signature": s} for n, s in round_.cosignatures],
            }
        }
        request = Request(
            f"{base}/graphql",
            data=json.dumps({"query": COSIGN, "variables": variables}).encode(),
            headers={"content-type": "application/json", "authorization": f"Bearer {token}"},
        )
        with urlopen(request, timeout=30) as response:
            answer = json.loads(response.read())
        payload = (answer.get("data") or {}).get("cosignCheckpoints")
        if not payload or payload["errors"]:
            fail(f"the service refused the cosignatures: {answer}")
    partial = state.with_name(state.name + ".partial")
    partial.write_text(json.dumps(round_.state, indent=2))
    partial.replace(state)  # the state moves on only once the service holds the cosignatures
    typer.echo(
        f"cosigned {len(round_.cosignatures)} checkpoint(s); newest cosigned: "
        f"{round_.state.get('seq', 'none')}"
    )
