"""The cases API the service's callers use: submission and reading, always within one party.

The work is split by concern (``cases.submission``, ``cases.reading``); this module is the
one place GraphQL resolvers, the CLI and imports reach it through.
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
