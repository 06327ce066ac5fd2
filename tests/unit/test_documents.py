"""The parsed-document cache is bounded by the size of what it keeps, not only by count."""

from __future__ import annotations

import pytest
from graphql import GraphQLSyntaxError
from graphql.validation import specified_rules

from graphql_runtime.documents import Documents
from schema import schema as graphql_schema


def test_keeps_short_documents_within_a_character_budget() -> None:
    documents = Documents(max_chars=1_000, max_entry_chars=300, max_entries=100)
    queries = [f"{{ a{n}: codes {{ version }} }}" for n in range(200)]
    for query in queries:
        documents.parse(query, {})
        assert documents.chars <= 1_000
    kept = documents.kept_queries()
    assert documents.chars == sum(len(q) for q in kept)
    assert 0 < len(kept) < 200  # the oldest went first
    assert queries[-1] in kept and queries[0] not in kept
    long = "{ codes { version } }" + " " * 400
    documents.parse(long, {})
    assert long not in documents.kept_queries()  # longer than an entry may be: not kept
    with pytest.raises(GraphQLSyntaxError):
        documents.parse("{ codes {", {})
    assert "{ codes {" not in documents.kept_queries()


def test_a_documents_validation_is_kept_beside_it() -> None:
    documents = Documents()
    schema = graphql_schema._schema
    query = "{ codes { version nope } }"
    document = documents.parse(query, {})
    assert documents.parse(query, {}) is document
    rules = tuple(specified_rules)
    first = documents.validate(query, {}, schema, document, rules)
    assert first and "nope" in first[0].message
    assert documents.validate(query, {}, schema, document, rules) is first
    other = documents.parse("{ codes { version } }", {})
    assert documents.validate("{ codes { version } }", {}, schema, other, rules) == []
