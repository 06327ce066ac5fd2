"""What a service process runs beside its requests, started and stopped with it.

Every worker of every replica starts all of it; what must run once is claimed in the
database. The periodic jobs (checkpoints, editions, retention: ``api.scheduler``) and each
round of status emails are claimed in the deployment's schedule; webhook deliveries are
leased row by row (``webhook_claim``). Folding the case-read log is safe from any number
of processes at once.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from api import scheduler
from api.notifications import Notifier, SmtpSettings
from api.webhooks import Deliverer, WebhookSettings
from cases import reading
from db.envelope import KeyEncryptionKey
from db.session import Database
from publication.checkpoints import Signer

log = logging.getLogger("jointcode")
FOLD_EVERY_S = 5


async def fold_reads_forever(db: Database) -> None:
    """Keep counting a case's reads as cheap as the first one (``cases.reading``)."""
    while True:
        try:
            async with db.transaction() as session:
                await reading.fold_reads(session=session)
        except Exception:  # counts stay right meanwhile; the fold only makes them cheap
            log.exception("folding the access log failed")
        await asyncio.sleep(FOLD_EVERY_S)


@dataclass
class Background:
    db: Database
    signer: Signer
    kek: KeyEncryptionKey
    webhooks: WebhookSettings
    smtp: SmtpSettings | None = None
    # the periodic jobs here (JOINTCODE_SCHEDULER=off: `jointcode scheduler` runs them);
    # retention only where the owner's connection is given
    run_scheduler: bool = True
    owner_db: Database | None = None
    metrics_dir: Path | None = None
    # held back until set (a first `make run` seeds its demo history behind the service)
    scheduler_after: threading.Event | None = None
    _tasks: list[asyncio.Task[None]] = field(default_factory=list, init=False)
    _deliverer: Deliverer | None = field(default=None, init=False)

    def start(self) -> None:
        self._deliverer = Deliverer(self.db, self.kek, self.webhooks)
        work: list[Coroutine[Any, Any, None]] = [
            fold_reads_forever(self.db),
            self._deliverer.forever(),
        ]
        if self.run_scheduler:
            context = scheduler.Context(
                db=self.db, owner=self.owner_db, signer=self.signer,
                warning_days=self.webhooks.warning_days,
            )  # fmt: skip
            work.append(
                self._after_seeding(
                    lambda: scheduler.forever(context, self.metrics_dir, scheduler.JOBS)
                )
            )
        if self.smtp and self.smtp.host:
            work.append(Notifier(self.db, self.kek, self.smtp).forever())
        self._tasks = [asyncio.create_task(w) for w in work]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        if self._deliverer is not None:
            await self._deliverer.close()

    async def _after_seeding(self, work: Callable[[], Awaitable[None]]) -> None:
        # a threading.Event set by another thread: polled, so that shutting down while it
        # is unset never waits on a blocked executor thread
        while self.scheduler_after is not None and not self.scheduler_after.is_set():  # noqa: ASYNC110
            await asyncio.sleep(1)
        await work()
