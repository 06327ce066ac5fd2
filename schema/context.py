"""What every resolver receives: the database, who is calling, and per-request loaders."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from cases import evidence
from cases import reports as report_service
from cases import service as case_service
from db import audit
from db.audit import Actor
from db.envelope import KeyEncryptionKey
from db.session import Database
from parties import sanction_mapping
from parties import service as party_service
from parties.models import CodeAdoption, PartySanction
from parties.tokens import Viewer
from publication.checkpoints import Signer

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")


@dataclass(slots=True)
class Loaders:
    """Batch related-object reads: one query per kind per request, never one per parent.

    Each batch runs in its own short transaction, so loaders never share a session with
    fields resolving concurrently.
    """

    db: Database
    adoptions: DataLoader[UUID, list[CodeAdoption]] = field(init=False)
    sanction_mappings: DataLoader[UUID, list[PartySanction]] = field(init=False)

    _per_party: dict[tuple[str, UUID], DataLoader[Any, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.adoptions = DataLoader(load_fn=self._adoptions)
        self.sanction_mappings = DataLoader(load_fn=self._sanction_mappings)

    def close(self) -> None:
        """Drop what the request loaded. A DataLoader, its futures and their batches refer
        to each other: left alone, each page's loaded rows (thousands of objects) waited
        for Python's cyclic collector instead of going when the request ends."""
        loaders: list[DataLoader[Any, Any]] = [self.adoptions, self.sanction_mappings]
        for loader in [*loaders, *self._per_party.values()]:
            loader.clear_all()
        self._per_party.clear()

    def repeat_counts(self, party_id: UUID) -> DataLoader[str, int]:
        """Cases per respondent pseudonym in the party: one grouped query per request."""
        return self._batched(
            "repeats",
            party_id,
            lambda session, pseudonyms: case_service.repeat_counts(
                session=session, party_id=party_id, pseudonyms_=pseudonyms
            ),
            missing=lambda: 0,
        )

    def histories(self, party_id: UUID) -> DataLoader[UUID, list[audit.Entry]]:
        """Audit entries per case, read inside the party's own chain: one query per request."""
        return self._batched(
            "histories",
            party_id,
            lambda session, case_ids: case_service.histories(session=session, case_ids=case_ids),
            missing=list,
        )

    def reads(
        self, party_id: UUID, first: int
    ) -> DataLoader[tuple[UUID, int | None], tuple[list[case_service.CaseRead], int]]:
        """Reads of each case after a cursor, with each case's total: two queries for all
        the cases of a request that ask for the same page size."""

        async def load(
            keys: list[tuple[UUID, int | None]],
        ) -> list[tuple[list[case_service.CaseRead], int]]:
            async with self.db.transaction(party_id=party_id) as session:
                found, totals = await case_service.reads(session=session, keys=keys, first=first)
            return [(found[k], totals.get(k[0], 0)) for k in keys]

        return self._loader(f"reads:{first}", party_id, load)

    def reports_of_cases(self, party_id: UUID) -> DataLoader[UUID, report_service.Report | None]:
        """The report each case came from: one query for all the cases of a request."""
        return self._batched(
            "reports-of-cases",
            party_id,
            lambda session, case_ids: report_service.reports_for_cases(
                session=session, party_id=party_id, case_ids=case_ids
            ),
            missing=lambda: None,
        )

    def evidence_of_reports(self, party_id: UUID) -> DataLoader[UUID, list[evidence.Evidence]]:
        """The files of each report: one query for all the reports of a request."""
        return self._batched(
            "evidence",
            party_id,
            lambda session, report_ids: evidence.for_reports(
                session=session, report_ids=report_ids
            ),
            missing=list,
        )

    def cases(self, party_id: UUID) -> DataLoader[UUID, Any]:
        """Cases by id within the party: one query for all the reports of a request."""

        async def by_id(session: AsyncSession, case_ids: list[UUID]) -> dict[UUID, Any]:
            found = await case_service.get_cases(
                session=session, party_id=party_id, case_ids=set(case_ids)
            )
            return {c.id: c for c in found}

        return self._batched("cases", party_id, by_id, missing=lambda: None)

    def _batched(
        self,
        kind: str,
        party_id: UUID,
        fetch: Callable[[AsyncSession, list[K]], Awaitable[Mapping[K, V]]],
        *,
        missing: Callable[[], V],
    ) -> DataLoader[K, V]:
        """A loader whose batch is one ``fetch`` in the party's transaction; a key it did
        not find gets ``missing()``."""

        async def load(keys: list[K]) -> list[V]:
            async with self.db.transaction(party_id=party_id) as session:
                found = await fetch(session, keys)
            return [found[k] if k in found else missing() for k in keys]

        return self._loader(kind, party_id, load)

    def _loader(self, kind: str, party_id: UUID, load: Any) -> DataLoader[Any, Any]:
        key = (kind, party_id)
        if key not in self._per_party:
            self._per_party[key] = DataLoader(load_fn=load)
        return self._per_party[key]

    async def _sanction_mappings(self, party_ids: list[UUID]) -> list[list[PartySanction]]:
        async with self.db.transaction() as session:
            found = await sanction_mapping.mappings(session=session, party_ids=party_ids)
        return [found[p] for p in party_ids]

    async def _adoptions(self, party_ids: list[UUID]) -> list[list[CodeAdoption]]:
        async with self.db.transaction() as session:
            rows = await party_service.adoptions(session=session, party_ids=party_ids)
        by_party: dict[UUID, list[CodeAdoption]] = defaultdict(list)
        for row in rows:
            by_party[row.party_id].append(row)
        return [by_party[p] for p in party_ids]


