"""What a request must satisfy before GraphQL spends anything on it, and how refusals read.

Every check here runs before validation and execution and answers with one error, so a
hostile document (a thousand directives, text PostgreSQL cannot store) costs a parse at
most and never reaches a resolver or the database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from graphql import (
    GraphQLError,
    GraphQLSyntaxError,
    OperationType,
    Visitor,
    get_operation_ast,
    parse,
    visit,
)
from graphql.language import (
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    ListTypeNode,
    NamedTypeNode,
    NonNullTypeNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    VariableDefinitionNode,
    VariableNode,
)

from db.text import text_problem
from graphql_runtime.caches import SizedCache
from graphql_runtime.documents import MAX_CHARS, MAX_ENTRIES, MAX_ENTRY_CHARS

MAX_DIRECTIVES_PER_FIELD = 3
MAX_DIRECTIVES = 20
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


MAX_COST = 100_000
DEFAULT_PAGE = 20
MAX_PAGE = 100


def find_bad_text(value: Any, path: str) -> tuple[str, str] | None:
    """The first string in a variables tree that may not enter, with its path."""
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:  # iterative: a deeply nested value cannot exhaust the recursion limit
        item, where = stack.pop()
        if isinstance(item, str):
            problem = text_problem(item)
            if problem is not None:
                return where, problem
        elif isinstance(item, dict):
            for key, child in item.items():
                problem = text_problem(key) if isinstance(key, str) else None
                if problem is not None:
                    return where, problem
                stack.append((child, f"{where}.{key}"))
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{n}]") for n, child in enumerate(item))
    return None


class _Census(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.document: DocumentNode | None = None
        self.variable_types: dict[str, str] = {}
        self.directives = 0
        self.most_on_one = 0
        self.bad_literal: tuple[StringValueNode, str] | None = None

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        self.most_on_one = max(self.most_on_one, len(node.directives or ()))

    def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
        self.directives += 1

    def enter_variable_definition(self, node: VariableDefinitionNode, *_: Any) -> None:
        named = node.type
        while not isinstance(named, NamedTypeNode):
            assert isinstance(named, ListTypeNode | NonNullTypeNode)
            named = named.type
        self.variable_types[node.variable.name.value] = named.name.value

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        problem = text_problem(node.value)
        if problem is not None and self.bad_literal is None:
            self.bad_literal = (node, problem)


# A census keeps its parsed document (for the cost, which depends on the variables): kept
# by the size of its text, as parsed documents are (``graphql_runtime.documents``), never by count
# alone, or a thousand large distinct documents would hold gigabytes.
CENSUSES: SizedCache[str, _Census] = SizedCache(
    max_size=MAX_CHARS, max_entry_size=MAX_ENTRY_CHARS, max_entries=MAX_ENTRIES
)


def _census(query: str) -> _Census | None:
    found = CENSUSES.get(query)
    if found is not None:
        return found
    try:
        document = parse(query, max_tokens=5_000)
    except GraphQLSyntaxError:
        return None  # GraphQL reports syntax errors itself, with their location
    census = _Census()
    census.document = document
    visit(document, census)
    CENSUSES.put(query, census, len(query))
    return census


def operation_type(query: str, operation_name: str | None) -> OperationType | None:
    """What the request would run (query, mutation or subscription), from its parsed
    document; None when it does not parse or names no one operation of it."""
    census = _census(query)
    if census is None or census.document is None:
        return None
    operation = get_operation_ast(census.document, operation_name)
    return None if operation is None else operation.operation


def _page_size(field: FieldNode, variables: dict[str, Any]) -> int | None:
    for argument in field.arguments or ():
        if argument.name.value != "first":
            continue
        value = argument.value
        raw = (
            variables.get(value.name.value)
            if isinstance(value, VariableNode)
            else getattr(value, "value", None)
        )
        try:
            return max(0, min(int(raw), MAX_PAGE)) if raw is not None else None
        except (TypeError, ValueError):
            return None  # coercion reports it
    return None


def estimate_cost(document: DocumentNode, variables: dict[str, Any]) -> int:
    """Fields the answer may hold: each field counts once per row it can appear in, a
    connection's edges being as many rows as its page (``first``, else 20)."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }

    def walk(selection_set: SelectionSetNode | None, rows: int, depth: int, page: int = 1) -> int:
        """``page`` multiplies the rows of a connection's ``edges`` (and ``nodes``) only."""
        if selection_set is None or depth > 20:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                here = rows * page if selection.name.value in ("edges", "nodes") else rows
                total += here
                inner = selection.selection_set
                size = _page_size(selection, variables)
                if (
                    size is None
                    and inner is not None
                    and any(
                        isinstance(s, FieldNode) and s.name.value in ("edges", "nodes")
                        for s in inner.selections
                    )
                ):
                    size = DEFAULT_PAGE
                total += walk(inner, here, depth + 1, size if size is not None else 1)
            elif isinstance(selection, InlineFragmentNode):
                total += walk(selection.selection_set, rows, depth + 1, page)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = fragments.get(selection.name.value)
                total += walk(fragment.selection_set if fragment else None, rows, depth + 1, page)
        return total

    return sum(
        walk(d.selection_set, 1, 0)
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
    )


