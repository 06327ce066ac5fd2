"""Parsed and validated documents kept between requests, bounded by their size.

Strawberry's ParserCache and ValidationCache are bounded by entries only. A parsed
document costs about 100 bytes per character of its text, and a client may send up to
2,000 tokens (some 10,000 characters): a thousand distinct large documents, which any
fuzzer sends in minutes, would hold about a gigabyte. Their validation cache also never
hit here, since the depth limiter makes a new rule class per request. This cache keeps
a document only when its text is short (``MAX_ENTRY_CHARS``), and all of them within
``MAX_CHARS`` of text (about 40 MB of parsed documents at most); a document's validation
result is kept beside it, keyed by the names of the rules, which are fixed when the
schema is built.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse
from strawberry.extensions import SchemaExtension, query_depth_limiter
from strawberry.extensions import max_aliases as max_aliases_rule
from strawberry.schema.schema import validate_document

from graphql_runtime.caches import SizedCache

MAX_CHARS = 400_000
MAX_ENTRY_CHARS = 4_000
MAX_ENTRIES = 1_000


@dataclass(slots=True)
class Kept:
    document: DocumentNode
    validated: dict[tuple[str, ...], list[GraphQLError]] = field(default_factory=dict)


class Documents:
    """Parsed documents and their validation results, by the text and parse options."""

    def __init__(
        self,
        *,
        max_chars: int = MAX_CHARS,
        max_entry_chars: int = MAX_ENTRY_CHARS,
        max_entries: int = MAX_ENTRIES,
    ) -> None:
        self.cache: SizedCache[Key, Kept] = SizedCache(
            max_size=max_chars, max_entry_size=max_entry_chars, max_entries=max_entries
        )

    @property
    def chars(self) -> int:
        return self.cache.size

    def kept_queries(self) -> list[str]:
        return [query for query, _ in self.cache]

    def parse(self, query: str, options: Mapping[str, Any]) -> DocumentNode:
        key = _key(query, options)
        found = self.cache.get(key)
        if found is not None:
            return found.document
        document = parse(query, **options)  # a syntax error raises, and nothing is kept
        if self.cache.get(key) is None:
            self.cache.put(key, Kept(document), len(query))
        return document

    def validate(
        self,
        query: str,
        options: Mapping[str, Any],
        schema: GraphQLSchema,
        document: DocumentNode,
        rules: tuple[Any, ...],
    ) -> list[GraphQLError]:
        kept = self.cache.get(_key(query, options))
        if kept is not None and kept.document is not document:
            kept = None  # not the document this cache parsed: validate it afresh
        names = _names(rules)
        if kept is not None and names in kept.validated:
            return kept.validated[names]
        errors = validate_document(schema, document, rules)
        if kept is not None:
            kept.validated[names] = errors
        return errors


Key = tuple[str, tuple[tuple[str, Any], ...]]


@lru_cache(maxsize=64)  # the rules are fixed when the schema is built: a handful of tuples
def _names(rules: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple(getattr(r, "__qualname__", repr(r)) for r in rules)


def _key(query: str, options: Mapping[str, Any]) -> Key:
    return query, tuple(sorted(options.items()))


DOCUMENTS = Documents()


class CachedDocuments(SchemaExtension):
    """Parse and validate through ``DOCUMENTS`` (one per process, shared by requests),
    with the document limits: at most ``max_tokens`` tokens (a parse option), and the
    depth and alias rules, made once here rather than by Strawberry's QueryDepthLimiter
    and MaxAliasesLimiter, which build a rule class per request (measured: about a third
    of an uncached public answer's fixed cost went to the extensions' machinery)."""

    max_tokens: int | None = None
    limits: tuple[Any, ...] = ()

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if self.max_tokens is not None:
            context.parse_options["max_tokens"] = self.max_tokens
        if context.query and context.graphql_document is None:
            context.graphql_document = DOCUMENTS.parse(context.query, context.parse_options)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None and context.validation_rules:
            context.pre_execution_errors = DOCUMENTS.validate(
                context.query or "",
                context.parse_options,
                context.schema._schema,
                context.graphql_document,
                (*context.validation_rules, *self.limits),
            )
        yield


def limited_documents(
    *, max_depth: int, max_aliases: int, max_tokens: int
) -> type[CachedDocuments]:
    """The extension with these limits (the rules made once, for the process)."""
    limits = (
        query_depth_limiter.create_validator(max_depth, None),
        max_aliases_rule.create_validator(max_aliases),
    )
    return type(
        "LimitedDocuments", (CachedDocuments,), {"max_tokens": max_tokens, "limits": limits}
    )
