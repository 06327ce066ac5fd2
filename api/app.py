"""The ASGI application: GraphQL, health checks, open data and the public site."""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Any

import orjson
from cross_web import HTTPException
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, process_result
from strawberry.types import ExecutionResult
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api import evidence_files, health, plans
from api.admission import Admission
from api.auth import BadCredentials, Credentials, unauthenticated, viewer_of
from api.background import Background
from api.cache import PublicCache
from api.limits import BodySizeLimit
from api.metrics import Metrics, RequestMetrics, role_of
from api.notifications import SmtpSettings
from api.ratelimit import Budget, RateLimit
from api.requests import RequestIds
from api.webhooks import WebhookSettings
from db import code_versions
from db.envelope import KeyEncryptionKey
from db.session import Database
from graphql_runtime.hardening import pre_execution_code, precheck, without_suggestions
from publication.checkpoints import Signer
from schema import PER_ITEM_LISTS
from schema import schema as graphql_schema
from schema.context import RequestContext
from schema.masking import RETRY_AFTER_S
from website import open_data
from website import pages as site

log = logging.getLogger("jointcode")
GRAPHQL_RESPONSE = "application/graphql-response+json"


def _wants_graphql_response(request: Any) -> bool:
    return GRAPHQL_RESPONSE in (request.headers.get("accept") or "")


def _replica_may_answer(query: str | None) -> bool:
    """A document that writes nothing and reads nothing its caller may have just written.

    No operation can be a mutation or subscription without its keyword, and a receipt's
    status must show the report just filed, whatever the replica's lag. Conservative: the
    words anywhere (a comment, a name) send the request to the primary.
    """
    return query is not None and not any(
        word in query for word in ("mutation", "subscription", "reportStatus")
    )


PLAIN_REQUEST = frozenset({"query", "variables", "operationName"})


