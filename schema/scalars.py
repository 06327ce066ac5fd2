"""Checks every input needs, applied once at the boundary, before anything runs.

Text that PostgreSQL cannot store (NUL), that no encoder can write (a lone UTF-16
surrogate) or that only hides things from people reading it (other C0 control characters)
is refused, in variables and in the document's literals alike; the error names where.
Date-times must say their zone, and dates and date-times stay within years the service
can do arithmetic on (deadlines, expiry), so neither reaches a server error.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, NewType

import strawberry

from db.text import text_problem

EARLIEST_YEAR = 1900
LATEST_YEAR = 9000


def check_text(value: str) -> str:
    problem = text_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


def _in_range(year: int) -> None:
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ValueError(f"The year must be between {EARLIEST_YEAR} and {LATEST_YEAR}.")


def parse_datetime(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError("A date-time is an ISO 8601 string, e.g. 2026-12-31T12:00:00Z.")
    try:
        parsed = datetime.fromisoformat(check_text(value))
    except ValueError as exc:
        raise ValueError(f"Not an ISO 8601 date-time: {value!r}.") from exc
    if parsed.tzinfo is None:
        raise ValueError("A date-time must say its zone, e.g. 2026-12-31T12:00:00Z or +01:00.")
    _in_range(parsed.year)
    return parsed.astimezone(UTC)


def parse_date(value: Any) -> date:
    if not isinstance(value, str):
        raise ValueError("A date is an ISO 8601 string, e.g. 2026-12-31.")
    try:
        parsed = date.fromisoformat(check_text(value))
    except ValueError as exc:
        raise ValueError(f"Not an ISO 8601 date: {value!r}.") from exc
    _in_range(parsed.year)
    return parsed


DateTime = strawberry.scalar(
    NewType("DateTime", datetime),
    name="DateTime",
    description="Date with time (ISO 8601), with its zone.",
    serialize=lambda v: v.isoformat(),
    parse_value=parse_datetime,
)
Date = strawberry.scalar(
    NewType("Date", date),
    name="Date",
    description="Date (ISO 8601).",
    serialize=lambda v: v.isoformat(),
    parse_value=parse_date,
)

SCALAR_OVERRIDES: dict[object, Any] = {datetime: DateTime, date: Date}
