"""The service's one clock. Dates are the United Kingdom's (Europe/London).

Officers, deadlines and reporting periods all live on UK dates: between midnight and
01:00 British Summer Time the UTC date is still yesterday, and an officer entering
today's date must not be told it is in the future. Everything that needs "now" or
"today" asks here, so tests can set the time (``frozen``) instead of waiting for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
_source: list[Callable[[], datetime]] = [lambda: datetime.now(UTC)]


def now() -> datetime:
    """The current instant, zone-aware (UTC)."""
    return _source[-1]()


def today() -> date:
    """Today's date in the United Kingdom."""
    return now().astimezone(LONDON).date()


@contextmanager
def frozen(at: datetime) -> Iterator[None]:
    """Within the block, the clock reads ``at`` (zone-aware)."""
    if at.tzinfo is None:
        raise ValueError("a frozen time needs its zone")
    _source.append(lambda: at)
    try:
        yield
    finally:
        _source.pop()
