"""Load and check the code version files.

Files are read once per process: the code is immutable data, and every request
validating a provision id must not touch the disk. The folder is the shipped
``codes/versions`` unless ``JOINTCODE_CODES_DIR`` names another, so a maintainer can
try a draft version 2 against a running service without editing the package.
"""

from __future__ import annotations

import hashlib
import os
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from codes import clock
from codes.model import (
    CodeVersion,
    Deadlines,
    PublicationRules,
    Scope,
    SeverityGuide,
    SeverityLevel,
    Term,
)
from codes.validation import Problem, validate_document

VERSIONS_DIR = Path(__file__).parent / "versions"
CODES_DIR_ENV = "JOINTCODE_CODES_DIR"


class CodeFileError(ValueError):
    """A code version file that cannot be used; the message says where and why."""

    def __init__(self, message: str, *, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


def _terms(items: Any) -> tuple[Term, ...]:
    fields = set(Term.__slots__)
    return tuple(Term(**{k: v for k, v in item.items() if k in fields}) for item in (items or []))


def _build(doc: dict[str, Any], content_hash: str) -> CodeVersion:
    severity = doc.get("severity") or {}
    adjustment = severity.get("adjustment") or {}
    scope = doc.get("scope") or {}
    publication = doc.get("publication") or {}
    in_force = doc["in_force_from"]
    return CodeVersion(
        id=str(doc["id"]),
        title=doc["title"],
        in_force_from=in_force if isinstance(in_force, date) else date.fromisoformat(in_force),
        content_hash=content_hash,
        principles=doc.get("principles", ""),
        scope=Scope(
            persons=tuple(scope.get("persons") or ()),
            settings=tuple(scope.get("settings") or ()),
            periods=tuple(scope.get("periods") or ()),
        ),
        families=_terms(doc.get("families")),
        provisions=_terms(doc.get("provisions")),
        characteristics=_terms(doc.get("characteristics")),
        forms_of_hate=_terms(doc.get("forms_of_hate")),
        channels=_terms(doc.get("channels")),
        target_roles=_terms(doc.get("target_roles")),
        respondent_roles=_terms(doc.get("respondent_roles")),
        sanctions=tuple(sorted(_terms(doc.get("sanctions")), key=lambda s: s.rank or 0)),
        outcomes=_terms(doc.get("outcomes")),
        out_of_scope_reasons=_terms(doc.get("out_of_scope_reasons")),
        referral_flags=_terms(doc.get("referral_flags")),
        severity=SeverityGuide(
            levels=tuple(
                SeverityLevel(
                    level=item["level"],
                    title=item["title"],
                    lowest=item["recommended"][0],
                    highest=item["recommended"][1],
                )
                for item in sorted(severity.get("levels") or [], key=lambda i: i["level"])
            ),
            aggravating=_terms(severity.get("aggravating")),
            mitigating=_terms(severity.get("mitigating")),
            departure_reasons=_terms(severity.get("departure_reasons")),
            max_up=int(adjustment.get("max_up", 0)),
            max_down=int(adjustment.get("max_down", 0)),
            rule=severity.get("rule", ""),
        ),
        deadlines=Deadlines(**doc["deadlines"]),
        publication=PublicationRules(
            k=int(publication.get("k", 10)),
            l_diversity=int(publication.get("l", 2)),
            reporting_year_start_month=int(publication.get("reporting_year_start_month", 4)),
            settling_days=int(publication.get("settling_days", 42)),
            hierarchies=tuple(
                (name, tuple(levels))
                for name, levels in (publication.get("hierarchies") or {}).items()
            ),
            never_published=tuple(publication.get("never_published") or ()),
            time_to_decision_bands=tuple(
                (band[0], band[1]) for band in publication.get("time_to_decision_bands") or ()
            ),
            sanction_bands=tuple(
                (str(band["id"]), band["title"], tuple(band["sanctions"]))
                for band in publication.get("sanction_bands") or ()
            ),
        ),
        raw=doc,
    )


def parse_version(text: str, *, source: str = "<string>") -> CodeVersion:
    """Parse one version file; raise CodeFileError listing every problem in it."""
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
        return _build(doc, hashlib.sha256(text.encode()).hexdigest())
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise CodeFileError(f"{source}: not a valid code version file: {exc!r}") from exc


def versions_dir() -> Path:
    configured = os.environ.get(CODES_DIR_ENV)
    return Path(configured) if configured else VERSIONS_DIR


@cache
def _load(directory: Path) -> dict[str, CodeVersion]:
    versions: dict[str, CodeVersion] = {}
    for path in sorted(directory.glob("*.yaml")):
        version = parse_version(path.read_text(encoding="utf-8"), source=path.name)
        if version.id in versions:
            raise CodeFileError(f"{path.name}: duplicate version id {version.id!r}")
        versions[version.id] = version
    if not versions:
        raise CodeFileError(f"{directory}: no code version files (*.yaml)")
    return versions


def load_versions() -> dict[str, CodeVersion]:
    """Every version in the versions folder, keyed by id, oldest in force first."""
    return _load(versions_dir())


def reload() -> None:
    """Forget what was read, so the next call reads the files again (tools and tests)."""
    _load.cache_clear()


def get_version(version_id: str) -> CodeVersion | None:
    return load_versions().get(version_id)


def default_version(on: date | None = None) -> CodeVersion:
    """The newest version in force on a date (today by default)."""
    on = on or clock.today()
    in_force = [v for v in load_versions().values() if v.in_force_from <= on]
    candidates = in_force or list(load_versions().values())
    return max(candidates, key=lambda v: (v.in_force_from, v.id))