class JointCodeGraphQL(GraphQL):
    def __init__(
        self,
        db: Database,
        signer: Signer,
        kek: KeyEncryptionKey,
        reports: Budget,
        metrics: Metrics,
        read_db: Database | None = None,
        webhooks: WebhookSettings | None = None,
        emails: bool = False,
    ) -> None:
        super().__init__(graphql_schema, graphql_ide="graphiql", allow_queries_via_get=True)
        self.webhooks = webhooks or WebhookSettings()
        self.emails = emails
        self.db = db
        self.read_db = read_db
        self.signer = signer
        self.kek = kek
        self.reports = reports
        self.metrics = metrics

    async def get_context(  # type: ignore[override]  # strawberry's generic context type
        self, request: Any, response: Any
    ) -> RequestContext:
        context = RequestContext(
            db=self.db,
            viewer=request.scope.get("jointcode.viewer"),
            request=request,
            response=response,
            signer=self.signer,
            kek=self.kek,
            report_wait=self.reports.wait,
            webhook_allow_http=self.webhooks.allow_http,
            emails=self.emails,
            observe=lambda work, seconds: self.metrics.work.labels(work=work).observe(seconds),
        )
        request.scope["jointcode.context"] = context  # released when the request ends
        return context

    def encode_json(self, data: object) -> bytes:
        """orjson: a large answer's encoding was a tenth of its CPU with the json module."""
        return orjson.dumps(data)

    async def render_graphql_ide(self, request: Any) -> Response:
        return site.graphiql_page()

    async def parse_http_body(self, request: Any) -> Any:
        """Bodies that are not a UTF-8 JSON object are the client's error (400), never a 500."""
        try:
            return await super().parse_http_body(request)
        except (UnicodeDecodeError, RecursionError) as exc:
            raise HTTPException(400, "The request body is not valid UTF-8 JSON.") from exc

    async def run(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        """A request the client got wrong (strawberry's HTTPException: not JSON, a scalar,
        a query that is no string, GET for a mutation) answers 4xx as a GraphQL error."""
        if isinstance(request, Request):
            planned = await self._by_plan(request)
            if planned is not None:
                return planned
        try:
            return await super().run(request, *args, **kwargs)
        except HTTPException as exc:
            if not isinstance(request, Request):
                raise
            return JSONResponse(
                {"errors": [{"message": exc.reason, "extensions": {"code": "BAD_REQUEST"}}]},
                status_code=exc.status_code,
            )

    async def _by_plan(self, request: Request) -> Response | None:
        """A public statistics question GraphQL has answered before, answered by its plan
        (``api.plans``); None sends the request GraphQL's way. Only a
        token-less POST of JSON answered as plain JSON."""
        if request.method != "POST" or request.scope.get("jointcode.viewer") is not None:
            return None
        headers = request.headers
        accept = headers.get("accept", "")
        if "application/json" not in headers.get("content-type", "") or (
            "text/html" in accept or GRAPHQL_RESPONSE in accept
        ):
            return None
        try:
            data = orjson.loads(await request.body())
        except orjson.JSONDecodeError:
            return None
        if not isinstance(data, dict) or not data.keys() <= PLAIN_REQUEST:
            return None
        query, variables, name = data.get("query"), data.get("variables"), data.get("operationName")
        if not (
            isinstance(query, str)
            and isinstance(variables, dict | None)
            and isinstance(name, str | None)
        ):
            return None
        plan = plans.known(query, name)
        if plan is None or precheck(query, variables, per_item_lists=PER_ITEM_LISTS) is not None:
            return None
        started = time.perf_counter()
        db = self._replica_for(query, None) or self.db
        found = await plans.answer(plan, db=db, variables=variables)
        if found is None:
            return None
        self._count(name, query, None, started)
        return Response(orjson.dumps({"data": found}), media_type="application/json")

    def parse_json(self, data: str | bytes) -> Any:
        """A JSON scalar (``42``, ``null``) or a list (no batching here) is no request."""
        parsed = super().parse_json(data)
        if not isinstance(parsed, dict):
            raise HTTPException(400, "The request body must be a JSON object.")
        return parsed

    async def execute_single(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        data = kwargs["request_data"]
        refused = precheck(data.query, data.variables, per_item_lists=PER_ITEM_LISTS)
        if refused is not None:
            return ExecutionResult(data=None, errors=[refused])
        request = kwargs.get("request")
        viewer = request.scope.get("jointcode.viewer") if request is not None else None
        if request is not None and viewer is None:  # what a public answer may be planned from
            request.scope["jointcode.asked"] = (data.query, data.operation_name)
        replica = self._replica_for(data.query, viewer)
        if replica is not None:
            kwargs["context"].read_from(replica)
        started = time.perf_counter()
        try:
            return await super().execute_single(*args, **kwargs)
        finally:
            self._count(data.operation_name, data.query, viewer, started)

    def _replica_for(self, query: str | None, viewer: Any) -> Database | None:
        """The replica, for a token-less request that may read from it; else None."""
        if self.read_db is not None and viewer is None and _replica_may_answer(query):
            return self.read_db
        return None

    def _count(self, name: str | None, query: str | None, viewer: Any, started: float) -> None:
        """An operation answered, for /metrics: by name and role, with its time."""
        labels = {"operation": self.metrics.operation(name, query), "role": role_of(viewer)}
        self.metrics.operations.labels(**labels).inc()
        self.metrics.operation_latency.labels(**labels).observe(time.perf_counter() - started)

    async def process_result(self, request: Any, result: ExecutionResult) -> GraphQLHTTPResponse:
        """Errors before execution get a code and lose suggestions; with the
        graphql-response+json media type they answer 4xx without a data entry."""
        asked = request.scope.get("jointcode.asked") if isinstance(request, Request) else None
        if asked is not None and not result.errors and result.data is not None:
            plans.prove(*asked)  # answered without an error: its plan may answer it next
        before_execution = result.data is None and bool(result.errors)
        for error in result.errors or ():
            error.message = without_suggestions(error.message)
            if error.path is None and not (error.extensions or {}).get("code"):
                error.extensions = {**(error.extensions or {}), "code": pre_execution_code(error)}
        processed = process_result(result)
        if any((e.extensions or {}).get("code") == "SERVICE_BUSY" for e in result.errors or ()):
            sub_response = request.scope["jointcode.sub_response"]
            sub_response.status_code = 503
            sub_response.headers["retry-after"] = str(RETRY_AFTER_S)
        if before_execution and _wants_graphql_response(request):
            processed.pop("data", None)
            request.scope["jointcode.sub_response"].status_code = 400
        return processed

    async def get_sub_response(self, request: Any) -> Any:
        sub_response = await super().get_sub_response(request)
        request.scope["jointcode.sub_response"] = sub_response
        # the answer's media type, set on the response in create_response
        sub_response.headers["content-type"] = (
            GRAPHQL_RESPONSE if _wants_graphql_response(request) else "application/json"
        )
        return sub_response

    def create_response(self, response_data: Any, sub_response: Any) -> Response:
        response = super().create_response(response_data, sub_response)
        response.headers["content-type"] = sub_response.headers.get(
            "content-type", "application/json"
        )
        return response

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            try:
                scope["jointcode.viewer"] = await viewer_of(self.db, scope)
            except PoolTimeout:
                response = JSONResponse(
                    {
                        "errors": [
                            {
                                "message": f"The service is busy: retry in {RETRY_AFTER_S} s.",
                                "extensions": {"code": "SERVICE_BUSY", "retryAfter": RETRY_AFTER_S},
                            }
                        ]
                    },
                    status_code=503,
                    headers={"Retry-After": str(RETRY_AFTER_S)},
                )
                await response(scope, receive, send)
                return
            except BadCredentials:
                await unauthenticated()(scope, receive, send)
                return
        try:
            await super().__call__(scope, receive, send)
        finally:
            context = scope.get("jointcode.context")
            if context is not None:
                await context.db.release()  # the request's one connection, back to the pool
                context.loaders.close()


# the report form and its additions carry evidence files (cases.evidence): five of 5 MB
EVIDENCE_PATHS = ("/report", "/report/add")
EVIDENCE_BYTES = 26 * 1024 * 1024


def _settle_the_collector(thresholds: tuple[int, int, int]) -> None:
    """What exists now (the schema, the code versions, the modules) lives as long as the
    process: out of the collector's way, a full collection no longer walks it, which was a
    third of a cached answer's time (2,200-2,500 -> 3,000-3,300 requests/s). A page of 100
    cases makes some 100,000 objects, almost none in cycles: at the default threshold
    (700) the young generation was collected ~150 times a page and the old ones often,
    walking every answer in flight. Measured (bench/officer.py, 200 parallel pages): p99
    25.7 s at the defaults, 13.5 s at these."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*thresholds)


def _checked_out(db: Database) -> Callable[[], float]:
    pool: Any = db.engine.pool  # a QueuePool: the base Pool has no count
    return lambda: float(pool.checkedout())


def _connection_gauges(
    metrics: Metrics, *, db: Database, public: Database, read_db: Database | None
) -> None:
    """Connections in use, by pool: the first thing to read when answers are SERVICE_BUSY."""
    metrics.gauge(
        "jointcode_db_connections_in_use",
        "Pooled database connections checked out.",
        _checked_out(db),
    )
    metrics.gauge(
        "jointcode_public_read_connections_in_use",
        "Connections of the public reads' own pool checked out (db.public_reads).",
        lambda: float(public.public.in_use),
    )
    if read_db is not None:
        metrics.gauge(
            "jointcode_read_db_connections_in_use",
            "Pooled connections to the read replica checked out.",
            _checked_out(read_db),
        )


def create_app(
    db: Database,
    *,
    max_body_bytes: int = 1_048_576,
    public_cache_entries: int = 2048,
    public_cache_refresh_ms: int = 1000,
    signer: Signer | None = None,
    kek: KeyEncryptionKey | None = None,
    report_rate: str | None = "10/hour",
    anonymous_rate: str | None = "1200/minute",
    failed_auth_rate: str | None = "30/minute",
    background: bool = True,
    concurrent_requests: int = 8,
    queue_timeout_ms: int = 60_000,
    read_db: Database | None = None,
    metrics_dir: Path | None = None,
    trusted_proxies: tuple[str, ...] = (),
    webhooks: WebhookSettings | None = None,
    smtp: SmtpSettings | None = None,
    run_scheduler: bool = True,
    owner_db: Database | None = None,
    metrics_token: str | None = None,
    scheduler_after: threading.Event | None = None,
    gc_thresholds: tuple[int, int, int] = (100_000, 50, 1_000),
) -> Any:
    """The service. ``signer`` signs checkpoints (the operator's key file in production;
    a key of this process only when none is given, as in tests). ``background`` runs
    ``api.background`` while the app is up (periodic jobs, webhook deliveries, status
    emails, the access log's fold). ``kek`` opens what
    parties' reports hold sealed (the operator's key file in production). ``read_db`` (a
    streaming replica) answers what the public reads without a token: published figures,
    open data and the site's figure pages; everything else uses ``db``. Forwarded headers
    are believed only from ``trusted_proxies`` (addresses or networks; none by default),
    so every budget is keyed on the real client behind them and on nothing it can say."""
    public = read_db or db
    metrics = Metrics(job_files=metrics_dir, token=metrics_token)
    graphql = JointCodeGraphQL(
        db,
        signer or Signer.ephemeral(),
        kek or KeyEncryptionKey.ephemeral(),
        Budget(report_rate),
        metrics,
        read_db,
        webhooks,
        bool(smtp and smtp.host),
    )

    background_work = (
        Background(
            db, graphql.signer, graphql.kek, graphql.webhooks, smtp=smtp,
            run_scheduler=run_scheduler, owner_db=owner_db, metrics_dir=metrics_dir,
            scheduler_after=scheduler_after,
        )
        if background
        else None
    )  # fmt: skip

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        async with db.transaction() as session:
            await code_versions.check(session=session)
        _settle_the_collector(gc_thresholds)
        if background_work is not None:
            background_work.start()
        yield
        if background_work is not None:
            await background_work.stop()
        for database in (db, read_db, owner_db):
            if database is not None:
                await database.dispose()

    app = Starlette(
        routes=[
            Route("/healthz", health.healthz),
            Route("/metrics", metrics.endpoint),
            Route("/readyz", partial(health.readyz, db=db)),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route(evidence_files.PATH, partial(evidence_files.download, db=db, kek=graphql.kek)),
            *(Route(path, endpoint) for path, endpoint in open_data.routes(public).items()),
            *site.routes(
                db,
                graphql.kek,
                graphql.reports.wait,
                read_db=read_db,
                emails=bool(smtp and smtp.host),
            ),
        ],
        lifespan=lifespan,
    )
    admission = Admission(
        app, concurrent=concurrent_requests, queue_seconds=queue_timeout_ms / 1000
    )
    metrics.lane_gauges(admission.waiting)
    _connection_gauges(metrics, db=db, public=public, read_db=read_db)
    served: Any = admission
    if public_cache_entries > 0:
        hits, misses = (metrics.cache.labels(result=r) for r in ("hit", "miss"))
        cache = PublicCache(
            served,
            db=public,  # the epoch of what the cached answers were read from
            max_entries=public_cache_entries,
            refresh_seconds=public_cache_refresh_ms / 1000,
            on_lookup=lambda hit: (hits if hit else misses).inc(),
        )
        metrics.gauge(
            "jointcode_public_cache_entries", "Answers kept.", lambda: float(len(cache.entries))
        )
        metrics.gauge(
            "jointcode_public_cache_bytes",
            "Bytes of answers kept.",
            lambda: float(cache.entries.size),
        )
        served = cache
    limited: Any = BodySizeLimit(
        served, max_bytes=max_body_bytes, larger=dict.fromkeys(EVIDENCE_PATHS, EVIDENCE_BYTES)
    )
    if anonymous_rate is not None or failed_auth_rate is not None:
        limited = RateLimit(limited, anonymous=anonymous_rate, failed_auth=failed_auth_rate)
    served = Credentials(limited)
    if trusted_proxies:
        # uvicorn's own reading of X-Forwarded-For (the rightmost address not a trusted
        # proxy), for the proxies the operator names only; `serve` turns uvicorn's off
        served = ProxyHeadersMiddleware(served, trusted_hosts=list(trusted_proxies))
    return RequestIds(RequestMetrics(served, metrics))


def service_app(settings: Any, endpoints: Any, *, scheduler_after: Any = None) -> Any:
    """The service as `jointcode serve` runs it, from its settings and database;
    ``scheduler_after`` (a threading.Event) holds the periodic jobs back until the demo
    history seeded behind a first `make run` is complete, so no edition is published
    from half of it."""
    from api.database import app_database, operator_database, read_database

    return create_app(
        app_database(settings, endpoints),
        read_db=read_database(settings),
        metrics_dir=settings.metrics_path,
        max_body_bytes=settings.max_body_bytes,
        public_cache_entries=settings.public_cache_entries,
        public_cache_refresh_ms=settings.public_cache_refresh_ms,
        concurrent_requests=settings.concurrent_requests,
        queue_timeout_ms=settings.queue_timeout_ms,
        signer=Signer.load(settings.signing_key_path),
        kek=KeyEncryptionKey.load(settings.data_key_path),
        anonymous_rate=settings.anonymous_rate,
        failed_auth_rate=settings.failed_auth_rate,
        report_rate=settings.report_rate,
        trusted_proxies=settings.trusted_proxies,
        webhooks=settings.webhooks,
        smtp=settings.smtp,
        run_scheduler=settings.scheduler,
        metrics_token=settings.metrics_token,
        scheduler_after=scheduler_after,
        gc_thresholds=settings.gc_thresholds,
        # retention needs the owner: only a trial's embedded database gives it to `serve`;
        # in production `jointcode scheduler` runs it (the API process never holds it)
        owner_db=operator_database(settings, endpoints) if endpoints.server is not None else None,
    )


def worker_app() -> Any:
    """One worker of `jointcode serve --workers N`: the parent prepared the database and
    put its address in APP_DATABASE_URL; the key files are shared."""
    from api import logs
    from api.database import Endpoints
    from api.settings import Settings

    settings = Settings.from_env()
    logs.configure(level=settings.log_level, fmt=settings.log_format)
    url = settings.app_database_url
    if not url:
        raise RuntimeError("a worker needs APP_DATABASE_URL (set by `jointcode serve`)")
    return service_app(settings, Endpoints(owner_url=None, app_url=url))