def _document_problem(query: str) -> tuple[str, str] | None:
    """(code, message) for a document refused whatever its variables; cached by text."""
    census = _census(query)
    if census is None:
        return None
    if census.most_on_one > MAX_DIRECTIVES_PER_FIELD or census.directives > MAX_DIRECTIVES:
        return (
            "GRAPHQL_VALIDATION_FAILED",
            f"Too many directives: at most {MAX_DIRECTIVES_PER_FIELD} on a field and "
            f"{MAX_DIRECTIVES} in a document.",
        )
    if census.bad_literal is not None:
        node, problem = census.bad_literal
        where = f" (line {node.loc.source.get_location(node.loc.start).line})" if node.loc else ""
        return "BAD_USER_INPUT", f"A string literal{where}: {problem}"
    return None


def precheck(
    query: str | None,
    variables: dict[str, Any] | None,
    *,
    per_item_lists: Mapping[str, str] | None = None,
) -> GraphQLError | None:
    """The one error a request is refused with before validation, or None.

    ``per_item_lists`` names input types (``SubmitCasesInput``) whose list field
    (``cases``) the domain judges item by item, text included, so that one bad item stops
    only itself: the check here leaves those lists to it."""
    per_item_lists = per_item_lists or {}
    if variables:
        census = _census(query) if query else None
        per_item = {
            name: per_item_lists[kind]
            for name, kind in (census.variable_types.items() if census else ())
            if kind in per_item_lists
        }
        checked = {
            name: (
                {k: v for k, v in value.items() if k != per_item[name]}
                if name in per_item and isinstance(value, dict)
                else value
            )
            for name, value in variables.items()
        }
        bad = find_bad_text(checked, "$")
        if bad is not None:
            where, problem = bad
            path = where.replace("$.", "$", 1)
            return GraphQLError(
                f"Variable {path}: {problem}",
                extensions={"code": "BAD_USER_INPUT", "field": path},
            )
    if query:
        found = _document_problem(query)
        if found is not None:
            code, message = found
            return GraphQLError(message, extensions={"code": code})
        census = _census(query)
        if census is not None and census.document is not None:
            cost = estimate_cost(census.document, variables or {})
            if cost > MAX_COST:
                return GraphQLError(
                    f"This document may return about {cost:,} fields; the limit is "
                    f"{MAX_COST:,}. Ask for smaller pages (first) or fewer fields, and "
                    "follow the cursors.",
                    extensions={"code": "COST_LIMIT", "cost": cost, "limit": MAX_COST},
                )
    return None


def pre_execution_code(error: GraphQLError) -> str:
    """The code of an error raised before execution (it has no path)."""
    message = error.message
    if message.startswith("Syntax Error"):
        return "GRAPHQL_PARSE_FAILED"
    if message.startswith("Variable '$"):
        return "BAD_USER_INPUT"
    return "GRAPHQL_VALIDATION_FAILED"


def without_suggestions(message: str) -> str:
    """Field and type suggestions map a schema for whoever probes it; they are dropped."""
    return _SUGGESTION.sub("", message)
