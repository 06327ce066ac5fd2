"""Every setting the service reads and every command it has is documented for operators
(docs/), so the README can stay short without anything going unexplained."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from cli import app

ROOT = Path(__file__).parents[2]
DOCS = "\n".join(p.read_text() for p in (ROOT / "docs").glob("*.md"))


def test_every_environment_variable_is_documented() -> None:
    read = set()
    for source in (ROOT / "api").rglob("*.py"):
        read |= set(re.findall(r"\"((?:JOINTCODE|APP|TEST)_[A-Z_]+|DATABASE_URL)\"",
                               source.read_text()))  # fmt: skip
    missing = sorted(name for name in read if f"`{name}`" not in DOCS)
    assert not missing, f"not in docs/: {missing}"


def _commands(group: typer.Typer, prefix: str = "") -> list[str]:
    found = [
        f"{prefix}{c.name or (c.callback.__name__ if c.callback else '')}".replace("_", "-")
        for c in group.registered_commands
    ]
    for sub in group.registered_groups:
        assert sub.typer_instance is not None
        found += _commands(sub.typer_instance, f"{prefix}{sub.name} ")
    return found


def test_every_command_is_documented() -> None:
    missing = [c for c in _commands(app) if f"jointcode {c}" not in DOCS]
    assert not missing, f"not in docs/: {missing}"
