"""Reads of what every caller may see: one unbound statement, on a small pool of their own.

A public statistics answer is one statement. Through SQLAlchemy, checking a connection
out of the engine's pool and back cost more CPU than the statement: about 0.25 ms against
0.08 ms through asyncpg's own pool (measured in-process, decision 0019). So these reads
use an asyncpg pool made from the engine's own connection arguments and settings.

- **Safety.** Nothing else uses these connections, and nothing on them opens a
  transaction or binds a caller. Row-level security shows such a statement only what is
  public (``tests/test_public_reads.py``).
- **Size.** The pool holds at most ``max_size`` connections, made when first needed and
  closed after five idle minutes (asyncpg's default).
- **Busy pool.** A pool with every connection busy for ``timeout_s`` raises SQLAlchemy's
  own TimeoutError. The service answers that as SERVICE_BUSY, as for the engine's pool.
"""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import orjson
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncEngine


async def _codecs(connection: asyncpg.Connection) -> None:
    """JSON as the engine's connections have it: decoded by orjson; a parameter is
    passed as JSON text already."""
    for name in ("json", "jsonb"):
        await connection.set_type_codec(
            name, schema="pg_catalog", encoder=str, decoder=orjson.loads, format="text"
        )


async def _nothing_to_reset(connection: asyncpg.Connection) -> None:
    """asyncpg resets a returned connection (RESET ALL, UNLISTEN, advisory locks) with a
    round trip. These connections run single SELECTs and never change their session."""


class PublicReads:
    def __init__(
        self,
        engine: AsyncEngine,
        *,
        server_settings: dict[str, str],
        max_size: int = 4,
        timeout_s: float = 5.0,
    ) -> None:
        self.engine = engine
        self.server_settings = server_settings
        self.max_size = max_size
        self.timeout_s = timeout_s
        self._pool: asyncpg.Pool | None = None
        self._making = asyncio.Lock()

    async def fetch(self, sql: str, *arguments: Any) -> list[Any]:
        pool = self._pool or await self._made()
        try:
            async with pool.acquire(timeout=self.timeout_s) as connection:
                records: list[Any] = await connection.fetch(sql, *arguments)
                return records
        except TimeoutError as error:
            raise PoolTimeout("every connection for public reads is busy") from error

    async def _made(self) -> asyncpg.Pool:
        async with self._making:
            if self._pool is None:
                dialect = self.engine.sync_engine.dialect
                args, params = dialect.create_connect_args(self.engine.url)
                self._pool = await asyncpg.create_pool(
                    *args,
                    **params,
                    min_size=0,
                    max_size=self.max_size,
                    server_settings=self.server_settings,
                    init=_codecs,
                    reset=_nothing_to_reset,
                )
            return self._pool

    @property
    def in_use(self) -> int:
        """Connections checked out now (a gauge for /metrics)."""
        if self._pool is None:
            return 0
        busy: int = self._pool.get_size() - self._pool.get_idle_size()
        return busy

    async def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()
