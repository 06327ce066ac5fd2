"""Alembic environment: async engine, owner URL passed in by ``migrations.migrate``.

``migrations.migrate.revision`` runs it in autogenerate mode: then only the replaceable entities of
``db/sql/`` (functions, triggers, policies) are compared, through ``alembic_utils``; tables,
columns and grants are written by hand in their migrations.
"""

import asyncio
import warnings
from typing import Any

from alembic import context
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SAWarning

from db.session import make_engine

config = context.config
ENTITY_TYPES = frozenset({"function", "trigger", "policy"})


def _only_entities(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    return type_ in ENTITY_TYPES


def _run(connection: Connection) -> None:
    if config.attributes.get("autogenerate"):
        from alembic_utils.replaceable_entity import register_entities

        from db import objects

        register_entities(objects.entities(), schemas=["public"])
        # tables are reflected, then left out (include_object): their types do not matter
        warnings.filterwarnings("ignore", "Did not recognize type", SAWarning)
        context.configure(
            connection=connection,
            target_metadata=MetaData(),
            include_object=_only_entities,
            process_revision_directives=config.attributes.get("process_revision_directives"),
        )
    else:
        context.configure(
            connection=connection, target_metadata=None, transaction_per_migration=True
        )
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
