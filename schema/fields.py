"""``strawberry.field`` and ``strawberry.mutation`` as decorators that keep the resolver's
type for the checker.

Called with keywords only, as every resolver here is, strawberry's overloads return ``Any``,
so ``mypy --strict`` calls every decorated resolver untyped. At run time these are
strawberry's own; only what the checker sees changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import strawberry

R = TypeVar("R", bound=Callable[..., Any])


def field(**options: Any) -> Callable[[R], R]:
    """A resolver field (``strawberry.field``'s options)."""
    return cast("Callable[[R], R]", strawberry.field(**options))


def mutation(**options: Any) -> Callable[[R], R]:
    """A mutation resolver (``strawberry.mutation``'s options)."""
    return cast("Callable[[R], R]", strawberry.mutation(**options))
