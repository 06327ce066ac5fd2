"""Load and check the code version files shipped in ``codes/versions``.

Files are read once per process: the code is immutable data, and every request
validating a provision id must not touch the disk.
"""

from __future__ import annotations

import hashlib
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from codes.model import CodeVersion, Deadlines, Term
from codes.validation import Problem, validate_document

VERSIONS_DIR = Path(__file__).parent / "versions"


class CodeFileError(ValueError):
    """A code version file that cannot be used; the message says where and why."""

    def __init__(self, message: str, *, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


def _terms(doc: dict[str, Any], key: str) -> tuple[Term, ...]:
    items = doc.get(key) or []
    fields = set(Term.__slots__)
    return tuple(Term(**{k: v for k, v in item.items() if k in fields}) for item in items)


def parse_version(text: str, *, source: str = "<string>") -> CodeVersion:
    """Parse one version file; raise CodeFileError naming the file on structural errors."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CodeFileError(f"{source}: not valid YAML: {exc}") from exc
    problems = validate_document(doc)
    if problems:
        raise CodeFileError(
            f"{source}: {len(problems)} problem(s):\n" + "\n".join(f"  {p}" for p in problems),
            problems=problems,
        )
    try:
        in_force = doc["in_force_from"]
        return CodeVersion(
            id=str(doc["id"]),
            title=doc["title"],
            in_force_from=in_force if isinstance(in_force, date) else date.fromisoformat(in_force),
            content_hash=hashlib.sha256(text.encode()).hexdigest(),
            principles=doc.get("principles", ""),
            provisions=_terms(doc, "provisions"),
            families=_terms(doc, "families"),
            channels=_terms(doc, "channels"),
            respondent_roles=_terms(doc, "respondent_roles"),
            target_roles=_terms(doc, "target_roles"),
            sanctions=tuple(sorted(_terms(doc, "sanctions"), key=lambda s: s.rank or 0)),
            deadlines=Deadlines(**doc["deadlines"]),
            k=int(doc.get("publication", {}).get("k", 10)),
            raw=doc,
        )
    except (KeyError, TypeError, ValueError, yaml.YAMLError) as exc:
        raise CodeFileError(f"{source}: not a valid code version file: {exc}") from exc


@cache
def load_versions() -> dict[str, CodeVersion]:
    """Every shipped version, keyed by id."""
    versions: dict[str, CodeVersion] = {}
    for path in sorted(VERSIONS_DIR.glob("*.yaml")):
        version = parse_version(path.read_text(encoding="utf-8"), source=path.name)
        if version.id in versions:
            raise CodeFileError(f"{path.name}: duplicate version id {version.id!r}")
        versions[version.id] = version
    return versions


def get_version(version_id: str) -> CodeVersion | None:
    return load_versions().get(version_id)


def default_version(on: date | None = None) -> CodeVersion:
    """The newest version in force on a date (today by default)."""
    on = on or date.today()
    in_force = [v for v in load_versions().values() if v.in_force_from <= on]
    candidates = in_force or list(load_versions().values())
    return max(candidates, key=lambda v: (v.in_force_from, v.id))
