"""The public response cache: token-less GraphQL answers served before GraphQL runs.

Public answers change only when something public changes (a release, the party
registry, an adoption, a sanction mapping); PostgreSQL counts those changes in
``public_epoch``. A cached answer is keyed by the request's query, variables and
operation and by the epoch, so it is never served after a change. The epoch is read at
most once per ``refresh_seconds`` (other replicas' changes show within that), and at once
after this process runs any authenticated mutation. Answers carry an ``ETag``; a GET with
a matching ``If-None-Match`` gets 304, and GET answers are marked cacheable for CDNs.
The public site's pages, charts and open-data files are cached the same way, keyed by
path and sorted query parameters.

Each root field's answer is kept as well, keyed without its alias: a public answer is the
sum of its root fields' answers, so a client that varies only an alias (one new document
per request) or combines fields already asked is answered from them, at the cost of a
parse, instead of taking every request to GraphQL and the database.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlencode

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    Visitor,
    parse,
    print_ast,
    visit,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import bearer_secret
from api.bodies import read_body, replay_body
from db.session import Database
from graphql_runtime.caches import SizedCache
from publication import releases
from schema import CACHEABLE_ROOT_FIELDS, MAX_ALIASES

JSON = b"application/json"
Fields = tuple[tuple[str, str], ...]  # (response key, field key) per root field


PAGE_PATHS = (
    "/parties/",
    "/explore",
    "/code",
    "/methodology",
    "/calendar",
    "/releases",
    "/open-data",
)


def is_page(path: str) -> bool:
    """The public site and open data: answers that change only with the epoch."""
    return path == "/" or path.startswith(PAGE_PATHS)


@dataclass(frozen=True, slots=True)
class Entry:
    payload: bytes
    etag: str
    headers: tuple[tuple[bytes, bytes], ...]  # the answer's own (content type, CSP...)
    # the response head's fixed part, built once: a hit costs no encoding
    head: tuple[tuple[bytes, bytes], ...] = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        head = (
            (b"etag", self.etag.encode()),
            *self.headers,
            (b"content-length", str(len(self.payload)).encode()),
        )
        object.__setattr__(self, "head", head)


def _request_headers(scope: Scope) -> tuple[str, str, str]:
    """Content type, Accept and If-None-Match, in one pass over the request's headers."""
    content_type = accept = if_none_match = ""
    for name, value in scope["headers"]:
        if name == b"content-type":
            content_type = value.decode("latin-1")
        elif name == b"accept":
            accept = value.decode("latin-1")
        elif name == b"if-none-match":
            if_none_match = value.decode("latin-1")
    return content_type, accept, if_none_match


