"""Public statistics documents answered by plan: a lookup and its encoding, not a GraphQL
walk (issue 26).

A question the public asks of the statistics is a document whose root fields are all
``statistics`` over leaf fields of its rows. GraphQL answered one such request with its
cache off in about 2 ms of CPU. Most of that was machinery: the HTTP view, the
extensions, the executor's per-field steps, three copies of every row. The statement
itself took 0.4 ms.

Here such a document is read once into a plan: for each root field, its node, and for
each row field its response key, its attribute, its serializer and whether it may be
null. A request for the document then costs the variables' coercion, one unbound
statement per root field (``publication.statistics.current_statistics``) and the rows'
encoding.

A plan is made only for a document GraphQL has already answered without an error
(``prove``). So parsing, validation and the document limits stay GraphQL's own. Anything
unusual on the way makes ``answer`` return None, and the request goes to GraphQL, which
gives the ordinary answer or the ordinary error. Unusual means: a variable that does not
coerce, a question that is not a table, a named edition (read in a transaction), a value
its type refuses. ``tests/test_public_plans.py`` checks that the two paths give the same
answers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLField,
    GraphQLInt,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLString,
    OperationDefinitionNode,
    OperationType,
    Undefined,
)
from graphql.execution.values import get_argument_values, get_variable_values
from strawberry.types.arguments import convert_arguments

from db.session import Database
from graphql_runtime.caches import SizedCache
from graphql_runtime.documents import DOCUMENTS
from graphql_runtime.execution import serializer
from publication import statistics as stats
from publication.attributes import Dimension
from schema import MAX_TOKENS, schema
from schema.publication.types import StatisticsRow

ROOT = "statistics"
MIN_INT, MAX_INT = -(2**31), 2**31 - 1  # GraphQL's Int
ROW = "StatisticsRow"


@dataclass(frozen=True, slots=True)
class _Leaf:
    key: str
    read: Callable[[stats.StatisticsRow], Any] | None  # None: __typename
    serialize: Callable[[Any], Any]
    nullable: bool
    # int or str where the serializer returns such a value unchanged (a 32-bit int, a
    # str): the value is its own answer without the call, as graphql-core's serializer
    # would give it
    plain: type | None = None


Asked = tuple[list[Dimension], stats.StatisticsFilter | None]  # groupBy, the filter


@dataclass(frozen=True, slots=True)
class _Root:
    key: str
    node: FieldNode
    leaves: tuple[_Leaf, ...]
    asked: Asked | None = None  # what it asks, when no variable can change it


@dataclass(frozen=True, slots=True)
class Plan:
    operation: OperationDefinitionNode
    roots: tuple[_Root, ...]


@dataclass(frozen=True, slots=True)
class _Schema:
    graphql: GraphQLSchema
    field: GraphQLField  # Query.statistics
    strawberry_field: Any
    rows: GraphQLObjectType
    scalars: Any
    config: Any


@cache
def _schema() -> _Schema:
    graphql = schema._schema
    assert graphql.query_type is not None
    field = graphql.query_type.fields[ROOT]
    rows = graphql.get_type(ROW)
    assert isinstance(rows, GraphQLObjectType)
    definition = field.extensions["strawberry-definition"]
    assert not definition.extensions  # nothing runs around the resolver that a plan skips
    return _Schema(
        graphql,
        field,
        definition,
        rows,
        schema.schema_converter.scalar_registry,
        schema.config,
    )


# Plans by (document, operation name): False for a document proven but not plannable.
PLANS: SizedCache[tuple[str, str | None], Plan | bool] = SizedCache(
    max_size=1_000_000, max_entry_size=20_000, max_entries=1024
)


def known(query: str, operation_name: str | None) -> Plan | None:
    """The plan of a document GraphQL has answered, if it has one."""
    found = PLANS.get((query, operation_name))
    return found if isinstance(found, Plan) else None


def prove(query: str, operation_name: str | None) -> None:
    """GraphQL answered this document without an error: plan it, once."""
    key = (query, operation_name)
    if len(query) <= PLANS.max_entry_size and PLANS.get(key) is None:
        PLANS.put(key, _plan(query, operation_name) or False, len(query))


def _plan(query: str, operation_name: str | None) -> Plan | None:
    try:  # the document GraphQL parsed, from the process's cache of them
        document = DOCUMENTS.parse(query, {"max_tokens": MAX_TOKENS})  # GraphQL's own option
    except (GraphQLError, RecursionError):
        return None
    operation = _only_query(document, operation_name)
    if operation is None:
        return None
    roots: list[_Root] = []
    fixed = not operation.variable_definitions  # its arguments are read once, here
    for selection in operation.selection_set.selections:
        if not isinstance(selection, FieldNode) or selection.directives:
            return None  # fragments, and @skip/@include, go GraphQL's way
        if selection.name.value != ROOT:
            return None
        leaves = _leaves(selection)
        if leaves is None:
            return None
        asked = None
        if fixed:
            try:
                asked = _asking(selection, None)
            except Exception:  # GraphQL answered it: not expected, but then GraphQL's
                return None
            if asked is None:
                return None  # a named edition, every time
        roots.append(_Root((selection.alias or selection.name).value, selection, leaves, asked))
    if len({r.key for r in roots}) != len(roots):
        return None  # two fields under one key: GraphQL merges them
    return Plan(operation, tuple(roots))


def _only_query(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    if len(document.definitions) != 1:
        return None  # fragments, or several operations
    [operation] = document.definitions
    if not isinstance(operation, OperationDefinitionNode):
        return None
    if operation.operation is not OperationType.QUERY or operation.directives:
        return None
    if name is not None and (operation.name is None or operation.name.value != name):
        return None
    return operation


def _leaves(root: FieldNode) -> tuple[_Leaf, ...] | None:
    rows = _schema().rows
    if root.selection_set is None:
        return None
    leaves: list[_Leaf] = []
    for selection in root.selection_set.selections:
        if not isinstance(selection, FieldNode) or selection.directives:
            return None
        if selection.arguments or selection.selection_set:
            return None
        key = (selection.alias or selection.name).value
        name = selection.name.value
        if name == "__typename":
            leaves.append(_Leaf(key, None, str, False))
            continue
        field = rows.fields.get(name)
        if field is None:
            return None
        kind = field.type
        nullable = not isinstance(kind, GraphQLNonNull)
        named = kind.of_type if isinstance(kind, GraphQLNonNull) else kind
        if not isinstance(named, GraphQLLeafType):
            return None  # a list or an object: not a row's cell
        attribute = field.extensions["strawberry-definition"].python_name
        plain = {GraphQLInt.name: int, GraphQLString.name: str}.get(named.name)
        leaves.append(
            _Leaf(key, StatisticsRow.reader(attribute), serializer(named), nullable, plain)
        )
    if len({leaf.key for leaf in leaves}) != len(leaves):
        return None
    return tuple(leaves)


class _Refused(Exception):
    """A value the plan will not answer: GraphQL answers the request."""


async def answer(plan: Plan, *, db: Database, variables: dict[str, Any] | None) -> Any:
    """The document's ``data``, or None where GraphQL must answer (see the module)."""
    coerced = get_variable_values(
        _schema().graphql, plan.operation.variable_definitions or [], variables or {}
    )
    if isinstance(coerced, list):
        return None  # the variables' errors are GraphQL's to say
    data: dict[str, Any] = {}
    try:
        for root in plan.roots:
            asked = root.asked or _asking(root.node, coerced)
            if asked is None:
                return None  # a named edition is read in a transaction, GraphQL's way
            group_by, where = asked
            rows = await stats.current_statistics(db=db, group_by=group_by, where=where)
            data[root.key] = [_row(root.leaves, row) for row in rows]
    except Exception:  # a refusal, or a failure: GraphQL answers it, or says it
        return None
    return data


def _asking(node: FieldNode, variables: Any) -> Asked | None:
    """The field's groupBy and filter as its resolver would get them (Strawberry's own
    conversion); None for a named edition."""
    known_schema = _schema()
    arguments = convert_arguments(
        get_argument_values(known_schema.field, node, variables),
        known_schema.strawberry_field.arguments,
        scalar_registry=known_schema.scalars,
        config=known_schema.config,
    )
    if arguments.get("edition") is not None:
        return None
    where = arguments["filter"].to_domain() if arguments.get("filter") else None
    return list(arguments["group_by"]), where


def _row(leaves: tuple[_Leaf, ...], row: stats.StatisticsRow) -> dict[str, Any]:
    answer: dict[str, Any] = {}
    for leaf in leaves:
        if leaf.read is None:
            answer[leaf.key] = ROW
            continue
        value = leaf.read(row)
        if value is None:
            if not leaf.nullable:
                raise _Refused
            answer[leaf.key] = None
            continue
        kind = type(value)
        if kind is leaf.plain and (kind is str or MIN_INT <= value <= MAX_INT):
            answer[leaf.key] = value
            continue
        served = leaf.serialize(value)
        if served is None or served is Undefined:
            raise _Refused
        answer[leaf.key] = served
    return answer
