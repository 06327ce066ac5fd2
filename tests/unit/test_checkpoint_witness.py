"""Checkpoints you can rely on (issue 21): public at once, linked, pinned, witnessed.

As the database owner, the issue truncated a chain, replaced the checkpoints with ones
signed by a key of its own, and `audit verify --checkpoints <live URL>` still passed;
a daily checkpoint stayed off the public URL until the next release. Each attack here
runs against the live URL of a real server, and the operator's worst case too: a
rewritten history re-signed with the operator's own, pinned key.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import uvicorn
from typer.testing import CliRunner

from api.app import create_app
from db.session import Database
from publication import checkpoints
from publication.checkpoints import Signer
from tests.conftest import GraphQLClient

runner = CliRunner()
COSIGN = """mutation($input: CosignCheckpointsInput!) {
  cosignCheckpoints(input: $input) { added errors { code field } } }"""


@pytest.fixture
def operator_key(tmp_path: Path) -> Signer:
    return Signer.load_or_create(tmp_path / "operator.pem")


@pytest.fixture
async def live(db: Database, operator_key: Signer) -> AsyncIterator[str]:
    """The service on a real port, signing with the operator's key file, as deployed."""
    app = create_app(db, signer=operator_key, public_cache_refresh_ms=0, background=False,
                     anonymous_rate=None, failed_auth_rate=None, report_rate=None)  # fmt: skip
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))  # fmt: skip
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 (uvicorn offers no started event)
        await asyncio.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


@pytest.fixture
async def gql(live: str) -> AsyncIterator[GraphQLClient]:
    """GraphQL over HTTP to the live server: every checkpoint is signed by its key."""
    async with httpx.AsyncClient(base_url=live) as http:
        yield GraphQLClient(http)


async def _document(url: str) -> dict:
    async with httpx.AsyncClient() as http:
        return (await http.get(f"{url}/open-data/checkpoints.json")).json()


def test_stale_checkpoints_and_a_silent_witness_show_within_an_interval() -> None:
    operator, witness = Signer.ephemeral(), Signer.ephemeral()
    at = datetime(2026, 12, 1, tzinfo=UTC)
    document: dict = {"checkpoints": []}
    previous = None
    for seq in (1, 2, 3):
        body = {"seq": seq, "previous": checkpoints.digest(previous) if previous else None,
                "at": (at + timedelta(days=seq)).isoformat(), "heads": []}  # fmt: skip
        cosigned = [] if seq == 3 else [{"public_key": witness.public_key,
                    "signature": witness.sign(checkpoints.witness_message(body))}]  # fmt: skip
        document["checkpoints"].append({"body": body, "public_key": operator.public_key,
                                        "signature": operator.sign(checkpoints.canonical(body)),
                                        "cosignatures": cosigned})  # fmt: skip
        previous = body
    pins = {"signing_keys": [operator.fingerprint], "witness_keys": [witness.fingerprint]}
    fresh = at + timedelta(days=3, hours=1)
    assert checkpoints.signature_findings(
        document, **pins, max_age=timedelta(days=2), now=fresh) == []  # fmt: skip
    late = checkpoints.signature_findings(
        document, **pins, max_age=timedelta(days=2), now=at + timedelta(days=6)
    )
    assert len(late) == 2
    assert late[0].problem.startswith(f"no checkpoint since {(at + timedelta(days=3)).isoformat()}")
    assert late[1].problem.startswith(
        f"the witness has cosigned nothing since {(at + timedelta(days=2)).isoformat()}"
    )
    # a checkpoint taken out of the middle breaks the chain, whoever signs again
    del document["checkpoints"][1]
    gap = checkpoints.signature_findings(document, **pins)
    assert any("does not extend" in f.problem for f in gap)