class PublicCache:
    """Bounded by entries and by bytes; an answer over ``max_entry_bytes`` is streamed
    through and never kept."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        db: Database,
        path: str = "/graphql",
        max_entries: int = 2048,
        max_bytes: int = 64 * 1024 * 1024,
        max_entry_bytes: int = 4 * 1024 * 1024,
        refresh_seconds: float = 1.0,
        max_age: int = 30,
        on_lookup: Callable[[bool], None] = lambda hit: None,
    ) -> None:
        self.app, self.db, self.path = app, db, path
        self.refresh_seconds, self.max_age = refresh_seconds, max_age
        self._public = f"public, max-age={max_age}".encode()
        self.max_entry_bytes = max_entry_bytes  # larger answers are streamed, never kept
        self.on_lookup = on_lookup
        self.entries: SizedCache[tuple[int, str], Entry] = SizedCache(
            max_size=max_bytes, max_entry_size=max_entry_bytes, max_entries=max_entries
        )
        self.epoch = 0
        self.checked_at = 0.0
        self.known = False  # the epoch has been read at least once
        self.changes = 0  # authenticated requests this process has finished
        self.changes_read = 0  # of those, how many the last epoch read came after
        self.reading: asyncio.Future[None] | None = None
        self.reading_changes = 0

    async def current_epoch(self, *, force: bool = False) -> int:
        """The publication epoch, read from the database at most once per refresh.

        One read at a time (a busy process would otherwise send every request in flight to
        the database when the refresh falls due, and stall them all): requests arriving
        while it runs use the epoch already known, which is at most a refresh old, unless
        this process has changed something since the epoch was read, when they wait for a
        read that started after the change.
        """
        now = time.monotonic()
        stale = self.changes != self.changes_read
        if not (force or stale or now - self.checked_at > self.refresh_seconds):
            return self.epoch
        if self.reading is None or self.reading.done() or (stale and not self.reading_fresh()):
            self.reading = asyncio.ensure_future(self._read_epoch(self.changes))
            self.reading_changes = self.changes
        if force or stale or not self.known:
            await asyncio.shield(self.reading)
        return self.epoch

    def reading_fresh(self) -> bool:
        """The read in flight started after this process's last change."""
        return self.reading_changes == self.changes

    async def _read_epoch(self, changes: int) -> None:
        try:
            async with self.db.engine.connect() as conn:
                self.epoch = await releases.public_epoch(conn)
        except PoolTimeout:  # every connection busy: keep the epoch we know for now
            return
        self.known = True
        self.checked_at = time.monotonic()
        self.changes_read = max(self.changes_read, changes)

    def _store(self, key: tuple[int, str], entry: Entry) -> None:
        self.entries.put(key, entry, len(entry.payload))

    def _lookup(
        self, epoch: int, whole: str, fields: tuple[tuple[str, str], ...] | None
    ) -> Entry | None:
        """The request's own answer, else one assembled from its root fields' answers."""
        entry = self.entries.get((epoch, whole))  # now the most recently used
        if entry is not None:
            return entry
        if not fields:
            return None
        parts = [self.entries.get((epoch, field)) for _, field in fields]
        found = [part for part in parts if part is not None]
        if len(found) != len(parts):
            return None
        body = (
            b'{"data":{'
            + b",".join(
                json.dumps(key).encode() + b":" + part.payload
                for (key, _), part in zip(fields, found, strict=True)
            )
            + b"}}"
        )
        return Entry(body, _etag(body), ((b"content-type", JSON),))

    def _store_fields(self, epoch: int, fields: Fields, payload: bytes) -> None:
        try:
            data = json.loads(payload)["data"]
            parts = [json.dumps(data[key], separators=(",", ":")).encode() for key, _ in fields]
        except (ValueError, KeyError, TypeError):
            return
        for (_, field), part in zip(fields, parts, strict=True):
            self._store((epoch, field), Entry(part, "", ()))

    async def _send_entry(self, scope: Scope, send: Send, entry: Entry, method: str) -> None:
        status = 304 if method == "GET" and _request_headers(scope)[2] == entry.etag else 200
        await _respond(send, status, entry, self._cache_control(method), b"hit")

    async def _hit(self, scope: Scope, send: Send, key: str, epoch: int, method: str) -> bool:
        entry = self._lookup(epoch, key, None)
        self.on_lookup(entry is not None)
        if entry is None:
            return False
        await self._send_entry(scope, send, entry, method)
        return True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] != self.path:
            if scope["method"] == "GET" and is_page(scope["path"]):  # a token changes no page
                await self._page(scope, receive, send)
            else:
                await self.app(scope, receive, send)
            return
        if bearer_secret(scope) is not None:
            # Authenticated traffic is never cached; a mutation may change public answers.
            await self.app(scope, receive, send)
            self.changes += 1
            return
        method = scope["method"]
        body = b""
        if method == "POST":
            body = await read_body(receive)
        content_type, accept, _ = _request_headers(scope)
        keyed = body if "application/json" in content_type or method != "POST" else b""
        key = request_key(method, scope.get("query_string", b""), keyed)
        if key is None or "text/html" in accept:  # GraphiQL wants the page
            await self.app(scope, replay_body(body), send)
            return
        fields = key.fields
        whole = key.whole
        if "application/graphql-response+json" in accept:
            whole, fields = "graphql-response " + whole, None  # answered with its own type
        epoch = await self.current_epoch()
        entry = self._lookup(epoch, whole, fields)
        self.on_lookup(entry is not None)
        if entry is not None:
            await self._send_entry(scope, send, entry, method)
            return
        captured: dict[str, Any] = {"status": 0, "headers": [], "body": b""}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                captured["headers"] = message.get("headers", [])
            elif message["type"] == "http.response.body":
                captured["body"] += message.get("body", b"")

        await self.app(scope, replay_body(body), capture)
        payload = captured["body"]
        headers_out = dict(captured["headers"])
        content_type = headers_out.get(b"content-type", b"")
        cacheable = (
            captured["status"] == 200
            and JSON in content_type
            and b'"errors"' not in payload
            and b"no-store" not in headers_out.get(b"cache-control", b"")  # e.g. a receipt's
        )
        if cacheable:
            entry = Entry(payload, _etag(payload), ((b"content-type", JSON),))
            self._store((epoch, whole), entry)
            if fields is not None:
                self._store_fields(epoch, fields, payload)
            await _respond(send, 200, entry, self._cache_control(method), b"miss")
            return
        await send(
            {"type": "http.response.start", "status": captured["status"],
             "headers": captured["headers"]}
        )  # fmt: skip
        await send({"type": "http.response.body", "body": payload})

    async def _page(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A site page or open-data file: kept whole if small enough, else streamed."""
        query = sorted(parse_qsl(scope.get("query_string", b"").decode("latin-1"),
                                 keep_blank_values=True))  # fmt: skip
        key = "PAGE " + scope["path"] + "?" + urlencode(query)
        epoch = await self.current_epoch()
        if await self._hit(scope, send, key, epoch, "GET"):
            return
        start: Message | None = None
        buffered: list[bytes] = []
        size = 0
        streaming = False

        async def relay(message: Message) -> None:
            nonlocal start, size, streaming
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            if streaming:
                await send(message)
                return
            buffered.append(message.get("body", b""))
            size += len(buffered[-1])
            if size > self.max_entry_bytes:  # too big to keep: stream the rest through
                streaming = True
                await send(start)
                await send({"type": "http.response.body", "body": b"".join(buffered),
                            "more_body": message.get("more_body", False)})  # fmt: skip
                return
            if message.get("more_body", False):
                return
            payload = b"".join(buffered)
            kept = tuple(
                (name, value) for name, value in start.get("headers", [])
                if name.lower() not in (b"content-length", b"etag", b"cache-control")
            )  # fmt: skip
            if start["status"] != 200:
                await send(start)
                await send({"type": "http.response.body", "body": payload})
                return
            entry = Entry(payload, _etag(payload), kept)
            self._store((epoch, key), entry)
            await _respond(send, 200, entry, self._cache_control("GET"), b"miss")

        await self.app(scope, receive, relay)

    def _cache_control(self, method: str) -> bytes:
        return self._public if method == "GET" else b"no-store"


def _etag(payload: bytes) -> str:
    return f'"{hashlib.sha256(payload).hexdigest()[:32]}"'


MAX_KEYED_QUERY = 20_000  # characters: larger documents are answered, never kept


@dataclass(frozen=True, slots=True)
class Normal:
    document: str  # printed canonically
    names: tuple[str | None, ...]  # the operations' names
    # (response key, the root field printed without its alias, with the operation's
    # variable definitions) for each root field, when every root selection is a field
    fields: tuple[tuple[str, str], ...] | None


# Normalised documents by their text: 1,024 at most, within 1,000,000 characters of text
# (each keeps its printed form, about as long as the text).
NORMALS: SizedCache[str, Normal | bool] = SizedCache(
    max_size=1_000_000, max_entry_size=20_000, max_entries=1024
)


def _normal(query: str) -> Normal | None:
    """The document printed canonically (whitespace, commas and comments gone), its
    operations' names and its root fields; None for a document that is not one the cache
    may keep (not parsable, or a mutation)."""
    found = NORMALS.get(query)
    if found is not None:
        return found if isinstance(found, Normal) else None  # False: seen, not cacheable
    normal = _normalise(query)
    NORMALS.put(query, normal or False, len(query))
    return normal


def _normalise(query: str) -> Normal | None:
    try:
        document = parse(query, no_location=True, max_tokens=2_000)
    except (GraphQLError, RecursionError):
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if not operations or any(o.operation is not OperationType.QUERY for o in operations):
        return None
    roots = _root_names(document, operations)
    if roots is None or not roots <= CACHEABLE_ROOT_FIELDS:
        return None  # a root field not declared public (@cacheable): never kept
    return Normal(
        print_ast(document),
        tuple(o.name.value if o.name else None for o in operations),
        _root_fields(document, operations),
    )


def _root_names(
    document: DocumentNode, operations: list[OperationDefinitionNode]
) -> frozenset[str] | None:
    """Every root field any operation may select, through fragments too; None for a
    fragment the document does not define (GraphQL refuses the document itself)."""
    fragments = {d.name.value: d for d in document.definitions
                 if isinstance(d, FragmentDefinitionNode)}  # fmt: skip
    names: set[str] = set()
    seen: set[str] = set()
    pending: list[SelectionSetNode] = [o.selection_set for o in operations]
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FieldNode):
                names.add(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in fragments:
                    return None
                if name not in seen:
                    seen.add(name)
                    pending.append(fragments[name].selection_set)
    return frozenset(names)


def _root_fields(
    document: DocumentNode, operations: list[OperationDefinitionNode]
) -> tuple[tuple[str, str], ...] | None:
    """Each root field's own key: a public answer is the sum of its root fields' answers,
    each a function of the field, its arguments and selection, the variables and the
    epoch, so documents that differ only in aliases or in which fields they combine
    share them. Only for one operation of plain fields (no fragments, no directives on the
    operation, no two fields answering under one key)."""
    if len(operations) != 1 or len(document.definitions) != 1 or operations[0].directives:
        return None
    if _aliases(document) > MAX_ALIASES:
        return None  # each field passed the alias cap alone; GraphQL refuses the whole
    operation = operations[0]
    selections = operation.selection_set.selections
    if not all(isinstance(s, FieldNode) for s in selections):
        return None
    fields = [s for s in selections if isinstance(s, FieldNode)]
    keys = [(f.alias or f.name).value for f in fields]
    if len(set(keys)) != len(keys):
        return None
    definitions = " ".join(print_ast(v) for v in operation.variable_definitions or ())
    unaliased = [
        FieldNode(name=f.name, arguments=f.arguments, directives=f.directives,
                  selection_set=f.selection_set)
        for f in fields
    ]  # fmt: skip
    return tuple(
        (key, f"FIELD ({definitions}) {print_ast(field)}")
        for key, field in zip(keys, unaliased, strict=True)
    )


def _aliases(document: DocumentNode) -> int:
    """Aliases anywhere in the document, ``__typename`` included, as the validator counts."""
    found = 0

    class Count(Visitor):
        def enter_field(self, node: FieldNode, *_: Any) -> None:
            nonlocal found
            found += node.alias is not None

    visit(document, Count())
    return found


@dataclass(frozen=True, slots=True)
class Key:
    whole: str  # the request's own key
    fields: tuple[tuple[str, str], ...] | None  # (response key, field key) per root field


MAX_REMEMBERED_BODY = 4_096  # bytes: keys of requests up to this size are remembered


@lru_cache(maxsize=1024)  # at most 1,024 requests of 4 KB
def _remembered_key(method: str, query_string: bytes, body: bytes) -> Key | None:
    return _key(method, query_string, body)


def request_key(method: str, query_string: bytes, body: bytes) -> Key | None:
    """The request's key; a request seen recently is not parsed again (a popular public
    question asked thousands of times a second costs a dictionary lookup)."""
    if len(body) + len(query_string) <= MAX_REMEMBERED_BODY:
        return _remembered_key(method, query_string, body)
    return _key(method, query_string, body)


def _key(method: str, query_string: bytes, body: bytes) -> Key | None:
    """The request's query, variables and operation, canonical, so that trivial variations
    (spacing, variable order, naming the only operation) share an answer; None if not
    cacheable."""
    if method == "GET":
        params = dict(parse_qsl(query_string.decode("latin-1")))
        if "query" not in params:
            return None
        try:
            variables = json.loads(params["variables"]) if params.get("variables") else None
        except (ValueError, RecursionError):
            return None
        request: Any = {"query": params["query"], "variables": variables,
                        "operationName": params.get("operationName") or None}  # fmt: skip
        prefix = "GET "
    elif method == "POST":
        try:
            request = json.loads(body)
        except (ValueError, RecursionError):
            return None  # not JSON (or nested past the parser's limit): GraphQL answers 400
        prefix = ""
    else:
        return None
    if not isinstance(request, dict) or not isinstance(request.get("query"), str):
        return None
    if not all(
        isinstance(request.get(name), (kind, type(None)))
        for name, kind in (("variables", dict), ("extensions", dict), ("operationName", str))
    ):
        return None  # malformed: GraphQL answers it (400), never the cache
    if len(request["query"]) > MAX_KEYED_QUERY:
        return None
    normal = _normal(request["query"])
    if normal is None:
        return None
    operation = request.get("operationName")
    if len(normal.names) == 1 and operation in (None, normal.names[0]):
        operation = None  # naming the only operation changes nothing
    variables = json.dumps(request.get("variables") or {}, sort_keys=True, separators=(",", ":"))
    whole = prefix + json.dumps([normal.document, variables, operation], separators=(",", ":"))
    fields = None
    if normal.fields is not None and operation is None:
        fields = tuple((key, f"{field} {variables}") for key, field in normal.fields)
    return Key(whole, fields)


async def _respond(
    send: Send, status: int, entry: Entry, cache_control: bytes, state: bytes
) -> None:
    if status == 200:
        headers = [*entry.head, (b"cache-control", cache_control), (b"x-cache", state)]
    else:
        headers = [entry.head[0], (b"cache-control", cache_control), (b"x-cache", state)]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": entry.payload if status == 200 else b""})
