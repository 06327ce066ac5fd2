"""A cheaper walk for the parts of an answer that only read attributes.

An officer's page of 100 cases is about 6,300 fields, most of them plain attributes
(``state``, ``reference``, a history entry's ``action``, its ``changes``). For each,
graphql-core builds an info object, looks up the resolver, checks for awaitables and
completes the value through five generic steps; measured, that was most of the page's
CPU (bench/officer.py). Strawberry marks a field *basic* when it has no resolver, no
extension and no permission: its answer is the attribute, serialized. So where a
selection holds only basic fields (leaves, lists of leaves, and objects whose own
selections are basic, all the way down), this module reads it as one small program,
compiled once per selection and operation.

Anything else goes the ordinary way: a field with a resolver or arguments, an abstract
type, a deferred fragment. So does anything unusual on the way (a null where the type
forbids one, a value its type refuses, an exception): the whole field is then executed
again by graphql-core, which gives the ordinary answer and the ordinary error. Reading an
attribute twice has no effect, so the answers are the same as without this module, only
the work is less; tests/unit/test_execution.py holds the two side by side.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum, EnumMeta
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    Undefined,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.pyutils import AwaitableOrValue, Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

LEAF, OBJECT, TYPENAME = 0, 1, 2


class _Bail(Exception):
    """Something on the fast path needs graphql-core's own handling."""


class _Step:
    """One field of a compiled selection: where its value is, how it is completed, and
    what may be null."""

    __slots__ = ("attribute", "complete", "is_list", "items_null", "kind", "name", "nullable")

    def __init__(
        self,
        name: str,
        attribute: str,
        kind: int,
        complete: Any,
        *,
        nullable: bool = True,
        is_list: bool = False,
        items_null: bool = True,
    ) -> None:
        self.name = name
        self.attribute = attribute
        self.kind = kind
        self.complete = complete  # a serializer (LEAF), a program (OBJECT), a name (TYPENAME)
        self.nullable = nullable
        self.is_list = is_list
        self.items_null = items_null


Program = list[_Step]


def _shape(kind: GraphQLOutputType) -> tuple[GraphQLOutputType, bool, bool, bool]:
    """The named type under the wrappers, and whether the field, its list and its items
    may be null: only ``T``, ``T!``, ``[T]``, ``[T!]`` and their non-null forms."""
    nullable = not isinstance(kind, GraphQLNonNull)
    if isinstance(kind, GraphQLNonNull):
        kind = kind.of_type
    is_list = isinstance(kind, GraphQLList)
    items_null = True
    if isinstance(kind, GraphQLList):
        kind = kind.of_type
        items_null = not isinstance(kind, GraphQLNonNull)
        if isinstance(kind, GraphQLNonNull):
            kind = kind.of_type
    return kind, nullable, is_list, items_null


_SERIALIZERS: dict[int, Callable[[Any], Any]] = {}


def serializer(kind: GraphQLLeafType) -> Callable[[Any], Any]:
    """How a leaf type turns a value into its answer, found once per type. Strawberry's
    enum coercion compares the value with each member's ``.value`` in turn, for every
    value; here each Python member's name is looked up in a table made once per type,
    and anything else (a raw value, a refusal) goes to the type's own coercion."""
    found = _SERIALIZERS.get(id(kind))
    if found is not None:
        return found
    coerce = kind.coerce_output_value
    wrapped = getattr(kind, "wrapped_cls", None)
    if isinstance(kind, GraphQLEnumType) and isinstance(wrapped, EnumMeta):
        members: list[Enum] = list(wrapped)
        names = {
            member: name
            for name, value in kind.values.items()
            for member in members
            if member.value == value.value
        }

        def by_table(value: Any) -> Any:
            try:
                return names[value]
            except (KeyError, TypeError):  # not a member (or unhashable): the type decides
                return coerce(value)

        found = by_table
    else:
        found = coerce
    _SERIALIZERS[id(kind)] = found
    return found


def _is_basic(field: GraphQLField) -> bool:
    resolve = field.resolve
    if resolve is None or not getattr(resolve, "_is_default", False):
        return False
    definition = field.extensions.get("strawberry-definition")
    return definition is not None and bool(definition.is_basic_field)


def _value(step: _Step, source: Any) -> Any:
    value = getattr(source, step.attribute)
    if value is None:
        if not step.nullable:
            raise _Bail
        return None
    if isinstance(value, Exception):
        raise _Bail
    complete = step.complete
    if step.is_list:
        if not isinstance(value, list | tuple):
            raise _Bail  # graphql-core's own handling of other iterables
        if step.kind == LEAF:
            items = [complete(item) if item is not None else None for item in value]
        else:
            items = [_run(complete, item) if item is not None else None for item in value]
        if (None in items or Undefined in items) and (
            not step.items_null
            or any(a is None and b is not None for a, b in zip(items, value, strict=True))
            or Undefined in items
        ):
            raise _Bail
        return items
    answer = complete(value) if step.kind == LEAF else _run(complete, value)
    if answer is None or answer is Undefined:
        raise _Bail
    return answer


