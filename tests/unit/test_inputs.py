"""Input rules applied before anything runs, and the clock."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from codes import clock
from db.errors import DomainError
from db.pagination import decode_cursor, encode_cursor
from db.text import text_problem
from graphql_runtime.hardening import precheck, without_suggestions
from schema import PER_ITEM_LISTS
from schema.scalars import parse_date, parse_datetime


@pytest.mark.parametrize("text", ["\x00", "a\x1b", "\ud800", "\x7f"])
def test_text_that_may_not_enter(text: str) -> None:
    assert text_problem(text) is not None


@pytest.mark.parametrize("text", ["", "plain", "tab\there", "lines\r\n", "Caf\u00e9 \u2013 ok"])
def test_text_that_may(text: str) -> None:
    assert text_problem(text) is None


def test_cursors_round_trip_and_refuse_anything_else() -> None:
    cursor = encode_cursor("case", ["2026-01-01T00:00:00", "x"])
    assert decode_cursor("case", cursor, arity=2) == ["2026-01-01T00:00:00", "x"]
    for bad in (encode_cursor("case", [1]), "???", "A" * 300, encode_cursor("other", [1, 2])):
        with pytest.raises(DomainError):
            decode_cursor("case", bad, arity=2)


def test_dates_and_times() -> None:
    assert parse_datetime("2026-06-01T12:00:00+01:00") == datetime(2026, 6, 1, 11, tzinfo=UTC)
    assert parse_date("2026-06-01") == date(2026, 6, 1)
    for bad in ("2026-06-01T12:00:00", "9999-01-01T00:00:00Z", "soon"):
        with pytest.raises(ValueError):
            parse_datetime(bad)


def test_precheck_names_the_variable_and_leaves_bulk_items_to_the_domain() -> None:
    refused = precheck("query($p: String) { parties { slug } }", {"p": "x\x00"})
    assert refused is not None and refused.extensions["field"] == "$p"
    bulk = "mutation($input: SubmitCasesInput!) { submitCases(input: $input) { created } }"
    items = {"input": {"cases": [{"summary": "x\x00"}]}}
    assert precheck(bulk, items, per_item_lists=PER_ITEM_LISTS) is None
    assert precheck(bulk, items) is not None  # without the schema's word, the boundary judges
    flood = precheck("{ __typename " + "@a" * 30 + " }", None)
    assert flood is not None and "directives" in flood.message


def test_suggestions_are_dropped() -> None:
    message = "Cannot query field 'statistic' on type 'Query'. Did you mean 'statistics'?"
    assert without_suggestions(message) == "Cannot query field 'statistic' on type 'Query'."


def test_uk_dates() -> None:
    with clock.frozen(datetime(2026, 6, 1, 23, 30, tzinfo=UTC)):
        assert clock.today() == date(2026, 6, 2)


def test_cost_counts_fields_per_row_of_every_page() -> None:
    from graphql import parse

    from graphql_runtime.hardening import estimate_cost

    one_page = parse("{ cases(first: 100) { totalCount edges { node { id state } } } }")
    # cases, totalCount; then per row: edges, node, id, state
    assert estimate_cost(one_page, {}) == 1 + 1 + 100 * 4
    by_variable = parse("query($n: Int!) { cases(first: $n) { edges { node { id } } } }")
    assert estimate_cost(by_variable, {"n": 10}) == 1 + 10 * 3
    nested = parse("{ cases { edges { node { history(first: 50) { edges { node { seq } } } } } } }")
    # a default page of 20 cases, each with a history page of 50: edges, node, seq per row
    assert estimate_cost(nested, {}) == 1 + 20 * (3 + 50 * 3)
