"""The one exception type domain functions raise for expected failures.

The GraphQL layer turns it into a ``UserError`` in the mutation payload; each domain
package defines its own enum of codes so that the codes stay stable and documented.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

from codes.errors import InputProblem


class DomainError(Exception):
    def __init__(self, code: Enum, message: str, *, field: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = tuple(field)


class DomainErrors(Exception):
    """Several independent problems found at once, so the caller can fix them in one go."""

    def __init__(self, errors: Sequence[DomainError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = list(errors)


def from_problems(problems: Sequence[InputProblem]) -> list[DomainError]:
    """Problems found by the pure ``codes`` package, as domain errors with the same codes."""
    return [DomainError(p.code, p.message, field=p.field) for p in problems]