def _run(program: Program, source: Any) -> dict[str, Any]:
    answer: dict[str, Any] = {}
    for step in program:
        if step.kind == TYPENAME:
            answer[step.name] = step.complete
        else:
            answer[step.name] = _value(step, source)
    return answer


class AttributeFastPath(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, with basic selections read by compiled programs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # (id of the field, id of its field nodes) -> its step, or None: the nodes stay
        # alive in graphql-core's own memo of collected subfields for the operation
        self._steps: dict[tuple[int, int], _Step | None] = {}
        self._programs: dict[tuple[int, int], Program | None] = {}  # a list's items

    def _step(self, name: str, field: GraphQLField, details: FieldDetailsList) -> _Step | None:
        key = (id(field), id(details))
        if key not in self._steps:
            self._steps[key] = self._compile_field(name, field, details)
        return self._steps[key]

    def _compile_field(
        self, name: str, field: GraphQLField, details: FieldDetailsList
    ) -> _Step | None:
        if not _is_basic(field) or any(d.node.arguments for d in details):
            return None
        kind, nullable, is_list, items_null = _shape(field.type)
        python_name = field.extensions["strawberry-definition"].python_name
        shape = {"nullable": nullable, "is_list": is_list, "items_null": items_null}
        if isinstance(kind, GraphQLLeafType):
            return _Step(name, python_name, LEAF, serializer(kind), **shape)
        if not isinstance(kind, GraphQLObjectType):
            return None  # interfaces and unions need their runtime type
        program = self._compile(kind, details)
        return None if program is None else _Step(name, python_name, OBJECT, program, **shape)

    def _compile(self, parent: GraphQLObjectType, details: FieldDetailsList) -> Program | None:
        grouped, deferred, _forbidden = self.collect_subfields(parent, details)
        if deferred:
            return None
        program: Program = []
        for name, field_details in grouped.items():
            node = field_details[0].node
            if node.name.value == "__typename":
                program.append(_Step(name, "", TYPENAME, parent.name))
                continue
            field = parent.fields.get(node.name.value)
            step = None if field is None else self._step(name, field, field_details)
            if step is None:
                return None
            program.append(step)
        return program

    def complete_list_value(
        self,
        return_type: GraphQLList[GraphQLOutputType],
        field_details_list: FieldDetailsList,
        info: Any,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> AwaitableOrValue[list[Any]]:
        """A resolver's list of objects whose selection is basic (the public statistics'
        rows, a page's edges) read item by item with the compiled program, instead of
        graphql-core's completion of each item; anything unusual, the ordinary way."""
        item_type = return_type.of_type
        items_null = not isinstance(item_type, GraphQLNonNull)
        named = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
        if isinstance(result, list | tuple) and isinstance(named, GraphQLObjectType):
            program = self._items(named, field_details_list)
            if program is not None:
                try:
                    answers = [_run(program, item) if item is not None else None for item in result]
                except Exception:  # _Bail, or an error graphql-core will raise and place
                    answers = None
                if answers is not None and (items_null or None not in answers):
                    return answers
        return super().complete_list_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def _items(self, named: GraphQLObjectType, details: FieldDetailsList) -> Program | None:
        key = (id(named), id(details))
        if key not in self._programs:
            streamed = any(d.node.directives for d in details)  # @stream: graphql-core's
            self._programs[key] = None if streamed else self._compile(named, details)
        return self._programs[key]

    @staticmethod
    def complete_leaf_value(return_type: GraphQLLeafType, result: Any) -> Any:
        """graphql-core's own step, with the type's serializer found once (above)."""
        coerced = serializer(return_type)(result)
        if coerced is Undefined or coerced is None:
            return StrawberryGraphQLCoreExecutionContext.complete_leaf_value(return_type, result)
        return coerced

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        """Basic fields answered here, in the document's order; the rest handed to
        graphql-core, which runs their awaitables together."""
        fields = parent_type.fields
        answers: dict[str, Any] = {}
        rest: GroupedFieldSet = {}
        for name, details in grouped_field_set.items():
            field = fields.get(details[0].node.name.value)
            step = None if field is None else self._step(name, field, details)
            answer = Undefined
            if step is not None:
                try:
                    answer = _value(step, source_value)
                except Exception:  # _Bail, or an error graphql-core will raise and place
                    answer = Undefined
            if answer is Undefined:
                rest[name] = details
            answers[name] = answer
        if not rest:
            return answers
        others = super().execute_fields(parent_type, source_value, path, rest, position_context)
        if self.is_awaitable(others):

            async def together() -> dict[str, Any]:
                return _merge(answers, await others)

            return together()
        return _merge(answers, others)  # type: ignore[arg-type]  # not awaitable here


def _merge(answers: dict[str, Any], others: dict[str, Any]) -> dict[str, Any]:
    """The answers in the document's order, as graphql-core would give them."""
    return {
        name: others[name] if answer is Undefined else answer
        for name, answer in answers.items()
        if answer is not Undefined or name in others
    }
