"""The GraphQL schema; ``schema.graphql`` beside this file is its exported SDL."""

from __future__ import annotations

from pathlib import Path

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext
from strawberry.types.base import StrawberryObjectDefinition

from graphql_runtime.documents import limited_documents
from graphql_runtime.execution import AttributeFastPath
from schema.audit import AuditHead
from schema.cases.types import Case
from schema.fields import Cacheable
from schema.masking import MaskUnexpectedErrors
from schema.mutations import Mutation
from schema.parties.types import Party
from schema.publication.types import Release
from schema.queries import Query
from schema.scalars import SCALARS

SDL_PATH = Path(__file__).parent / "schema.graphql"

MAX_DEPTH = 10
MAX_ALIASES = 20
MAX_TOKENS = 2_000

# Inputs whose items are judged one by one in the domain (their text included), so that
# one bad item stops only itself: the checks before validation leave these lists to it.
PER_ITEM_LISTS = {"SubmitCasesInput": "cases"}


class JointCodeSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Client errors are the client's business; unexpected ones are logged on masking."""


def build_schema() -> strawberry.Schema:
    return JointCodeSchema(
        query=Query,
        mutation=Mutation,
        types=[Case, Party, Release],
        config=StrawberryConfig(scalar_map=SCALARS),
        execution_context_class=AttributeFastPath,
        extensions=[
            MaskUnexpectedErrors,
            AuditHead,
            # bounded by size, unlike ParserCache and ValidationCache; with the limits
            limited_documents(max_depth=MAX_DEPTH, max_aliases=MAX_ALIASES, max_tokens=MAX_TOKENS),
        ],
    )


schema = build_schema()


def export_sdl() -> str:
    return schema.as_str() + "\n"


def cacheable_root_fields() -> frozenset[str]:
    """The Query fields marked ``@cacheable`` (``schema.fields.public_field``), by their
    GraphQL names, with introspection's: what a shared cache may keep."""
    query = schema.get_type_by_name("Query")
    assert isinstance(query, StrawberryObjectDefinition)
    marked = {
        schema.config.name_converter.get_graphql_name(f)
        for f in query.fields
        if any(isinstance(d, Cacheable) for d in f.directives)
    }
    return frozenset(marked | {"__typename", "__schema", "__type"})


CACHEABLE_ROOT_FIELDS = cacheable_root_fields()
