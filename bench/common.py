"""What the benchmarks share: a server to run on and a fresh database on it."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

from db import embedded
from db.audit import Actor
from db.session import asyncpg_url, run_autocommit
from migrations import migrate

# Who the audit trails name for what a benchmark sets up as the operator.
OPERATOR = Actor("bench", "operator")


@contextmanager
def server() -> Iterator[str]:
    """BENCH_DATABASE_URL, else TEST_DATABASE_URL, else an embedded server (temporary)."""
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if url:
        yield asyncpg_url(url)
        return
    with tempfile.TemporaryDirectory() as tmp:
        started = embedded.start(Path(tmp) / "pg")
        try:
            yield embedded.owner_url(started, "postgres")
        finally:
            started.cleanup()


@asynccontextmanager
async def fresh_database(server_url: str, prefix: str) -> AsyncIterator[str]:
    """A migrated database of its own, dropped afterwards; yields the owner's URL."""
    import asyncio

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    await run_autocommit(server_url, f'CREATE DATABASE "{name}"')
    owner = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    try:
        await asyncio.to_thread(migrate.upgrade, owner)
        yield owner
    finally:
        await run_autocommit(server_url, f'DROP DATABASE "{name}" WITH (FORCE)')


def with_keys(env: dict[str, str], folder: str) -> dict[str, str]:
    """The environment with the operator's keys in ``folder``, made there once (`jointcode
    keys init`), as production needs them before `serve` starts."""
    env = {**env, "JOINTCODE_KEY_DIR": folder}
    if not (Path(folder) / "data-encryption-key").exists():
        jointcode = Path(sys.executable).parent / "jointcode"
        subprocess.run([jointcode, "keys", "init"], env=env, check=True, capture_output=True)
    return env


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
