"""Alembic environment: async engine, owner URL passed in by ``db.migrate``."""

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from db.session import make_engine

config = context.config


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=None, transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()


async def _main() -> None:
    engine = make_engine(config.attributes["owner_url"], pool_size=1, max_overflow=0)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `jointcode migrate`")
asyncio.run(_main())
