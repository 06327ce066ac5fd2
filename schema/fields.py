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
from strawberry.schema_directive import Location

R = TypeVar("R", bound=Callable[..., Any])


def field(**options: Any) -> Callable[[R], R]:
    """A resolver field (``strawberry.field``'s options)."""
    return cast("Callable[[R], R]", strawberry.field(**options))


@strawberry.schema_directive(
    locations=[Location.FIELD_DEFINITION],
    description="The answer is public: the same for every caller until the next publication, "
    "so a shared cache may keep it. The service's own cache keeps an answer only when every "
    "root field of the document has this.",
)
class Cacheable:
    pass


def public_field(**options: Any) -> Callable[[R], R]:
    """A root field whose answer is public and may be cached (``@cacheable``). A root field
    without it, a personal one by omission, is never kept by the service's cache."""
    options["directives"] = [*options.get("directives", ()), Cacheable()]
    return field(**options)


def mutation(**options: Any) -> Callable[[R], R]:
    """A mutation resolver (``strawberry.mutation``'s options)."""
    return cast("Callable[[R], R]", strawberry.mutation(**options))
