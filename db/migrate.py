"""Apply the Alembic migrations programmatically, as the owner role.

The application role is created by the first migration; its password (for servers that
do not trust local connections) comes from JOINTCODE_APP_PASSWORD and is set here, so
no secret is ever written into a migration file.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from db import code_versions
from db.session import APP_ROLE, asyncpg_url, make_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(owner_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["owner_url"] = asyncpg_url(owner_url)
    return config


def upgrade(owner_url: str, *, revision: str = "head", app_password: str | None = None) -> None:
    """Migrate, check adopted code files are unchanged, set the app role's password if given.

    Synchronous (Alembic runs its own event loop): call it from a thread in async code.
    """
    command.upgrade(alembic_config(owner_url), revision)
    asyncio.run(_after_upgrade(owner_url, app_password))


async def _after_upgrade(owner_url: str, password: str | None) -> None:
    engine = make_engine(owner_url, pool_size=1, max_overflow=0)
    try:
        async with AsyncSession(engine) as session, session.begin():
            await code_versions.check(session=session)
            await code_versions.record_rules(session=session)
            if password:
                quoted = await session.scalar(text("SELECT quote_literal(:p)"), {"p": password})
                await session.execute(text(f"ALTER ROLE {APP_ROLE} PASSWORD {quoted}"))
    finally:
        await engine.dispose()
