"""No room of the house outgrows the rest (issue 25): each package of the layer contract
holds at most a fifth of the application's Python lines, so that a successor can still
read any one of them whole. Tests, benchmarks and examples are not the application."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[2]
LARGEST_SHARE = 0.20


def _packages() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return list(config["tool"]["importlinter"]["root_packages"])


def _lines(package: str) -> int:
    return sum(len(f.read_text().splitlines()) for f in (ROOT / package).rglob("*.py"))


def test_no_package_holds_more_than_a_fifth_of_the_code() -> None:
    lines = {package: _lines(package) for package in _packages()}
    total = sum(lines.values())
    over = {p: f"{n / total:.1%}" for p, n in lines.items() if n > LARGEST_SHARE * total}
    assert not over, f"over {LARGEST_SHARE:.0%} of {total:,} lines: {over}"


def test_the_contract_names_every_package_the_project_installs() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    installed = {p.rstrip("*") for p in config["tool"]["setuptools"]["packages"]["find"]["include"]}
    assert installed == set(_packages()) == set(config["tool"]["mypy"]["packages"])
