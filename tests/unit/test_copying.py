"""Binding by name (schema.copying): what a resolver no longer lists by hand must still
fail at once when a name is missing, and never pass anything the function did not ask."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import pytest

from schema.copying import called, copied


@dataclass(frozen=True)
class Value:
    a: int
    b: str = "b"


def step(*, session: str, a: int, b: str = "default") -> tuple[str, int, str]:
    return session, a, b


def test_called_reads_each_keyword_parameter_from_the_source_unless_given() -> None:
    source = SimpleNamespace(a=1, b="from input", unrelated="never passed")
    assert called(step, source, session="s") == ("s", 1, "from input")
    assert called(step, source, session="s", b="given") == ("s", 1, "given")


def test_a_parameter_the_source_lacks_fails_at_once_even_with_a_default() -> None:
    with pytest.raises(AttributeError, match="'b'"):
        called(step, SimpleNamespace(a=1), session="s")  # no silent default: say it


def test_copied_builds_a_dataclass_by_field_name() -> None:
    assert copied(Value, SimpleNamespace(a=2, b="x")) == Value(2, "x")
    assert copied(Value, SimpleNamespace(a=2, b="x"), b="given") == Value(2, "given")
    with pytest.raises(AttributeError, match="'b'"):
        copied(Value, SimpleNamespace(a=2))
