"""Admission puts a request in the writes lane by the operation it would run, read from
the parsed document, not by how its text begins."""

from __future__ import annotations

import json

import pytest

from api.admission import is_mutation

MUTATE = "mutation M { revokeToken(id: 1) { ok } }"


@pytest.mark.parametrize(
    ("query", "name", "expected"),
    [
        (MUTATE, None, True),
        ("# a comment first\n" + MUTATE, None, True),
        ("fragment F on Query { parties { slug } }\n" + MUTATE, None, True),
        ("query Q { parties { slug } }\n" + MUTATE, "M", True),
        ("query Q { parties { slug } }\n" + MUTATE, "Q", False),
        ("query Q { parties { slug } }\n" + MUTATE, None, False),  # ambiguous: no operation
        ("{ parties { slug } }", None, False),
        ("mutationish { parties { slug } }", None, False),
        ("mutation {", None, False),  # does not parse: GraphQL says so itself
        ("", None, False),
    ],
)
def test_the_operation_decides_the_lane(query: str, name: str | None, expected: bool) -> None:
    body = json.dumps({"query": query, "operationName": name}).encode()
    assert is_mutation(body) is expected


@pytest.mark.parametrize("body", [b"", b"[]", b"not json", b'{"query": 5}', b'{"query": null}'])
def test_an_odd_body_is_not_a_mutation(body: bytes) -> None:
    assert is_mutation(body) is False
