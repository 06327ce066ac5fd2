"""/metrics in Prometheus's text format: what an operator needs to see the service work.

Requests and their latency by kind of path and status; GraphQL operations by operation
name and role (names clients send are bounded: at most 200 distinct, then "other");
the public cache's hits, misses, entries and bytes; database connections in use; requests
waiting for their turn in each admission lane; how long releases and batches of cases
took; and what the operator's jobs (verification, imports, retention, checkpoints) last
did, from their files (``api.jobmetrics``). Each app has its own registry, so several
apps in one process (tests) never share counts. No label ever holds a token, a party's
data or free text.
"""

from __future__ import annotations

import hmac
import ipaddress
import re
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.jobmetrics import JobFiles

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,40}$")
FIRST_OPERATION = re.compile(
    r"\s*(?:#[^\n]*\n\s*)*(?:query|mutation|subscription)\s+([A-Za-z_][A-Za-z0-9_]*)"
)
MAX_OPERATIONS = 200
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)


def kind_of(path: str) -> str:
    if path == "/graphql":
        return "graphql"
    if path.startswith("/open-data"):
        return "open_data"
    if path.startswith("/static"):
        return "static"
    if path in ("/healthz", "/readyz", "/metrics"):
        return "operations"
    return "page"


class Metrics:
    def __init__(self, job_files: Path | None = None, token: str | None = None) -> None:
        self.registry = CollectorRegistry()
        self.token = token
        r = self.registry
        # the process's own (CPU, memory, open files) and Python's (GC, version)
        ProcessCollector(registry=r)
        PlatformCollector(registry=r)
        GCCollector(registry=r)
        if job_files is not None:
            r.register(JobFiles(job_files))
        self.work = Histogram(
            "jointcode_work_seconds",
            "Time a piece of work took in the service: previewing or publishing a release, "
            "a batch of submitted cases.",
            ["work"],
            buckets=BUCKETS,
            registry=r,
        )
        self.requests = Counter(
            "jointcode_requests", "HTTP requests answered.", ["kind", "status"], registry=r
        )
        self.latency = Histogram(
            "jointcode_request_seconds",
            "Time to answer a request.",
            ["kind"],
            buckets=BUCKETS,
            registry=r,
        )
        self.operations = Counter(
            "jointcode_graphql_operations",
            "GraphQL operations run.",
            ["operation", "role"],
            registry=r,
        )
        self.operation_latency = Histogram(
            "jointcode_graphql_seconds",
            "Time to execute a GraphQL operation.",
            ["operation", "role"],
            buckets=BUCKETS,
            registry=r,
        )
        self.cache = Counter(
            "jointcode_public_cache", "Public cache lookups.", ["result"], registry=r
        )
        self._names: set[str] = set()

    def operation(self, name: str | None, query: str | None = None) -> str:
        """A bounded label for a client-chosen operation name (the request's, else the
        document's first operation's)."""
        if not isinstance(name, str):
            name = None  # a malformed request: GraphQL answers it
        if not name and isinstance(query, str):
            found = FIRST_OPERATION.match(query[:2_000])
            name = found.group(1) if found else None
        if not name or not NAME.match(name):
            return "anonymous" if not name else "other"
        if name in self._names or len(self._names) < MAX_OPERATIONS:
            self._names.add(name)
            return name
        return "other"

    def gauge(
        self,
        name: str,
        documentation: str,
        read: Callable[[], float],
        labels: dict[str, str] | None = None,
    ) -> None:
        """A value read when /metrics is scraped (pool use, cache size, queue length)."""
        if labels:
            gauge = Gauge(name, documentation, list(labels), registry=self.registry)
            gauge.labels(**labels).set_function(read)
        else:
            Gauge(name, documentation, registry=self.registry).set_function(read)

    def lane_gauges(self, waiting: dict[str, int]) -> None:
        gauge = Gauge(
            "jointcode_admission_waiting",
            "Requests waiting for their turn.",
            ["lane"],
            registry=self.registry,
        )
        for lane in waiting:
            gauge.labels(lane=lane).set_function(partial(waiting.__getitem__, lane))

    async def endpoint(self, request: Request) -> Response:
        """With ``JOINTCODE_METRICS_TOKEN`` set, only a scraper sending it is answered;
        without it, only a scraper on this host (loopback), never the public port's
        visitors."""
        if not self.allowed(request):
            return PlainTextResponse("Not found.", status_code=404)
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)

    def allowed(self, request: Request) -> bool:
        if self.token:
            sent = request.headers.get("authorization", "")
            return hmac.compare_digest(sent.encode(), f"Bearer {self.token}".encode())
        host = request.client.host if request.client else ""
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return host in ("testclient", "localhost")


class RequestMetrics:
    """Counts every answer, 429s and 503s included (it wraps everything)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app, self.metrics = app, metrics
        self.counters: dict[tuple[str, int], Any] = {}  # bounded: kinds x HTTP statuses
        self.timers: dict[str, Any] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        kind, started, status = kind_of(scope["path"]), time.perf_counter(), [500]

        async def observe(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, observe)
        finally:
            counted = self.counters.get((kind, status[0]))
            if counted is None:  # labels() costs microseconds: once per kind and status
                counted = self.metrics.requests.labels(kind=kind, status=str(status[0]))
                self.counters[(kind, status[0])] = counted
            counted.inc()
            timed = self.timers.get(kind)
            if timed is None:
                timed = self.timers[kind] = self.metrics.latency.labels(kind=kind)
            timed.observe(time.perf_counter() - started)


def role_of(viewer: Any) -> str:
    return "anonymous" if viewer is None else str(viewer.role.value)
