"""Submitting and reading cases, always within one party: what ``cases.submission`` and
``cases.reading`` hold, under one name for callers that want both.

It is not the package's only door: the workflow's steps are in ``cases.lifecycle``,
reports from the public in ``cases.reports``, CSV imports in ``cases.importing``, and
callers import those modules directly.
"""

from cases.reading import (
    CaseFilter,
    CaseOrder,
    CaseRead,
    get_case,
    get_case_by_reference,
    get_cases,
    histories,
    list_cases,
    overdue_condition,
    reads,
    repeat_counts,
)
from cases.submission import (
    MAX_BATCH,
    Submission,
    SubmitResult,
    due_dates,
    submit_case,
    submit_cases,
)

__all__ = [
    "MAX_BATCH",
    "CaseFilter",
    "CaseOrder",
    "CaseRead",
    "Submission",
    "SubmitResult",
    "due_dates",
    "get_case",
    "get_case_by_reference",
    "get_cases",
    "histories",
    "list_cases",
    "overdue_condition",
    "reads",
    "repeat_counts",
    "submit_case",
    "submit_cases",
]
