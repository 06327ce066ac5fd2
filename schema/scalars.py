"""Checks every input needs, applied once at the boundary, before anything runs.

Text that PostgreSQL cannot store (NUL), that no encoder can write (a lone UTF-16
surrogate) or that only hides things from people reading it (other C0 control characters)
is refused, in variables and in the document's literals alike; the error names where.
Date-times must say their zone, and dates and date-times stay within years the service
can do arithmetic on (deadlines, expiry), so neither reaches a server error.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import strawberry
from strawberry.types.scalar import ScalarDefinition

from db.text import text_problem

EARLIEST_YEAR = 1900
LATEST_YEAR = 9000

D = TypeVar("D", bound=date)  # a date or a datetime


def check_text(value: str) -> str:
    problem = text_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


def _in_range(year: int) -> None:
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ValueError(f"The year must be between {EARLIEST_YEAR} and {LATEST_YEAR}.")


def _parse_iso(value: Any, parse: Callable[[str], D], what: str, example: str) -> D:
    if not isinstance(value, str):
        raise ValueError(f"A {what} is an ISO 8601 string, e.g. {example}.")
    try:
        parsed = parse(check_text(value))
    except ValueError as exc:
        raise ValueError(f"Not an ISO 8601 {what}: {value!r}.") from exc
    _in_range(parsed.year)
    return parsed


def parse_datetime(value: Any) -> datetime:
    parsed = _parse_iso(value, datetime.fromisoformat, "date-time", "2026-12-31T12:00:00Z")
    if parsed.tzinfo is None:
        raise ValueError("A date-time must say its zone, e.g. 2026-12-31T12:00:00Z or +01:00.")
    return parsed.astimezone(UTC)


def parse_date(value: Any) -> date:
    return _parse_iso(value, date.fromisoformat, "date", "2026-12-31")


def _iso(name: str, description: str, parse: Callable[[Any], date]) -> ScalarDefinition:
    return strawberry.scalar(
        name=name,
        description=description,
        serialize=lambda value: value.isoformat(),
        parse_value=parse,
    )


# Python's datetime and date as GraphQL's DateTime and Date, with the checks above
SCALARS: dict[object, ScalarDefinition] = {
    datetime: _iso("DateTime", "Date with time (ISO 8601), with its zone.", parse_datetime),
    date: _iso("Date", "Date (ISO 8601).", parse_date),
}