@dataclass(slots=True)
class RequestContext:
    db: Database
    viewer: Viewer | None
    request: Any = None
    response: Any = None
    signer: Signer = field(default_factory=Signer.ephemeral)
    kek: KeyEncryptionKey = field(default_factory=KeyEncryptionKey.ephemeral)
    # a client address's budget for filing reports (api.ratelimit.Budget.wait): 0 to go
    # ahead, else the seconds to wait
    report_wait: Callable[[str], int] = field(default=lambda address: 0)
    # plain http:// webhook endpoints are allowed (JOINTCODE_WEBHOOK_ALLOW_HTTP)
    webhook_allow_http: bool = False
    # status emails to reporters are on (JOINTCODE_SMTP_HOST)
    emails: bool = False
    # how long a piece of work took (a release, a batch of cases), for /metrics
    observe: Callable[[str, float], None] = field(default=lambda work, seconds: None)
    audit_heads: dict[str, Any] = field(default_factory=dict)
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        # every transaction of the request is bound by the database to the caller's token
        self.db = self.db.for_caller(
            credential=self.viewer.credential if self.viewer else None, actor=self.actor
        )
        self.loaders = Loaders(self.db)

    def read_from(self, db: Database) -> None:
        """Answer from another database (a replica) for the rest of the request; only before
        any field has resolved, and only for a request that writes nothing."""
        self.db = db.for_caller(
            credential=self.viewer.credential if self.viewer else None, actor=self.actor
        )
        self.loaders = Loaders(self.db)

    async def read(self, query: Callable[..., Awaitable[T]], /, **arguments: Any) -> T:
        """``query(session=..., **arguments)`` in a transaction of its own, as the caller."""
        async with self.db.transaction() as session:
            return await query(session=session, **arguments)

    @contextmanager
    def timed(self, work: str) -> Iterator[None]:
        """Report how long ``work`` took, whether it succeeded or not."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.observe(work, time.perf_counter() - started)

    @property
    def actor(self) -> Actor | None:
        """Who the audit trail names for what this request changes or reads."""
        return self.viewer.actor if self.viewer else None


def now_or_later(loader: DataLoader[Any, Any], key: Any, then: Callable[[Any], Any]) -> Any:
    """``then`` of the loader's value for ``key``: at once when it is already there (read
    ahead with a page, or loaded by an earlier batch), else an awaitable of it. graphql-core
    runs every awaitable a resolver returns as a task, and a page of 100 cases with three
    loader fields was 300 of them."""
    future = loader.cache_map.get(key)
    if future is not None and future.done() and not future.cancelled() and not future.exception():
        return then(future.result())
    return _later(loader.load(key), then)


async def _later(awaitable: Awaitable[Any], then: Callable[[Any], Any]) -> Any:
    return then(await awaitable)
