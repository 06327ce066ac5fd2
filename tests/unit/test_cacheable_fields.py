"""The service's cache keeps an answer only when every root field it selects is declared
public (``@cacheable``), fragments included: a personal field is never kept by omission."""

from __future__ import annotations

import pytest

from api.cache import _normal
from schema import CACHEABLE_ROOT_FIELDS, export_sdl

PUBLIC = {
    "code", "codes", "sanctionGuidance", "parties", "statistics", "statisticsTables",
    "statisticsEdition", "releaseCalendar", "publishedOutcomes", "reportingPeriods",
    "reportStatistics", "webhookEventTypes", "node", "nodes",
}  # fmt: skip


def test_the_public_fields_are_exactly_those_declared() -> None:
    """A new @cacheable field is a decision: it must be added here too."""
    assert CACHEABLE_ROOT_FIELDS - {"__typename", "__schema", "__type"} == PUBLIC
    assert "reportStatus: ReportStatus @cacheable" not in export_sdl()
    assert "statisticsTables: [StatisticsTable!]! @cacheable" in export_sdl()


@pytest.mark.parametrize(
    "query",
    [
        "{ parties { slug } }",
        "{ __typename codes { version } }",
        "query Q { ...F } fragment F on Query { parties { slug } }",
        "{ ... on Query { statisticsTables { name } } }",
    ],
)
def test_public_documents_may_be_kept(query: str) -> None:
    assert _normal(query) is not None


@pytest.mark.parametrize(
    "query",
    [
        '{ reportStatus(code: "A", secret: "B") { status } }',
        '{ parties { slug } reportStatus(code: "A", secret: "B") { status } }',
        'query Q { ...F } fragment F on Query { reportStatus(code: "A", secret: "B") { status } }',
        '{ ... on Query { ... on Query { reportStatus(code: "A", secret: "B") { status } } } }',
        "{ viewer { role } }",
        "query Q { ...Missing }",
        "{ cases(first: 1) { totalCount } }",
    ],
)
def test_a_document_with_any_root_field_not_public_is_never_kept(query: str) -> None:
    assert _normal(query) is None
