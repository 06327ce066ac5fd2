"""Values built from objects whose attributes bear their fields' names: answer types from
domain objects, domain values from inputs; and domain functions called with an input's
fields under their parameters' names.

Each converter used to list every field as ``name=source.name``: the type's fields said
twice, and a new field forgotten in one converter was an error only at run time. Here a
converter names only what differs (a global id, a conversion, a renamed attribute); every
other field is read from the source under its own name, so a missing attribute fails the
first test that builds the type.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")


_INIT_FIELDS: dict[type, tuple[str, ...]] = {}


def copied(cls: type[T], source: object, /, **given: Any) -> T:
    """``cls`` (a dataclass: a Strawberry type or a domain value) with each field
    ``given``, or else read from ``source`` by its name."""
    names = _INIT_FIELDS.get(cls)
    if names is None:  # the fields a Strawberry type takes when built (resolvers take none)
        fields = dataclasses.fields(cls)  # type: ignore[arg-type]  # Strawberry types are dataclasses
        names = _INIT_FIELDS[cls] = tuple(f.name for f in fields if f.init)
    for name in names:
        if name not in given:
            given[name] = getattr(source, name)
    return cls(**given)


@cache
def _keyword_parameters(function: Callable[..., Any]) -> tuple[str, ...]:
    return tuple(
        name
        for name, parameter in inspect.signature(function).parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY
    )


def called(function: Callable[..., T], source: object, /, **given: Any) -> T:
    """``function`` called with each keyword-only parameter ``given``, or else read from
    ``source`` by its name: an input that lacks one fails the first test that calls it."""
    for name in _keyword_parameters(function):
        if name not in given:
            given[name] = getattr(source, name)
    return function(**given)
