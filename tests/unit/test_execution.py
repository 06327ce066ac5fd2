"""The attribute fast path (graphql_runtime/execution.py) answers exactly as graphql-core does.

Two schemas from the same types, one executed by ``AttributeFastPath`` and one by
Strawberry's own execution context, are asked the same documents about the same values.
The values come from hypothesis and include what the fast path must hand back: nulls
where the type forbids them, values a scalar or an enum refuses, a list where an item
may not be null, an object where a resolver sits beside basic fields.
"""

from __future__ import annotations

import asyncio
import enum
from typing import Any

import strawberry
from hypothesis import given, settings
from hypothesis import strategies as st

from graphql_runtime.execution import AttributeFastPath


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.type
class Change:
    field: str
    before: int | None


@strawberry.type
class Entry:
    seq: int
    action: str
    colour: Colour
    tags: list[str]
    maybe_tags: list[str | None] | None
    changes: list[Change]

    @strawberry.field
    def doubled(self) -> int:
        return self.seq * 2


@strawberry.type
class Page:
    total: int
    entries: list[Entry]
    first: Entry | None


PAGE: Page | None = None
ROWS: list[Entry | None] = []  # a resolver's list, as the public statistics' rows are


@strawberry.type
class Query:
    @strawberry.field
    async def page(self) -> Page:
        assert PAGE is not None
        return PAGE

    @strawberry.field
    async def rows(self) -> list[Entry]:  # a null item is graphql-core's error
        return ROWS  # type: ignore[return-value]  # nulls on purpose

    @strawberry.field
    async def maybe_rows(self) -> list[Entry | None] | None:
        return ROWS


FAST = strawberry.Schema(query=Query, execution_context_class=AttributeFastPath)
PLAIN = strawberry.Schema(query=Query)

DOCUMENTS = [
    "{ page { total entries { seq action colour tags changes { field before } } } }",
    "{ page { entries { __typename seq doubled maybeTags } first { seq colour } } }",
    "{ page { a: total b: total entries { x: seq ...F } } } fragment F on Entry { action }",
    "query($s: Boolean!) { page { entries { seq @skip(if: $s) action @include(if: $s) } } }",
    "{ page { first { changes { field } tags } entries { changes { before } } } }",
    "{ rows { seq action colour tags } }",
    "{ maybeRows { __typename seq doubled changes { field } } }",
    "{ a: rows { seq } b: maybeRows { maybeTags x: action } page { total } }",
]

# what a basic field may hold: the right type, a null, or what its type refuses
ints = st.one_of(st.integers(-(2**31), 2**31 - 1), st.none(), st.just("x"), st.just(2**40))
strings = st.one_of(st.text(max_size=3), st.none(), st.just(7))
colours = st.one_of(st.sampled_from(list(Colour)), st.none(), st.just("green"))
changes = st.builds(Change, field=strings, before=ints)
entries = st.builds(
    Entry,
    seq=ints,
    action=strings,
    colour=colours,
    tags=st.one_of(st.lists(strings, max_size=3), st.none()),
    maybe_tags=st.one_of(st.lists(strings, max_size=3), st.none()),
    changes=st.one_of(st.lists(changes, max_size=3), st.none()),
)
pages = st.builds(
    Page,
    total=ints,
    entries=st.lists(entries, max_size=4),
    first=st.one_of(entries, st.none()),
)


def _answer(schema: strawberry.Schema, document: str, variables: dict[str, Any]) -> Any:
    result = asyncio.run(schema.execute(document, variable_values=variables))
    errors = sorted((e.message, tuple(e.path or ())) for e in result.errors or ())
    return result.data, errors


@settings(max_examples=400, deadline=None)
@given(
    page=pages,
    rows=st.lists(st.one_of(entries, st.none()), max_size=4),
    document=st.sampled_from(DOCUMENTS),
    skip=st.booleans(),
)
def test_the_fast_path_answers_as_graphql_core_does(
    page: Page, rows: list[Entry | None], document: str, skip: bool
) -> None:
    global PAGE, ROWS
    PAGE, ROWS = page, rows
    variables = {"s": skip} if "$s" in document else {}
    fast, plain = _answer(FAST, document, variables), _answer(PLAIN, document, variables)
    assert fast == plain
    assert list(_keys(fast[0])) == list(_keys(plain[0]))  # the document's order too


def _keys(value: Any) -> Any:
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item)


def test_a_valid_page_is_read_without_graphql_cores_field_walk() -> None:
    """The saving is real: the basic parts of a valid page never reach execute_field."""
    global PAGE
    PAGE = Page(total=1, entries=[Entry(seq=1, action="a", colour=Colour.RED, tags=["t"],
                                        maybe_tags=None, changes=[Change(field="f", before=1)])],
                first=None)  # fmt: skip
    walked: list[str] = []

    class Counting(AttributeFastPath):
        def execute_field(self, parent_type: Any, *args: Any, **kwargs: Any) -> Any:
            walked.append(parent_type.name)
            return super().execute_field(parent_type, *args, **kwargs)

    counting = strawberry.Schema(query=Query, execution_context_class=Counting)
    data, errors = _answer(counting, DOCUMENTS[0], {})
    assert not errors and data["page"]["entries"][0]["changes"] == [{"field": "f", "before": 1}]
    assert walked == ["Query"]  # only the resolver


def test_a_resolvers_list_of_valid_rows_is_read_without_completing_each_item() -> None:
    """The public statistics' case: a resolver returns rows whose selection is basic."""
    global ROWS
    ROWS = [Entry(seq=n, action="a", colour=Colour.BLUE, tags=[], maybe_tags=None, changes=[])
            for n in range(3)]  # fmt: skip
    completed: list[str] = []

    class Counting(AttributeFastPath):
        def complete_object_value(self, return_type: Any, *args: Any, **kwargs: Any) -> Any:
            completed.append(return_type.name)
            return super().complete_object_value(return_type, *args, **kwargs)

    counting = strawberry.Schema(query=Query, execution_context_class=Counting)
    data, errors = _answer(counting, "{ rows { seq colour } }", {})
    assert not errors and data["rows"] == [{"seq": n, "colour": "BLUE"} for n in range(3)]
    assert completed == []
