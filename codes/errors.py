"""Problems with input that names the code's vocabularies (provisions, factors...).

``codes`` imports nothing of ours, so it carries its own small error type; the layers
above turn each problem into a ``UserError`` with the same code, field and message.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum


class CodeErrorCode(Enum):
    UNKNOWN_CODE_VERSION = "UNKNOWN_CODE_VERSION"
    UNKNOWN_PROVISION = "UNKNOWN_PROVISION"
    DUPLICATE_PROVISION = "DUPLICATE_PROVISION"
    UNKNOWN_FACTOR = "UNKNOWN_FACTOR"
    DUPLICATE_FACTOR = "DUPLICATE_FACTOR"


@dataclass(frozen=True, slots=True)
class InputProblem:
    code: Enum
    message: str
    field: tuple[str, ...] = ()


class CodeInputError(ValueError):
    """One or more problems found at once, so the caller fixes them in one round trip."""

    def __init__(self, problems: Sequence[InputProblem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = list(problems)


def unknown(
    code: Enum, kind: str, value: str, allowed: Iterable[str], field: Sequence[str]
) -> InputProblem:
    """The one wording for an id the code version does not define: it lists the allowed ids."""
    return InputProblem(
        code,
        f"Unknown {kind} {value!r} in this code version; allowed: {', '.join(allowed)}.",
        tuple(field),
    )
